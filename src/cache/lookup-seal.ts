import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { derivableLinksBase } from './compact-session';
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
 * The text a seal covers, `JSON.stringify([key, validUntil, checkedAt, session])`, or, when the
 * session's `_links` are the three PingOne always sends (derived from its IDs and the
 * environment's URL), `[key, validUntil, checkedAt, session with _links 0, environment URL]`:
 * a fifth less text to keep, seal and parse on every lookup from the store. Carried on a
 * sealed entry (not enumerable, so neither spreading nor JSON copies it). `RedisStore` keeps that
 * text as it is and gives entries back with it, so that a seal is checked against the bytes the
 * store held instead of the entry being serialised again: on a lookup from Redis that second
 * serialisation cost as much as the parse. Private to this package: an entry from anywhere else
 * is serialised to be checked.
 */
const SEALED_TEXT = Symbol('sealed text');
type Carrying = StoredLookup & { [SEALED_TEXT]?: string };

/**
 * An entry read back, holding the bytes the store held (the text's UTF-8) and the key their text
 * names first, so that its seal is checked on them as they are, without encoding the text again
 * (a fifth of a lookup from Redis, when it was encoded into the MAC's buffer). Private fields:
 * neither spreading, JSON nor reflection sees them, and making one is no slower than an object
 * literal.
 */
export class HeldEntry implements StoredLookup {
  readonly #bytes: Buffer;
  readonly #key: unknown;

  constructor(
    readonly session: StoredLookup['session'],
    readonly validUntil: number,
    readonly checkedAt: number,
    readonly seal: string,
    bytes: Buffer,
    key: unknown,
  ) {
    this.#bytes = bytes;
    this.#key = key;
  }

  /** Whether the held bytes name `key` first, and `mac` gives `seal` of them. */
  static sealedFor(entry: HeldEntry, key: string, mac: (bytes: Buffer) => Buffer): boolean {
    return entry.#key === key && matches(entry.seal, mac(entry.#bytes));
  }
}

/** Whether `seal` is the MAC `expected`, compared in constant time. */
function matches(seal: string, expected: Buffer): boolean {
  const given = Buffer.from(seal, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

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
  const fullText = (key: string, { session, validUntil, checkedAt }: StoredLookup) =>
    JSON.stringify([key, validUntil, checkedAt, session]);
  /** The text without the links, when they are derivable. */
  const shortText = (key: string, { session, validUntil, checkedAt }: StoredLookup) => {
    const base = session === null ? undefined : derivableLinksBase(session as never);
    return base === undefined
      ? undefined
      : JSON.stringify([key, validUntil, checkedAt, { ...session, _links: 0 }, base]);
  };
  return {
    seal(key, entry) {
      const text = shortText(key, entry) ?? fullText(key, entry);
      return withSealedText({ ...entry, seal: hmac.base64url(text) }, text);
    },
    verify(key, entry) {
      if (typeof entry.seal !== 'string') return false;
      // The text names its key first: an entry moved to another key is refused.
      if (entry instanceof HeldEntry) return HeldEntry.sealedFor(entry, key, hmac.ofBytes);
      const carried = sealedTextOf(entry);
      // The store parsed the entry from this text; the text names its key first.
      if (carried !== undefined && !carried.startsWith(`[${JSON.stringify(key)},`)) return false;
      if (carried !== undefined) return matches(entry.seal, hmac.bytes(carried));
      const short = shortText(key, entry);
      // An entry kept as an object by an earlier version was sealed over its links in full.
      return (
        (short !== undefined && matches(entry.seal, hmac.bytes(short))) ||
        matches(entry.seal, hmac.bytes(fullText(key, entry)))
      );
    },
  };
}
