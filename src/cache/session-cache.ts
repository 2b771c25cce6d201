import { LRUCache } from 'lru-cache';
import type { ResolvedCache, ResolvedUnknownTokenBudget } from './options';
import { clientOf } from '../http/client-address';
import { lookupChannel } from '../core/channels';
import { PingOneError, TRANSPORT_ERROR_CODES } from '../core/errors';
import type { PingSessionLogger } from '../core/logger';
import type { PingSession } from '../core/session';
import { createCacheKey } from './cache-key';
import { compactSession } from './compact-session';
import { guardStore, type GuardedStore } from './guarded-store';
import { createLookupSeal } from './lookup-seal';
import { lookupLifetimeMs } from './lookup-lifetime';
import {
  isServableStale,
  keepMs,
  publishDeferred,
  publishHit,
  publishWhenSettled,
  type Flight,
} from './lookup-flight';
import { MemoryStore } from './memory-store';
import { isRateBucketStore } from './rate-bucket';
import { ReadBudget } from './read-budget';
import type { SessionStore, StoredLookup } from './session-store';
import { UnknownTokenBudget } from './unknown-token-budget';

/** Who asks: the request, whose `ip` is read only when PingOne would be called. */
export interface Requester {
  readonly ip?: string | undefined;
}

/** Session lookups by token: reused while fresh, shared while in flight, dropped on sign-out. */
export interface SessionCache {
  /** The cache key of a token: a keyed hash, never the token. */
  keyOf(sessionToken: string): string;
  /**
   * The session of a token, or `null` for none. Answers at once (not a promise) when this process
   * holds the answer, which keeps the common request free of extra ticks. Give `key` when it is
   * already known, and the `requester` whose unknown-token budget a PingOne read spends.
   */
  lookup(
    sessionToken: string,
    key?: string,
    requester?: Requester,
  ): PingSession | null | Promise<PingSession | null>;
  /** The session this process holds in memory for the token, if any, without asking anyone. */
  held(sessionToken: string): PingSession | undefined;
  /** The token was signed out: forget it here and in every instance sharing the store. */
  forget(sessionToken: string): Promise<void>;
  /**
   * The session with this ID was ended (from another device, or everywhere): forget every token's
   * entry holding it, here and in every instance sharing the store.
   */
  forgetSession(sessionId: string): Promise<void>;
  /** The token's session changed at PingOne (signed on again): drop what is kept of it everywhere. */
  refresh(sessionToken: string): Promise<void>;
}

/**
 * After the store's channel is back, sign-outs made while it was down reach this instance only
 * when their instance re-publishes them (on its own reconnection): until then, memory is trusted
 * only briefly.
 */
const HEARD_AGAIN_GRACE_MS = 5000;

/** Reads a session from PingOne; rejects when PingOne could not say. */
export type ReadSession = (sessionToken: string) => Promise<PingSession | null>;

/** Everything a lookup goes through, top to bottom. */
interface Layers {
  read: ReadSession;
  cache: ResolvedCache | false;
  logger: PingSessionLogger;
  keyOf: (sessionToken: string) => string;
  flights: Map<string, Flight>;
  memory: MemoryStore | undefined;
  /** Tokens with no session live apart, so a flood of them can only push out each other. */
  negatives: MemoryStore | undefined;
  /**
   * Sessions ended here lately: a lookup that was on its way (to PingOne or the shared store) as
   * one ended must not bring it back.
   */
  endedSessions: LRUCache<string, true> | undefined;
  budget: UnknownTokenBudget | undefined;
  /** `cache.pingOneReadsPerSecond`: PingOne reads across the instances sharing the store. */
  readBudget: ReadBudget | undefined;
  /** How long memory keeps a session past its fresh life, to serve it (`keepMs`). */
  keepStaleMs: number;
  shared: GuardedStore | undefined;
  /** Until then, sign-outs of other instances may go unheard: memory is trusted only briefly. */
  unheardUntil: number;
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
  unknownTokenBudget: ResolvedUnknownTokenBudget | false = false,
): SessionCache {
  const keyOf = createCacheKey(cache ? cache.keySecret : undefined);
  const layers: Layers = {
    read,
    cache,
    logger,
    keyOf,
    flights: new Map(),
    memory: cache ? new MemoryStore({ max: cache.max }) : undefined,
    negatives: cache ? new MemoryStore({ max: cache.negativeMax }) : undefined,
    endedSessions: cache
      ? new LRUCache<string, true>({ max: cache.negativeMax, ttl: cache.ttlMs, ttlResolution: 0 })
      : undefined,
    budget: unknownTokenBudget ? new UnknownTokenBudget(unknownTokenBudget, logger) : undefined,
    readBudget:
      cache && cache.pingOneReadsPerSecond !== undefined
        ? new ReadBudget({
            perSecond: cache.pingOneReadsPerSecond,
            maxStaleMs: cache.maxStaleMs,
            store: isRateBucketStore(cache.store) ? cache.store : undefined,
            timeoutMs: cache.storeTimeoutMs,
            logger,
          })
        : undefined,
    keepStaleMs: !cache
      ? 0
      : Math.max(cache.staleIfErrorMs, cache.pingOneReadsPerSecond ? cache.maxStaleMs : 0),
    shared:
      cache && cache.store
        ? guardStore(
            cache.store,
            cache.storeTimeoutMs,
            logger,
            // Required with a store (checked at start-up).
            createLookupSeal(cache.keySecret!),
          )
        : undefined,
    unheardUntil: 0,
  };
  if (cache && cache.store?.subscribe) listenToOtherInstances(layers, cache, cache.store);

  return {
    keyOf,
    lookup: (sessionToken, key = keyOf(sessionToken), requester) =>
      lookup(layers, sessionToken, key, requester),
    held: (sessionToken) => layers.memory?.get(keyOf(sessionToken))?.session ?? undefined,
    async forget(sessionToken) {
      const key = keyOf(sessionToken);
      forgetHere(layers, key);
      await layers.shared?.delete(key);
    },
    async forgetSession(sessionId) {
      endedHere(layers, sessionId);
      await layers.shared?.deleteSession(sessionId);
    },
    async refresh(sessionToken) {
      const key = keyOf(sessionToken);
      forgetHere(layers, key);
      await layers.shared?.invalidate(key);
    },
  };
}

function lookup(
  layers: Layers,
  sessionToken: string,
  key: string,
  requester: Requester | undefined,
): PingSession | null | Promise<PingSession | null> {
  const hit = layers.memory?.get(key);
  if (hit !== undefined && Date.now() < hit.validUntil) {
    if (lookupChannel.hasSubscribers) publishHit(true);
    return hit.session;
  }
  const none = layers.negatives?.get(key);
  if (none !== undefined && Date.now() < none.validUntil) {
    if (lookupChannel.hasSubscribers) publishHit(false);
    return null;
  }
  const { flights } = layers;
  const inFlight = flights.get(key);
  if (inFlight) {
    if (lookupChannel.hasSubscribers) publishWhenSettled(inFlight, 'coalesced');
    return inFlight.promise;
  }
  // With a shared store, a flight looks there first: another instance may have renewed it.
  if (
    hit !== undefined &&
    layers.shared === undefined &&
    layers.readBudget?.defersRenewalOf(hit.checkedAt) &&
    isRenewable(layers, hit)
  ) {
    if (lookupChannel.hasSubscribers) publishDeferred(hit.checkedAt);
    return hit.session;
  }
  const flight = { forgotten: false, served: undefined } as Flight;
  const landed = () => {
    if (flights.get(key) === flight) flights.delete(key);
  };
  // Not `finally`, which chains two more promises on every lookup that leaves memory.
  flight.promise = fly(layers, key, sessionToken, flight, hit, requester).then(
    (session) => {
      landed();
      return session;
    },
    (error: unknown) => {
      landed();
      throw error;
    },
  );
  flights.set(key, flight);
  if (lookupChannel.hasSubscribers) publishWhenSettled(flight, 'miss');
  return flight.promise;
}

function forgetHere(layers: Layers, key: string): void {
  const flight = layers.flights.get(key);
  if (flight) {
    flight.forgotten = true;
    layers.flights.delete(key);
  }
  layers.memory?.delete(key);
  layers.negatives?.delete(key);
  layers.budget?.unvouch(key);
}

/** Ends the session in this process: its entries go, and lookups on their way refuse it. */
function endedHere(layers: Layers, sessionId: string): void {
  layers.endedSessions?.set(sessionId, true);
  layers.memory?.deleteSession(sessionId);
}

function forgetAll(layers: Layers): void {
  for (const flight of layers.flights.values()) flight.forgotten = true;
  layers.flights.clear();
  layers.memory?.clear();
  layers.negatives?.clear();
}

/** Sign-outs on other instances drop entries here; while they cannot be heard, memory is brief. */
function listenToOtherInstances(layers: Layers, cache: ResolvedCache, store: SessionStore): void {
  const { logger } = layers;
  store.subscribe!({
    deleted: (key) => forgetHere(layers, key),
    sessionEnded: (sessionId) => endedHere(layers, sessionId),
    missed() {
      forgetAll(layers);
      if (layers.unheardUntil === Infinity) {
        logger.info("Hearing other instances' sign-outs again.", {
          event: 'session_store_heard',
        });
      }
      layers.unheardUntil = Date.now() + HEARD_AGAIN_GRACE_MS;
    },
    unavailable() {
      forgetAll(layers);
      layers.unheardUntil = Infinity;
      logger.warn(
        "Cannot hear other instances' sign-outs; sessions are reused from memory only briefly.",
        { event: 'session_store_unheard', unheardTtlMs: cache.unheardTtlMs },
      );
    },
  });
}

/**
 * The shared store's answer (`found`); or, with a read budget, an entry past its fresh life that
 * may be served if the budget has no room to renew it (`stale`); or nothing.
 */
type SharedAnswer = { found: PingSession | null } | { stale: StoredLookup } | undefined;

function fromSharedStore(
  layers: Layers,
  key: string,
  flight: Flight,
): Promise<SharedAnswer> | undefined {
  // A `then`, not an `await`: every lookup from the store takes this path.
  return layers.shared?.get(key).then((stored) => sharedAnswer(layers, key, flight, stored));
}

function sharedAnswer(
  layers: Layers,
  key: string,
  flight: Flight,
  stored: StoredLookup | undefined,
): SharedAnswer {
  const { memory, cache } = layers;
  if (!memory || !cache || stored === undefined || flight.forgotten) return undefined;
  if (stored.session !== null && layers.endedSessions?.has(stored.session.id)) {
    return { found: null };
  }
  // Only what memory needs: not the seal, nor the text it covers.
  const { validUntil, checkedAt } = stored;
  const entry = () =>
    Object.freeze({ session: compactSession(stored.session), validUntil, checkedAt });
  const ttl = Math.min(validUntil - Date.now(), cache.ttlMs);
  if (ttl <= 0) {
    return layers.readBudget && isRenewable(layers, stored, flight)
      ? { stale: entry() }
      : undefined;
  }
  if (stored.session !== null) layers.budget?.vouch(key);
  const fresh = entry();
  keep(layers, key, fresh, ttl);
  return { found: fresh.session };
}

/**
 * Whether a session held past its fresh life may be served instead of a read the budget has no
 * room for: vouched for within `maxStaleMs`, not ended, not signed out, and sign-outs of other
 * instances heard.
 */
function isRenewable(layers: Layers, entry: StoredLookup, flight?: Flight): boolean {
  return (
    layers.cache !== false &&
    Date.now() >= layers.unheardUntil &&
    isServableStale(entry, layers.cache.maxStaleMs, flight) &&
    !layers.endedSessions?.has(entry.session!.id)
  );
}

async function fromPingOne(
  layers: Layers,
  key: string,
  sessionToken: string,
  flight: Flight,
  requester: Requester | undefined,
  held: StoredLookup | undefined,
) {
  const { budget, readBudget, memory, cache } = layers;
  const charged =
    budget && requester && !budget.isVouchedFor(key) ? clientOf(requester.ip) : undefined;
  // Spent before the read, so that reads in flight count. A refusal is neither remembered nor
  // "no session": the token may well be real, and PingOne was not asked.
  if (charged !== undefined && !budget!.spend(charged)) throw budgetSpent();
  if (readBudget) {
    const renewal = held !== undefined && isRenewable(layers, held, flight);
    if (!(await readBudget.spend(renewal ? 'renewal' : 'needed', held?.checkedAt))) {
      if (charged !== undefined) budget!.giveBack(charged);
      // Checked again: a sign-out or an end may have come while the budget was asked.
      if (renewal && isRenewable(layers, held, flight)) {
        flight.served = { outcome: 'deferred', checkedAt: held.checkedAt };
        // Held from the shared store: kept here too, so this instance's next requests use it.
        if (memory?.get(key) !== held) keep(layers, key, held, 0);
        return held.session;
      }
      throw budgetSpent();
    }
  }
  let session: PingSession | null;
  try {
    session = compactSession(await layers.read(sessionToken));
  } catch (error) {
    // PingOne could not say: not the client's doing, and an outage must not use up a browser's
    // budget. Failing calls are bounded by the lanes.
    if (charged !== undefined) budget!.giveBack(charged);
    throw error;
  }
  if (session !== null) {
    if (charged !== undefined) budget!.giveBack(charged);
    budget?.vouch(key);
  }
  if (session !== null && layers.endedSessions?.has(session.id)) session = null;
  if (!memory || !cache || flight.forgotten) return session;
  const now = Date.now();
  const ttl = lookupLifetimeMs(session, now, cache);
  if (ttl > 0) {
    const entry = { session, validUntil: now + ttl, checkedAt: now };
    keep(layers, key, entry, ttl);
    // With a read budget, other instances may serve it past its fresh life too.
    await layers.shared?.set(
      key,
      entry,
      layers.readBudget ? keepMs(entry, ttl, cache.maxStaleMs) : ttl,
    );
  }
  return session;
}

function budgetSpent(): PingOneError {
  return new PingOneError({
    operation: 'session lookup',
    code: TRANSPORT_ERROR_CODES.budgetSpent,
  });
}

function keep(layers: Layers, key: string, entry: StoredLookup, ttl: number): void {
  const { cache } = layers;
  if (!cache) return;
  if (entry.session === null) return layers.negatives!.set(key, entry, ttl);
  const now = Date.now();
  if (now < layers.unheardUntil && ttl > cache.unheardTtlMs) {
    const brief = { ...entry, validUntil: Math.min(entry.validUntil, now + cache.unheardTtlMs) };
    return layers.memory!.set(key, brief, cache.unheardTtlMs);
  }
  layers.memory!.set(key, entry, keepMs(entry, ttl, layers.keepStaleMs));
}

/**
 * The shared store's answer, else PingOne's; when that fails, the stale answer if it may be
 * served. Chained, not awaited: a lookup from the store, which every request of a token this
 * instance's memory does not hold makes, takes one `then` here.
 */
function fly(
  layers: Layers,
  key: string,
  sessionToken: string,
  flight: Flight,
  stale: StoredLookup | undefined,
  requester: Requester | undefined,
): Promise<PingSession | null> {
  const orStale = (error: unknown) => {
    const { cache } = layers;
    if (stale && cache && isServableStale(stale, cache.staleIfErrorMs, flight)) {
      flight.served = { outcome: 'stale', checkedAt: stale.checkedAt };
      return stale.session;
    }
    throw error;
  };
  const shared = fromSharedStore(layers, key, flight);
  if (shared === undefined) {
    return fromPingOne(layers, key, sessionToken, flight, requester, stale).catch(orStale);
  }
  return shared.then((answer) => {
    if (answer !== undefined && 'found' in answer) return answer.found;
    const held = newer(stale, answer?.stale);
    return fromPingOne(layers, key, sessionToken, flight, requester, held).catch(orStale);
  }, orStale);
}

/** Of two answers held, the one PingOne gave last. */
function newer(a: StoredLookup | undefined, b: StoredLookup | undefined): StoredLookup | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return b.checkedAt > a.checkedAt ? b : a;
}
