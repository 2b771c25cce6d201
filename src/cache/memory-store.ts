import { LRUCache } from 'lru-cache';
import { CACHE_DEFAULTS } from './options';
import type { SessionStore, StoredLookup } from './session-store';

export interface MemoryStoreOptions {
  /** Most entries held; the least recently used go first. Default: `10000`. */
  max?: number;
}

/** Lookups in this process's memory, bounded by count and by each entry's time to live. */
export class MemoryStore implements SessionStore {
  readonly #entries: LRUCache<string, StoredLookup>;

  constructor(options: MemoryStoreOptions = {}) {
    // ttlResolution 0: lru-cache otherwise remembers the time for 1 ms with a new timer each
    // millisecond, a timer created and fired for every few cache hits under load.
    this.#entries = new LRUCache({
      max: options.max ?? CACHE_DEFAULTS.cache.max,
      ttlResolution: 0,
    });
  }

  get(key: string): StoredLookup | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: StoredLookup, ttlMs: number): void {
    this.#entries.set(key, value, { ttl: ttlMs });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /**
   * Forgets every entry holding the session with this ID. A scan, not an index: sessions are
   * ended by ID (a device signed out) seldom, and an index would cost every entry memory.
   */
  deleteSession(sessionId: string): void {
    const holding: string[] = [];
    for (const [key, value] of this.#entries.entries()) {
      if (value.session?.id === sessionId) holding.push(key);
    }
    for (const key of holding) this.#entries.delete(key);
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }

  /** Entries held, expired ones that were not yet looked at included. */
  get size(): number {
    return this.#entries.size;
  }
}
