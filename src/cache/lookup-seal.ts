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

/**
 * The text a seal covers, `JSON.stringify([key, validUntil, checkedAt, session])`, carried on a
 * sealed entry (not enumerable, so neither spreading nor JSON copies it). `RedisStore` keeps that
 * text as it is and gives entries back with it, so that a seal is checked against the bytes the
 * store held instead of the entry being serialised again: on a lookup from Redis that second
 * serialisation cost as much as the parse. Private to this package: an entry from anywhere else
 * is serialised to be checked.
 */
const SEALED_TEXT = Symbol('sealed text');

type Carrying = StoredLookup & { [SEALED_TEXT]?: string };

/** `entry`, carrying the text its seal covers. */
export function withSealedText<T extends StoredLookup>(entry: T, text: string): T {
  return Object.defineProperty(entry, SEALED_TEXT, { value: text });
}

/** The text the entry's seal covers, when the entry carries it. */
export function sealedTextOf(entry: StoredLookup): string | undefined {
  return (entry as Carrying)[SEALED_TEXT];
}

export function createLookupSeal(keySecret: string): LookupSeal {
  const hmac = createHmacSha256(
    Buffer.from(
      hkdfSync('sha256', keySecret, Buffer.alloc(0), 'express-pingone-session stored lookups', 32),
    ),
  );
  // JSON of what PingOne sent reads back to the same text: it was itself parsed from JSON.
  const textOf = (key: string, { session, validUntil, checkedAt }: StoredLookup) =>
    JSON.stringify([key, validUntil, checkedAt, session]);
  return {
    seal(key, entry) {
      const text = textOf(key, entry);
      return withSealedText({ ...entry, seal: hmac.base64url(text) }, text);
    },
    verify(key, entry) {
      if (typeof entry.seal !== 'string') return false;
      const carried = sealedTextOf(entry);
      // The store parsed the entry from this text; the text names its key first.
      if (carried !== undefined && !carried.startsWith(`[${JSON.stringify(key)},`)) return false;
      const given = Buffer.from(entry.seal, 'base64url');
      const expected = hmac.bytes(carried ?? textOf(key, entry));
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
