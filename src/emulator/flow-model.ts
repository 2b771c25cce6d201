import type { DemoUser } from './demo-users';

/** PingOne: flows expire after 15 minutes of inactivity; an expired flow answers 404. */
export const FLOW_IDLE_TIMEOUT_MS = 15 * 60_000;
/** PingOne's session token cookie lasts 30 days. */
export const ST_MAX_AGE_SECONDS = 2_592_000;

/** One sign-on in progress: what authorize asked for, who signed on so far, and how. */
export interface Flow {
  id: string;
  status: string;
  clientId: string;
  redirectUri: string | undefined;
  scope: string;
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  userAgent: string | undefined;
  remoteIp: string | undefined;
  user: DemoUser | undefined;
  sessionToken: string | undefined;
  /**
   * The session the browser came with, when the flow signs its user on again (`prompt=login`, or
   * its sign-on older than `max_age`): the same user keeps it, another user ends it.
   */
  existingToken: string | undefined;
  /**
   * The anonymous `ST` (and `ST-NO-SS`) set at authorize, before the user is known, with
   * `Path=/{envID}/as`: the flow API wants it back (REAL-TENANT.md M7).
   */
  anonymousToken?: string;
  otp: string | undefined;
  authenticators: string[];
  createdAt: number;
  activeAt: number;
}
