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
      'requireSession(): authenticators must be a list of PingOne authenticator names, such as ["pwd", "otp"].',
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
 * Whether the session's last sign-on is recent and strong enough. A session without
 * `lastSignOn` (PingOne does not promise one) meets no freshness or strength demand.
 */
export function meetsStepUp(session: PingSession, stepUp: StepUp, now: number): boolean {
  const { lastSignOn } = session;
  if (stepUp.authenticators.length > 0) {
    if (!lastSignOn) return false;
    if (!stepUp.authenticators.every((name) => lastSignOn.authenticators.includes(name))) {
      return false;
    }
  }
  if (stepUp.maxAuthAgeSeconds !== undefined) {
    if (!lastSignOn) return false;
    const times =
      stepUp.authenticators.length > 0
        ? stepUp.authenticators.map((name) => lastSignOn.withAuthenticator?.[name]?.at)
        : [lastSignOn.at];
    const oldest = Math.min(...times.map((at) => (at === undefined ? NaN : Date.parse(at))));
    // NaN (a missing or unreadable time) fails the comparison: not known to be fresh.
    if (!(now - oldest <= stepUp.maxAuthAgeSeconds * 1000)) return false;
  }
  return stepUp.check === undefined || stepUp.check(session) === true;
}
