import type { FlowStore } from '../cache/flow-store';
import { withTimeout } from '../cache/guarded-store';
import { createSealer } from '../cache/sealed-values';
import { isPingUser, type PingUser } from '../core/user';

/** Users PingOne answered, kept while their session lasts. */
export interface UserRecords {
  /** The user, or `undefined` when none is kept or the store failed (then PingOne is asked). */
  load(userId: string): Promise<PingUser | undefined>;
  /** Keeps the user for `ttlMs`; a store that fails only costs the next request a PingOne call. */
  save(user: PingUser, ttlMs: number): Promise<void>;
}

/**
 * Users sealed (AES-256-GCM, see {@link createSealer}) in the store that keeps sign-in flows:
 * RedisStore with a shared store, else this process's memory. A dump of the store shows neither
 * who the users are nor their names and addresses. Keys are `user.` and a keyed hash of the ID.
 */
export function createUserRecords(
  store: FlowStore,
  secret: string | undefined,
  timeoutMs: number,
): UserRecords {
  const sealer = createSealer(secret, 'user');
  const keyOf = (userId: string) => `user.${sealer.keyOf(userId)}`;
  return {
    async load(userId) {
      const key = keyOf(userId);
      try {
        const user = sealer.open(key, await withTimeout(() => store.getFlow(key), timeoutMs));
        return isPingUser(user) && user.id === userId ? user : undefined;
      } catch {
        return undefined;
      }
    },
    async save(user, ttlMs) {
      const key = keyOf(user.id);
      const sealed = sealer.seal(key, user);
      await withTimeout(() => store.setFlow(key, sealed, ttlMs), timeoutMs).catch(() => {});
    },
  };
}
