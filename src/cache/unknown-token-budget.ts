import { LRUCache } from 'lru-cache';
import type { ResolvedUnknownTokenBudget } from './options';
import type { PingSessionLogger } from '../core/logger';

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
 * bounds the calls a client can cause with tokens PingOne does not know.
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
