import { lookupLifetimeMs } from '../../src/cache/lookup-lifetime';
import type { PingSession } from '../../src';

const now = Date.parse('2026-06-01T12:00:00Z');
const limits = { ttlMs: 30_000, negativeTtlMs: 5_000 };

function session(fields: Partial<PingSession>): PingSession {
  return {
    activeAt: new Date(now).toISOString(),
    idleTimeoutInMinutes: 30,
    expiresAt: new Date(now + 30 * 60_000).toISOString(),
    ...fields,
  } as PingSession;
}

describe('how long a lookup is kept', () => {
  it('is ttlMs for a session far from expiry', () => {
    expect(lookupLifetimeMs(session({}), now, limits)).toBe(30_000);
  });

  it('is negativeTtlMs when there is no session', () => {
    expect(lookupLifetimeMs(null, now, limits)).toBe(5_000);
  });

  it("ends at the session's expiresAt", () => {
    const expiresAt = new Date(now + 10_000).toISOString();
    expect(lookupLifetimeMs(session({ expiresAt }), now, limits)).toBe(10_000);
  });

  it('ends at activeAt plus the idle timeout, even if expiresAt says later', () => {
    const activeAt = new Date(now - 30 * 60_000 + 4_000).toISOString();
    expect(lookupLifetimeMs(session({ activeAt }), now, limits)).toBe(4_000);
  });

  it('is not positive for a session already past its expiresAt', () => {
    const expiresAt = new Date(now - 1).toISOString();
    expect(lookupLifetimeMs(session({ expiresAt }), now, limits)).toBeLessThanOrEqual(0);
  });

  it('is zero when a timestamp does not parse', () => {
    expect(lookupLifetimeMs(session({ expiresAt: 'soon' }), now, limits)).toBe(0);
  });
});
