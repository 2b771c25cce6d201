import type { PingSessionLocation } from '../session';

export interface DemoUser {
  id: string;
  username: string;
  name: string;
  /** Where the emulator pretends the user signs on from. */
  location: Omit<PingSessionLocation, 'at' | 'remoteIp'>;
}

/** The people a person can sign on as on the emulator's sign-on page. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: '07e1ee43-9f56-4254-8cfb-1709b5ea8e24',
    username: 'ada',
    name: 'Ada Lovelace',
    location: { city: 'london', state: 'england', region: 'europe', country: 'united kingdom' },
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
  },
  {
    id: 'c9a8b7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d',
    username: 'alan',
    name: 'Alan Turing',
    location: { city: 'manchester', state: 'england', region: 'europe', country: 'united kingdom' },
  },
];
