import type { EmulatorFault } from './faults';
import type { CreateSessionOptions, EmulatedSession } from './session-store';

/** How a test's signed-in user differs from a fresh password sign-on. */
export interface SignInOverrides {
  /**
   * Authenticators of the last sign-on (`lastSignOn.authenticators`), for step-up guards.
   * Default: `['pwd']`.
   */
  authenticators?: string[];
  /** How long ago the last sign-on was, in seconds, for `maxAuthAgeSeconds` guards. Default: 0. */
  authAgeSeconds?: number;
  /** Seconds until the session expires; `0` or less is an expired session. Default: idle timeout. */
  expiresInSeconds?: number;
  /** The session's idle timeout. Default: the emulator's (30 minutes). */
  idleTimeoutInMinutes?: number;
  /** The browser PingOne records. Default: a desktop Firefox. */
  userAgent?: string;
  /** The address PingOne records. Default: `127.0.0.1`. */
  remoteIp?: string;
}

/** A signed-in user, ready to send. */
export interface SignedInUser {
  /** `ST=<token>`: the `Cookie` header a browser signed in through `signIn` sends. */
  cookie: string;
  /** The session token alone. */
  token: string;
  /** The session as PingOne answers it, what `req.pingSession` will hold. */
  session: EmulatedSession;
}

/**
 * PingOne misbehaving as a whole, for tests of what users see: `'down'` (every call `503`),
 * `'slow'` (every call waits `latencyMs`), `'rate-limited'` (every call `429` with
 * `Retry-After`), `'role-missing'` (the worker application may not read sessions or users:
 * `403`, as a missing role gives).
 */
export type PingOneCondition = 'down' | 'slow' | 'rate-limited' | 'role-missing';

export interface ConditionOptions {
  /** For `'slow'`: the wait before each answer. Default: 1000. */
  latencyMs?: number;
  /**
   * For `'rate-limited'`: the `Retry-After` PingOne sends. Default: 60, longer than a call may
   * wait, so the middleware fails the call at once instead of waiting out the pause.
   */
  retryAfterSeconds?: number;
}

/** The faults that play a condition. */
export function faultsFor(
  condition: PingOneCondition,
  options: ConditionOptions = {},
): EmulatorFault[] {
  switch (condition) {
    case 'down':
      return [{ on: 'any', status: 503 }];
    case 'slow':
      return [{ on: 'any', latencyMs: options.latencyMs ?? 1000 }];
    case 'rate-limited':
      return [{ on: 'any', status: 429, retryAfter: String(options.retryAfterSeconds ?? 60) }];
    case 'role-missing':
      return [
        { on: 'sessions', status: 403 },
        { on: 'directory', status: 403 },
      ];
    default:
      throw new TypeError(
        `simulate(): unknown condition ${JSON.stringify(condition)}; use 'down', 'slow', 'rate-limited' or 'role-missing'.`,
      );
  }
}

/** The session to create for `signIn(user, overrides)`, as of `now`. */
export function sessionFor(
  user: string | undefined,
  overrides: SignInOverrides,
  now: number,
): CreateSessionOptions {
  const { authAgeSeconds, ...rest } = overrides;
  return {
    ...rest,
    ...(user === undefined ? {} : { user }),
    ...(authAgeSeconds === undefined ? {} : { signedOnAt: now - authAgeSeconds * 1000 }),
  };
}
