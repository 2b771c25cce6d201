import type { FlowStore } from '../cache/flow-store';
import { withTimeout } from '../cache/with-timeout';
import { createSealer } from '../cache/sealed-values';
import type { PingSession } from '../core/session';
import { isPingUser, type PingUser } from '../core/user';

/**
 * Users PingOne answered, each kept for one session and one sign-on: a new sign-in, a step-up or
 * another session reads the user afresh, and a signed-out session's record is never reached again.
 */
export interface UserRecords {
  /** The user, or `undefined` when none is kept or the store failed (then PingOne is asked). */
  load(session: PingSession): Promise<PingUser | undefined>;
  /** Keeps the user for `ttlMs`; a store that fails only costs the next request a PingOne call. */
  save(session: PingSession, user: PingUser, ttlMs: number): Promise<void>;
  /** Drops what is kept for the session (at logout). */
  forget(session: PingSession): Promise<void>;
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
  const keyOf = (session: PingSession) =>
    `user.${sealer.keyOf(`${session.user.id}\n${session.id}\n${session.lastSignOn?.at ?? ''}`)}`;
  return {
    async load(session) {
      const key = keyOf(session);
      try {
        const user = sealer.open(key, await withTimeout(() => store.getFlow(key), timeoutMs));
        return isPingUser(user) && user.id === session.user.id ? user : undefined;
      } catch {
        return undefined;
      }
    },
    async save(session, user, ttlMs) {
      const key = keyOf(session);
      const sealed = sealer.seal(key, user);
      await withTimeout(() => store.setFlow(key, sealed, ttlMs), timeoutMs).catch(() => {});
    },
    async forget(session) {
      const key = keyOf(session);
      await withTimeout(() => store.deleteFlow(key), timeoutMs).catch(() => {});
    },
  };
}
