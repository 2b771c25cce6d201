import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { createHmacSha256 } from './hmac-sha256';
import type { StoredLookup } from './session-store';

/**
 * Seals lookups written to a shared store, so that whoever can write to the store (Redis) cannot
 * hand one user another user's session: an HMAC-SHA-256, under a key derived from `keySecret`,
 * of the entry and the cache key it is stored under, so neither can be changed or moved to
 * another key.
 */
export interface LookupSeal {
  seal(key: string, entry: StoredLookup): StoredLookup;
  /** Whether `entry` was sealed here (or by an instance with the same `keySecret`) for `key`. */
  verify(key: string, entry: StoredLookup): boolean;
}

export function createLookupSeal(keySecret: string): LookupSeal {
  const hmac = createHmacSha256(
    Buffer.from(
      hkdfSync('sha256', keySecret, Buffer.alloc(0), 'express-pingone-session stored lookups', 32),
    ),
  );
  // JSON of what PingOne sent reads back to the same text: it was itself parsed from JSON.
  const tag = (key: string, { session, validUntil, checkedAt }: StoredLookup) =>
    hmac.bytes(JSON.stringify([key, validUntil, checkedAt, session]));
  return {
    seal(key, entry) {
      return { ...entry, seal: tag(key, entry).toString('base64url') };
    },
    verify(key, entry) {
      if (typeof entry.seal !== 'string') return false;
      const given = Buffer.from(entry.seal, 'base64url');
      const expected = tag(key, entry);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
