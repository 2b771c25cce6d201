import { LRUCache } from 'lru-cache';

/**
 * Where sign-in flows in progress are kept between a browser's steps, by key (a keyed hash of the
 * flow handle cookie, never the handle). Values arrive sealed (encrypted and authenticated): a
 * store sees neither PingOne's cookies nor the PKCE verifier. A shared `SessionStore` such as
 * `RedisStore` implements these too, so that any instance can take the next step of a flow.
 */
export interface FlowStore {
  getFlow(key: string): string | undefined | Promise<string | undefined>;
  /** Keeps the value for `ttlMs`, replacing what the key held. */
  setFlow(key: string, value: string, ttlMs: number): void | Promise<void>;
  /**
   * Keeps the value for `ttlMs` only while the key still holds one (Redis `SET … XX`): a step
   * that ends after its flow was deleted (completed elsewhere, failed, replaced) must not bring it
   * back. A store without it gets `setFlow`, which leaves that race open between instances.
   */
  replaceFlow?(key: string, value: string, ttlMs: number): void | Promise<void>;
  deleteFlow(key: string): void | Promise<void>;
}

/** Most flows in progress one process holds; the least recently used go first. */
const MAX_FLOWS = 10_000;

/** Flows in this process's memory: for one instance, or instances behind sticky sessions. */
export class MemoryFlowStore implements FlowStore {
  readonly #flows = new LRUCache<string, string>({ max: MAX_FLOWS, ttlResolution: 0 });

  getFlow(key: string): string | undefined {
    return this.#flows.get(key);
  }

  setFlow(key: string, value: string, ttlMs: number): void {
    this.#flows.set(key, value, { ttl: ttlMs });
  }

  replaceFlow(key: string, value: string, ttlMs: number): void {
    if (this.#flows.has(key)) this.#flows.set(key, value, { ttl: ttlMs });
  }

  deleteFlow(key: string): void {
    this.#flows.delete(key);
  }
}

/** Whether a store keeps sign-in flows too. */
export function isFlowStore(store: object): store is FlowStore {
  const candidate = store as Partial<FlowStore>;
  return (
    typeof candidate.getFlow === 'function' &&
    typeof candidate.setFlow === 'function' &&
    typeof candidate.deleteFlow === 'function'
  );
}
