import type { RequestListener } from 'node:http';
import type { PingSessionOptions } from '../middleware/options';
import type { HostedSignedInUser, HostedSignInOptions } from './hosted-kit';
import type { EmulatorFault } from './faults';
import type { RecordedRequest } from './request-record';
import type { CreatedSession, CreateSessionOptions, SessionState } from './session-store';
import type { ConditionOptions, PingOneCondition, SignedInUser, SignInOverrides } from './test-kit';

export interface EmulatorOptions {
  /** Port to listen on. Default: `0`, a free port. */
  port?: number;
  /**
   * Address to listen on. Default: `'127.0.0.1'`: the emulator is for this machine only. Any
   * other than a loopback address is refused unless `allowRemote` is set.
   */
  listenHost?: string;
  /**
   * Listen on a `listenHost` other machines can reach (in a container, say), knowing that the
   * emulator signs anybody in with a demo password and hands out tokens. Default: `false`.
   */
  allowRemote?: boolean;
  /**
   * How many requests `requests` keeps, the oldest dropped first, so that a long-running emulator
   * does not grow. Passwords and one-time codes in recorded bodies are redacted. Default: `10000`.
   */
  maxRecordedRequests?: number;
  /** Environment ID. Default: a random UUID. */
  environmentId?: string;
  /**
   * The environment the worker application lives in, when not the emulated one: its token
   * endpoint answers there too, and its tokens are good for this environment's API (as a worker
   * of PingOne's Administrators environment given a role here). Default: none.
   */
  workerEnvironmentId?: string;
  /** Worker client ID. Default: a random UUID. */
  clientId?: string;
  /** Worker client secret. Default: random. */
  clientSecret?: string;
  /** Client ID of the OIDC application that signs users in through the flow API. Default: random. */
  signInClientId?: string;
  /** Its client secret. Default: random. */
  signInClientSecret?: string;
  /** The password of every demo user on the flow API. Default: {@link DEMO_PASSWORD}. */
  demoPassword?: string;
  /** Wrong passwords in a row that lock a demo user. Default: `5`. */
  lockoutFailures?: number;
  /**
   * How a wrong password and a lockout are answered, as PingOne does not document it:
   * `'documented'` as Ping's samples read them, or `'alternative'` (`INVALID_VALUE`, and a lockout
   * as an `error` in a `200` flow body), as another Ping demo does. Default: `'documented'`.
   */
  refusals?: 'documented' | 'alternative';
  /**
   * How a reset session reads (`sessions/me`, `sessions/{id}`): `'not-found'` (`404`), or
   * `'anonymous'`, a `200` session with no user and no sign-on, as PingOne may keep it.
   * Default: `'not-found'`.
   */
  resetReads?: 'not-found' | 'anonymous';
  /**
   * The sign-in application's policy: a PingOne sign-on policy, or a DaVinci flow, whose
   * `pi.flow` authorize answers an HTML page (JSON in DaVinci's own format only to its SDK).
   * Default: `'sign-on'`.
   */
  signInPolicy?: 'sign-on' | 'davinci';
  /**
   * What ID tokens carry as `sub`: the user's ID, or their username, as an application whose
   * `sub` is mapped to another attribute sends. Default: `'id'`.
   */
  idTokenSubject?: 'id' | 'username';
  /**
   * A completed flow carries its authorization code itself (`authorizeResponse.code`), as some
   * backends report of PingOne; resume still answers too. Default: `false`.
   */
  inlineCode?: boolean;
  /** How long a lock lasts, in seconds. Default: `900`. */
  lockoutSeconds?: number;
  /**
   * Where the emulator "sends" one-time passwords: a line per OTP. Default: nowhere (tests read
   * them with {@link Emulator.lastOtp}); the command line prints them.
   */
  log?: (line: string) => void;
  /** Idle timeout of new sessions, in minutes. Default: `30`. */
  idleTimeoutInMinutes?: number;
  /** Lifetime of access tokens, in seconds (`expires_in`). Default: `3600`, as PingOne. */
  accessTokenLifetimeSeconds?: number;
  /** The clock, in epoch milliseconds, for tests that move time. Default: `Date.now`. */
  now?: () => number;
  /** Faults to play from the start; see {@link Emulator.addFault}. */
  faults?: EmulatorFault[];
  /**
   * PingOne's request limit on session reads: past this many in one second, a read is answered
   * `429 REQUEST_LIMITED` with `Retry-After: 1`. Sign-outs are not limited. Default: no limit.
   */
  sessionReadsPerSecond?: number;
}

export interface Emulator {
  /** Base URL, `http://localhost:<port>`. */
  url: string;
  /** Pass as `apiPath`. */
  apiPath: string;
  /** Pass as `authPath`. */
  authPath: string;
  /** The sign-on page; add `?returnTo=<url>`. */
  signOnUrl: string;
  environmentId: string;
  /** The worker application. */
  clientId: string;
  clientSecret: string;
  /** The OIDC application of the sign-on flow API (`signIn` in `pingSession()`). */
  signInClientId: string;
  signInClientSecret: string;
  /** The demo users' password on the flow API. */
  demoPassword: string;
  /** The last one-time password sent to a demo user, by username. */
  lastOtp(username: string): string | undefined;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** How many calls of each kind were received so far: a test's measure of PingOne traffic. */
  counts(): EmulatorCounts;
  /**
   * Holds every answer until the returned function is called, as a slow PingOne would; requests
   * are still received (and counted) meanwhile.
   */
  hold(): () => void;
  /**
   * What `pingSession()` needs to talk to this emulator: its environment, hosts and worker
   * application; with `signIn`, also its sign-in application: `'hosted'` (or `true`) with
   * `redirectUri` (default `http://localhost:3000/auth/callback`) and a cookie secret, or
   * `'redirectless'`.
   */
  options(options?: {
    signIn?: boolean | 'hosted' | 'redirectless';
    redirectUri?: string;
  }): PingSessionOptions;
  /**
   * Signs a browser in to a hosted-mode app (`app`: an Express app or its base URL) as a person
   * already signed on at PingOne: the app's start, single sign-on at the emulator, the app's
   * callback, over real HTTP. Resolves with the app's own session cookie to send.
   */
  signInHosted(
    app: string | RequestListener,
    user?: string,
    overrides?: SignInOverrides & HostedSignInOptions,
  ): Promise<HostedSignedInUser>;
  /**
   * A signed-in user for a test: a session made as a sign-on would make it (the first demo user,
   * `ada`, unless named), with `overrides` for step-up and expiry tests. Send `cookie`.
   */
  signIn(user?: string, overrides?: SignInOverrides): SignedInUser;
  /**
   * Plays PingOne `'down'`, `'slow'`, `'rate-limited'` or with the worker's `'role-missing'`
   * until the returned function is called or {@link Emulator.reset}.
   */
  simulate(condition: PingOneCondition, options?: ConditionOptions): () => void;
  /**
   * Back to a fresh emulator, for `afterEach`: forgets every session (their tokens are unknown
   * from now on), flow, one-time code, lockout, fault, held answer and recorded request. Access
   * tokens stay valid, so apps under test keep theirs.
   */
  reset(): void;
  /**
   * Adds a fault PingOne is to play (latency, error status, reset, hang, malformed body); the
   * function returned removes it.
   */
  addFault(fault: EmulatorFault): () => void;
  /** Ends every fault: PingOne behaves again. */
  clearFaults(): void;
  /** Creates a session as a sign-on would, and returns its token. */
  createSession(options?: CreateSessionOptions): CreatedSession;
  /** Where a session token stands: `active`, `reset`, `expired` or `unknown`. */
  sessionState(token: string): SessionState;
  /** Ends a session at PingOne, as an administrator or another app's sign-out would. */
  resetSession(token: string): void;
  /** Records activity on a session now, which moves its `activeAt` and `expiresAt`. */
  touchSession(token: string): void;
  /** Issues a worker access token without the token endpoint. */
  issueAccessToken(): string;
  /** Makes every access token issued so far invalid. */
  revokeAccessTokens(): void;
  /**
   * Every secret this emulator made or knows: its client secrets, the demo password, every
   * access token, session token, one-time password, authorization code and ID token it issued.
   * For tests that check none of them leaks into logs or responses.
   */
  secrets(): string[];
  close(): Promise<void>;
}

export interface EmulatorCounts {
  /** `GET sessions/me`, and `GET sessions/{id}` (hosted sign-on's reads by session ID). */
  sessionReads: number;
  /** `POST sessions/me` */
  sessionResets: number;
  /** Token endpoint calls. */
  tokenRequests: number;
}
