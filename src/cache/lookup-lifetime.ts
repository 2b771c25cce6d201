import type { PingSession } from '../core/session';

export interface LifetimeLimits {
  ttlMs: number;
  negativeTtlMs: number;
}

/**
 * How long a lookup may be reused from `now`: `ttlMs` for a session (`negativeTtlMs` for none),
 * never past the session's `expiresAt` nor `activeAt + idleTimeoutInMinutes`. `0` or less means do
 * not keep it; so does a timestamp that does not parse.
 */
export function lookupLifetimeMs(
  session: PingSession | null,
  now: number,
  limits: LifetimeLimits,
): number {
  if (session === null) return limits.negativeTtlMs;
  const lifetime = Math.min(limits.ttlMs, sessionEndsAt(session) - now);
  return Number.isNaN(lifetime) ? 0 : lifetime;
}

/** When the session ends at the latest: `expiresAt`, or `activeAt` plus the idle timeout. */
export function sessionEndsAt(session: PingSession): number {
  const idleEnd = Date.parse(session.activeAt) + session.idleTimeoutInMinutes * 60_000;
  return Math.min(Date.parse(session.expiresAt), idleEnd);
}
