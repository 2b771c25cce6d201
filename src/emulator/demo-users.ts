import type { PingSessionLocation } from '../core/session';

/** An MFA device a demo user has; the one-time passwords it "receives" are readable in tests. */
export interface DemoDevice {
  id: string;
  type: 'SMS' | 'EMAIL';
  /** Masked, as PingOne shows a device to the person choosing it. */
  phone?: string;
  email?: string;
}

export interface DemoUser {
  id: string;
  username: string;
  name: string;
  /** Where the emulator pretends the user signs on from. */
  location: Omit<PingSessionLocation, 'at' | 'remoteIp'>;
  /** MFA devices: none means password only, one means `OTP_REQUIRED`, more means a choice first. */
  devices: readonly DemoDevice[];
  /** Whether the sign-on flow asks for a new password (`PASSWORD_EXPIRED`) after the current one. */
  passwordExpired: boolean;
}

/**
 * The password of every demo user on the emulator's sign-on flow, unless the emulator is started
 * with another `demoPassword`.
 */
export const DEMO_PASSWORD = 'demo-Passw0rd';

/** The people a person can sign on as, on the emulator's sign-on page or its flow API. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: '07e1ee43-9f56-4254-8cfb-1709b5ea8e24',
    username: 'ada',
    name: 'Ada Lovelace',
    location: { city: 'london', state: 'england', region: 'europe', country: 'united kingdom' },
    devices: [],
    passwordExpired: false,
  },
  {
    id: '5b0d1c3e-2f4a-4c8e-9a61-7d2e3f4a5b6c',
    username: 'grace',
    name: 'Grace Hopper',
    location: {
      city: 'arlington',
      state: 'virginia',
      region: 'east coast',
      country: 'united states',
    },
    devices: [
      { id: '1f0e2d3c-4b5a-4697-8877-665544332211', type: 'SMS', phone: '+1 ••• ••• 1906' },
    ],
    passwordExpired: false,
  },
  {
    id: 'c9a8b7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d',
    username: 'alan',
    name: 'Alan Turing',
    location: { city: 'manchester', state: 'england', region: 'europe', country: 'united kingdom' },
    devices: [],
    passwordExpired: true,
  },
  {
    id: '3d6c9b2a-1e4f-4a7b-8c5d-6e9f0a1b2c3d',
    username: 'hedy',
    name: 'Hedy Lamarr',
    location: { city: 'vienna', state: 'vienna', region: 'europe', country: 'austria' },
    devices: [
      { id: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d', type: 'EMAIL', email: 'h•••@example.com' },
      { id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', type: 'SMS', phone: '+43 ••• ••• 1914' },
    ],
    passwordExpired: false,
  },
];
