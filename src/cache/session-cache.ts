import type { ResolvedCache } from '../config/resolve-options';
import type { PingSessionLogger } from '../options';
import type { PingSession } from '../session';
import { createCacheKey } from './cache-key';
import { deepFreeze } from './deep-freeze';
import { guardStore } from './guarded-store';
import { lookupLifetimeMs } from './lookup-lifetime';
import { MemoryStore } from './memory-store';

/** Session lookups by token: reused while fresh, shared while in flight, dropped on sign-out. */
export interface SessionCache {
  /**
   * The session of a token, or `null` for none. Answers at once (not a promise) when this process
   * holds the answer, which keeps the common request free of extra ticks.
   */
  lookup(sessionToken: string): PingSession | null | Promise<PingSession | null>;
  /** The token was signed out: forget it here and in every instance sharing the store. */
  forget(sessionToken: string): Promise<void>;
}

/** Reads a session from PingOne; rejects when PingOne could not say. */
export type ReadSession = (sessionToken: string) => Promise<PingSession | null>;

/** One lookup in progress; `forgotten` once its token is signed out meanwhile. */
interface Flight {
  promise: Promise<PingSession | null>;
  forgotten: boolean;
}

/**
 * Layers: this process's memory, then the shared store if there is one, then PingOne. Concurrent
 * lookups of one token share one flight through the lower layers. A failed flight is not kept, so
 * only the requests that joined it see its failure. With `cache: false` only the sharing of
 * flights remains: a request joins a lookup already under way, whose answer is never older than
 * the request.
 */
export function createSessionCache(
  read: ReadSession,
  cache: ResolvedCache | false,
  logger: PingSessionLogger,
): SessionCache {
  const keyOf = createCacheKey(cache ? cache.keySecret : undefined);
  const flights = new Map<string, Flight>();
  const memory = cache ? new MemoryStore({ max: cache.max }) : undefined;
  const shared =
    cache && cache.store ? guardStore(cache.store, cache.storeTimeoutMs, logger) : undefined;

  function forgetHere(key: string): void {
    const flight = flights.get(key);
    if (flight) {
      flight.forgotten = true;
      flights.delete(key);
    }
    memory?.delete(key);
  }

  if (cache && cache.store?.subscribe) {
    cache.store.subscribe({
      deleted: forgetHere,
      missed() {
        for (const flight of flights.values()) flight.forgotten = true;
        flights.clear();
        memory?.clear();
      },
    });
  }

  async function fromSharedStore(
    key: string,
    flight: Flight,
  ): Promise<PingSession | null | undefined> {
    if (!shared || !memory || !cache) return undefined;
    const stored = await shared.get(key);
    if (stored === undefined || flight.forgotten) return undefined;
    const ttl = Math.min(stored.validUntil - Date.now(), cache.ttlMs);
    if (ttl <= 0) return undefined;
    memory.set(key, deepFreeze(stored), ttl);
    return stored.session;
  }

  async function fromPingOne(key: string, sessionToken: string, flight: Flight) {
    const session = deepFreeze(await read(sessionToken));
    if (!memory || !cache || flight.forgotten) return session;
    const now = Date.now();
    const ttl = lookupLifetimeMs(session, now, cache);
    if (ttl > 0) {
      const entry = { session, validUntil: now + ttl };
      memory.set(key, entry, ttl);
      await shared?.set(key, entry, ttl);
    }
    return session;
  }

  async function fly(key: string, sessionToken: string, flight: Flight) {
    const stored = await fromSharedStore(key, flight);
    return stored !== undefined ? stored : fromPingOne(key, sessionToken, flight);
  }

  return {
    lookup(sessionToken) {
      const key = keyOf(sessionToken);
      const hit = memory?.get(key);
      if (hit !== undefined) return hit.session;
      const inFlight = flights.get(key);
      if (inFlight) return inFlight.promise;
      const flight = { forgotten: false } as Flight;
      flight.promise = fly(key, sessionToken, flight).finally(() => {
        if (flights.get(key) === flight) flights.delete(key);
      });
      flights.set(key, flight);
      return flight.promise;
    },
    async forget(sessionToken) {
      const key = keyOf(sessionToken);
      forgetHere(key);
      await shared?.delete(key);
    },
  };
}
