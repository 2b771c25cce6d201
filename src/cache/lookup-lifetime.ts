import type { PingSession } from '../session';

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
  const idleEnd = Date.parse(session.activeAt) + session.idleTimeoutInMinutes * 60_000;
  const lifetime = Math.min(limits.ttlMs, Date.parse(session.expiresAt) - now, idleEnd - now);
  return Number.isNaN(lifetime) ? 0 : lifetime;
}
