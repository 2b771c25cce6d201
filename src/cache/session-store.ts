import type { PingSession } from '../core/session';
import type { FlowStore } from './flow-store';

/** What one PingOne lookup said about a session token. Never holds the token. */
export interface StoredLookup {
  /** The session, or `null` when PingOne had no valid session for the token. */
  session: PingSession | null;
  /** Epoch milliseconds after which PingOne must be asked again. */
  validUntil: number;
  /** Epoch milliseconds when PingOne gave this answer. */
  checkedAt: number;
  /**
   * In a shared store: the entry's authentication tag, set by the session cache. A store keeps
   * it as given; an entry holding a session without a valid one is refused and deleted.
   */
  seal?: string;
}

/**
 * Where session lookups are kept, by cache key (a keyed hash of the token, never the token).
 * Methods may answer at once or with a promise. `MemoryStore` is the default; `RedisStore` is
 * shared by many app instances. Write your own for another database by following `RedisStore`.
 * With `signIn`, a shared store also keeps sign-in flows in progress (`getFlow`, `setFlow`,
 * `deleteFlow`), so that each step of a flow may reach another instance.
 */
export interface SessionStore extends Partial<FlowStore> {
  get(key: string): StoredLookup | undefined | Promise<StoredLookup | undefined>;
  /**
   * Keeps a lookup PingOne just answered, for `ttlMs`. A shared store must keep a marker of no
   * session already there: it marks a sign-out that a lookup racing it must not undo. An entry
   * holding a session may be replaced (a fresher answer), or kept (`SET … NX`), which only costs
   * other instances a read of their own once it is past its `validUntil`.
   */
  set(key: string, value: StoredLookup, ttlMs: number): void | Promise<void>;
  /**
   * The key's token was signed out. A shared store tells every instance (see `subscribe`) and keeps
   * later `set`s of the key out for a while, since a lookup started before the sign-out may still
   * be on its way.
   */
  delete(key: string): void | Promise<void>;
  /**
   * Shared stores: the session with this ID was ended (signed out from another device, or
   * everywhere). Does for every key whose entry held that session what `delete` does for one, so
   * that no instance serves it. The store finds those keys by an index it keeps in `set`
   * (`value.session.id`); a store without this method leaves other instances to their entries'
   * time to live.
   */
  deleteSession?(sessionId: string): void | Promise<void>;
  /**
   * Shared stores: the key's entry is out of date (the user signed on again in the same session):
   * drop it here and in every instance, without marking a sign-out.
   */
  invalidate?(key: string): void | Promise<void>;
  /** Shared stores: report deletions made by any instance, so in-memory layers drop their copy. */
  subscribe?(listener: StoreListener): void;
}

export interface StoreListener {
  /** Some instance deleted this key. */
  deleted(key: string): void;
  /**
   * Some instance ended the session with this ID (`deleteSession`): drop every entry holding it,
   * and refuse it from lookups still on their way.
   */
  sessionEnded?(sessionId: string): void;
  /** Deletions may have been missed (the channel was down and is back): forget every local entry. */
  missed(): void;
  /**
   * Deletions cannot be heard for now (the channel is down): trust local entries only briefly.
   * `missed` follows once the channel is back.
   */
  unavailable?(): void;
}
