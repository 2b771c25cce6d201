/* A session cache for the in-process benches, filled with sessions shaped like PingOne's. */
import { startEmulator } from 'express-pingone-session/emulator';
import { createSessionCache, type SessionCache } from '../src/cache/session-cache';
import { resolveOptions } from '../src/config/resolve-options';
import type { PingSession } from '../src/session';

/**
 * A cache of up to `entries` lookups kept for an hour, whose PingOne is a reader of realistic
 * sessions: each read is a fresh parse (as the client gets it) of one emulator session, with an
 * id of its own, like sessions of different users. `jsonBytes`: the size of one as JSON.
 */
export async function realisticSessionCache(
  entries: number,
): Promise<{ cache: SessionCache; jsonBytes: number }> {
  const emulator = await startEmulator();
  const template = JSON.stringify(emulator.createSession().session);
  await emulator.close();
  let n = 0;
  const read = async () => {
    n += 1;
    return JSON.parse(
      template.replace(/"id":"[0-9a-f-]{36}"/, `"id":"${String(n).padStart(36, '0')}"`),
    ) as PingSession;
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
    jsonBytes: template.length,
  };
}
