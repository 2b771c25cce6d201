import { ConfigError } from '../core/errors';
import type { RequireSessionOptions } from './require-session-options';
import type { PingSession } from '../core/session';

/** What a route asks of the last sign-on, beyond a valid session. */
export interface StepUp {
  maxAuthAgeSeconds: number | undefined;
  authenticators: readonly string[];
  check: ((session: PingSession) => boolean) | undefined;
}

/** The step-up options of `requireSession()`, checked; `undefined` when it asks for none. */
export function resolveStepUp(options: RequireSessionOptions): StepUp | undefined {
  const { maxAuthAgeSeconds, authenticators = [], check } = options;
  if (
    maxAuthAgeSeconds !== undefined &&
    !(Number.isInteger(maxAuthAgeSeconds) && maxAuthAgeSeconds >= 0)
  ) {
    throw new ConfigError(
      'ERR_PINGONE_STEP_UP',
      'requireSession(): maxAuthAgeSeconds must be a whole number of seconds, 0 or more.',
    );
  }
  if (
    !Array.isArray(authenticators) ||
    !authenticators.every((name) => typeof name === 'string' && name !== '')
  ) {
    throw new ConfigError(
      'ERR_PINGONE_STEP_UP',
      'requireSession(): authenticators must be a list of PingOne authenticator names, such as ["pwd", "mfa"].',
    );
  }
  if (check !== undefined && typeof check !== 'function') {
    throw new ConfigError(
      'ERR_PINGONE_STEP_UP',
      'requireSession(): check must be a function of the session returning true or false.',
    );
  }
  if (maxAuthAgeSeconds === undefined && authenticators.length === 0 && check === undefined) {
    return undefined;
  }
  return { maxAuthAgeSeconds, authenticators: [...authenticators], check };
}

/**
 * One-time codes of any kind. PingOne's sign-on policies record them as `mfa` (its policy
 * variables know only `pwd` and `mfa`), while a route may ask for the kind it means: each stands
 * for the other.
 */
const KINDS_OF_MFA = new Set(['otp', 'sms', 'email', 'totp']);

/** The name PingOne recorded that meets `asked`, if any. */
function recordedFor(asked: string, recorded: readonly string[]): string | undefined {
  if (recorded.includes(asked)) return asked;
  if (KINDS_OF_MFA.has(asked) && recorded.includes('mfa')) return 'mfa';
  if (asked === 'mfa') return recorded.find((name) => KINDS_OF_MFA.has(name));
  return undefined;
}

/**
 * Whether the session's last sign-on is recent and strong enough. A session without
 * `lastSignOn` (PingOne does not promise one) meets no freshness or strength demand.
 */
export function meetsStepUp(session: PingSession, stepUp: StepUp, now: number): boolean {
  const { lastSignOn } = session;
  const met = stepUp.authenticators.map((name) =>
    lastSignOn ? recordedFor(name, lastSignOn.authenticators) : undefined,
  );
  if (met.some((name) => name === undefined)) return false;
  if (stepUp.maxAuthAgeSeconds !== undefined) {
    if (!lastSignOn) return false;
    const times =
      met.length > 0
        ? met.map((name) => lastSignOn.withAuthenticator?.[name!]?.at)
        : [lastSignOn.at];
    const oldest = Math.min(...times.map((at) => (at === undefined ? NaN : Date.parse(at))));
    // NaN (a missing or unreadable time) fails the comparison: not known to be fresh.
    if (!(now - oldest <= stepUp.maxAuthAgeSeconds * 1000)) return false;
  }
  return stepUp.check === undefined || stepUp.check(session) === true;
}
