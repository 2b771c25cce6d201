import { LRUCache } from 'lru-cache';
import type { ResolvedUnknownTokenBudget } from './options';
import type { PingSessionLogger } from '../core/logger';

/**
 * Tokens seen valid lately, by the first 16 characters (96 bits) of their cache key: about 4 MB
 * at most, for the users of the last hours, whose reads are never charged.
 */
const VOUCHED_MAX = 50_000;
const VOUCHED_TTL_MS = 12 * 3_600_000;
const VOUCHED_PREFIX = 16;

interface Bucket {
  /** Reads left; refilled continuously up to `burst`. */
  left: number;
  refilledAt: number;
  /** The logger was told this client ran out; told again only after it had reads left. */
  told: boolean;
}

/**
 * A token bucket of PingOne reads per client, spent before each read of a token no cache holds
 * (so concurrent reads count too) and given back when the read found a session. What is left
 * bounds the calls a client can cause with tokens PingOne does not know. A token this server saw
 * valid lately is never charged: users who share an address with someone sending made-up
 * cookies (a NAT, a proxy without `trust proxy`) keep their sessions when their cache entry
 * expires.
 */
export class UnknownTokenBudget {
  readonly #buckets: LRUCache<string, Bucket>;
  readonly #settings: ResolvedUnknownTokenBudget;
  readonly #logger: PingSessionLogger;

  constructor(settings: ResolvedUnknownTokenBudget, logger: PingSessionLogger) {
    this.#settings = settings;
    this.#logger = logger;
    this.#buckets = new LRUCache({ max: settings.clients });
  }

  // ttlResolution 0: lru-cache otherwise arms a timer each millisecond it is used in, and every
  // lookup from the shared store vouches.
  readonly #vouched = new LRUCache<string, true>({
    max: VOUCHED_MAX,
    ttl: VOUCHED_TTL_MS,
    ttlResolution: 0,
  });

  /** Whether a read of the token with this cache key is free: it had a session lately. */
  isVouchedFor(key: string): boolean {
    return this.#vouched.has(key.slice(0, VOUCHED_PREFIX));
  }

  /** The token with this cache key has a session (PingOne or the shared store said so). */
  vouch(key: string): void {
    this.#vouched.set(key.slice(0, VOUCHED_PREFIX), true);
  }

  /** The token was signed out: its reads are charged again. */
  unvouch(key: string): void {
    this.#vouched.delete(key.slice(0, VOUCHED_PREFIX));
  }

  /** Spends one read of `client`'s budget; false, spending nothing, when none is left. */
  spend(client: string): boolean {
    const bucket = this.#refilled(client);
    if (bucket.left >= 1) {
      bucket.left -= 1;
      bucket.told = false;
      return true;
    }
    if (!bucket.told) {
      bucket.told = true;
      this.#logger.warn(
        'A client keeps sending session tokens PingOne does not know; its uncached tokens count as no session for now.',
        { event: 'unknown_token_budget_spent', client, perMinute: this.#settings.perMinute },
      );
    }
    return false;
  }

  /** Gives back a read that found a session: it was no made-up token. */
  giveBack(client: string): void {
    const bucket = this.#refilled(client);
    bucket.left = Math.min(this.#settings.burst, bucket.left + 1);
  }

  #refilled(client: string): Bucket {
    const now = Date.now();
    const bucket = this.#buckets.get(client);
    if (bucket === undefined) {
      const fresh = { left: this.#settings.burst, refilledAt: now, told: false };
      this.#buckets.set(client, fresh);
      return fresh;
    }
    const earned = ((now - bucket.refilledAt) * this.#settings.perMinute) / 60_000;
    bucket.left = Math.min(this.#settings.burst, bucket.left + earned);
    bucket.refilledAt = now;
    return bucket;
  }
}
