import { storeErrorChannel, type StoreErrorMessage } from '../core/channels';
import type { PingSessionLogger } from '../core/logger';
import { HeldEntry, type LookupSeal } from './lookup-seal';
import type { SessionStore, StoredLookup } from './session-store';
import { withTimeout } from './with-timeout';

/** A shared store whose calls never throw and never take longer than the timeout. */
export interface GuardedStore {
  /** The entry, or `undefined` when there is none or the store failed. */
  get(key: string): Promise<StoredLookup | undefined>;
  set(key: string, value: StoredLookup, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  deleteSession(sessionId: string): Promise<void>;
  invalidate(key: string): Promise<void>;
}

/**
 * Wraps a shared store so that its outages cost at most `timeoutMs` per call and are told to the
 * logger once when they start and once when they end, rather than once per request; and so that
 * every entry holding a session is sealed on its way in and checked on its way out. An entry that
 * fails the check was written by someone else than an instance sharing `keySecret`: it is
 * deleted as at a sign-out, so no instance serves it and the token's user signs in again. An
 * unsealed entry without a session (the store's sign-out marker) is taken: it can only deny.
 */
export function guardStore(
  store: SessionStore,
  timeoutMs: number,
  logger: PingSessionLogger,
  seal: LookupSeal,
): GuardedStore {
  let down = false;

  function succeeded(): void {
    if (!down) return;
    down = false;
    logger.info('Session store is back; using it again.', { event: 'session_store_recovered' });
  }

  function failed(operation: StoreErrorMessage['operation'], error: unknown): undefined {
    storeErrorChannel.publish({ operation, error: describe(error) } satisfies StoreErrorMessage);
    if (!down) {
      down = true;
      // Only the error's name and code: a store's message may quote what it was sent.
      logger.warn('Session store unavailable; asking PingOne directly until it is back.', {
        event: 'session_store_unavailable',
        operation,
        error: describe(error),
      });
    }
    return undefined;
  }

  async function attempt<T>(
    operation: StoreErrorMessage['operation'],
    call: () => T | Promise<T>,
  ): Promise<T | undefined> {
    try {
      const result = await withTimeout(call, timeoutMs);
      succeeded();
      return result;
    } catch (error) {
      return failed(operation, error);
    }
  }

  /** The entry if it is sealed for `key` (or a marker); else deleted, as at a sign-out. */
  function checked(key: string, value: StoredLookup | undefined) {
    if (value === undefined) return undefined;
    // A valid seal says an instance wrote the entry from a session it had checked: the session's
    // shape is not checked again (its timestamps' parsing was a tenth of a Redis lookup).
    const taken =
      value instanceof HeldEntry
        ? seal.open(key, value)
        : isMarker(value) || (hasTimes(value) && seal.verify(key, value))
          ? value
          : undefined;
    if (taken !== undefined) return taken;
    logger.warn('A session store entry failed its check; deleted as if signed out.', {
      event: 'session_store_entry_rejected',
    });
    return attempt('delete', () => store.delete(key)).then(() => undefined);
  }

  return {
    // Every lookup's path: one promise on the store's, not the two of awaiting attempt().
    get(key) {
      return withTimeout(() => store.get(key), timeoutMs).then(
        (value) => {
          succeeded();
          return checked(key, value);
        },
        (error: unknown) => failed('get', error),
      );
    },
    async set(key, value, ttlMs) {
      const sealed = value.session === null ? value : seal.seal(key, value);
      await attempt('set', () => store.set(key, sealed, ttlMs));
    },
    async delete(key) {
      await attempt('delete', () => store.delete(key));
    },
    async deleteSession(sessionId) {
      if (store.deleteSession) await attempt('delete', () => store.deleteSession!(sessionId));
    },
    async invalidate(key) {
      if (store.invalidate) await attempt('delete', () => store.invalidate!(key));
    },
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}

/** Entries come from outside the process: a sealed one must carry both of its times. */
function hasTimes(value: unknown): value is StoredLookup {
  if (typeof value !== 'object' || value === null) return false;
  const { validUntil, checkedAt } = value as Partial<StoredLookup>;
  return typeof validUntil === 'number' && typeof checkedAt === 'number';
}

/** A store's marker of no session (a sign-out): unsealed, since it can only deny. */
function isMarker(value: unknown): value is StoredLookup {
  if (typeof value !== 'object' || value === null) return false;
  const { session, validUntil } = value as Partial<StoredLookup>;
  return session === null && typeof validUntil === 'number';
}
