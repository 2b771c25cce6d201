/* A session cache for the in-process benches, filled with sessions shaped like PingOne's. */
import { createSessionCache, type SessionCache } from '../src/cache/session-cache';
import { resolveOptions } from '../src/middleware/resolve-options';
import type { PingSession } from '../src/core/session';
import { realisticSessionJson } from './realistic-session';

/**
 * A cache of up to `entries` lookups kept for an hour, whose PingOne is a reader of realistic
 * sessions (realistic-session.ts): each read is a fresh parse, as the client gets it, of another
 * user's session. `jsonBytes`: the size of one as JSON.
 */
export async function realisticSessionCache(
  entries: number,
): Promise<{ cache: SessionCache; jsonBytes: number }> {
  let n = 0;
  const read = async () => {
    n += 1;
    return JSON.parse(realisticSessionJson(n)) as PingSession;
  };
  const options = resolveOptions(
    {
      environmentId: '00000000-0000-4000-8000-000000000000',
      accessToken: 'unused',
      cache: { max: entries, ttlMs: 3_600_000 },
      logger: false,
    },
    {},
  );
  return {
    cache: createSessionCache(read, options.cache, options.logger),
    jsonBytes: realisticSessionJson(0).length,
  };
}
