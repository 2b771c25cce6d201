import { hkdfSync, timingSafeEqual } from 'node:crypto';
import type { PingSession } from '../core/session';
import { derivableLinksBase, linksOf } from './compact-session';
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
  /**
   * Whether `entry`, an object (a store of your own's, or an earlier version's in Redis), was
   * sealed here (or by an instance with the same `keySecret`) for `key`.
   */
  verify(key: string, entry: StoredLookup): boolean;
  /** An entry read back as its bytes, parsed if sealed for `key`; else undefined. */
  open(key: string, entry: HeldEntry): StoredLookup | undefined;
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
 * An entry read back as the bytes the store held (`s.<seal>.<text>`, see redis-format.ts), not
 * yet parsed: its seal is checked on those bytes as they are ({@link LookupSeal.open}), and only
 * then are they parsed: a sealed-form entry written by whoever else can write to the store never
 * reaches `JSON.parse`, nor the session's code. Read as a `StoredLookup` without that check (a
 * caller of `RedisStore.get`), it parses itself on first read; a text that does not parse reads
 * as an entry long expired.
 */
export class HeldEntry implements StoredLookup {
  readonly #raw: Buffer;
  /** Where the seal starts and ends (the store's framing around them is its own). */
  readonly #seal: number;
  readonly #sealEnd: number;
  /** Where the text starts: the rest of the bytes. */
  readonly #text: number;
  #fields: SealedFields | null | undefined;

  constructor(raw: Buffer, seal: number, sealEnd: number, text: number) {
    this.#raw = raw;
    this.#seal = seal;
    this.#sealEnd = sealEnd;
    this.#text = text;
  }

  get seal(): string {
    return this.#raw.toString('latin1', this.#seal, this.#sealEnd);
  }

  get session(): StoredLookup['session'] {
    return this.#parsed()?.lookup.session ?? null;
  }

  get validUntil(): number {
    return this.#parsed()?.lookup.validUntil ?? 0;
  }

  get checkedAt(): number {
    return this.#parsed()?.lookup.checkedAt ?? 0;
  }

  /**
   * The entry, if `mac` of its text gives its seal and the text names `key` first. The seal is
   * compared where it lies in the held bytes, in time that does not depend on where it differs:
   * no string, buffer or C++ call for it on every lookup from the store.
   */
  static opened(
    entry: HeldEntry,
    key: string,
    mac: (bytes: Buffer, start: number) => string,
  ): StoredLookup | undefined {
    const raw = entry.#raw;
    const start = entry.#seal;
    const expected = mac(raw, entry.#text);
    if (entry.#sealEnd - start !== expected.length) return undefined;
    let differs = 0;
    for (let i = 0; i < expected.length; i += 1) {
      differs |= raw[start + i]! ^ expected.charCodeAt(i);
    }
    if (differs !== 0) return undefined;
    const fields = entry.#parsed();
    return fields?.key === key ? fields.lookup : undefined;
  }

  #parsed(): SealedFields | null {
    if (this.#fields === undefined) this.#fields = parseSealedText(this.#raw, this.#text);
    return this.#fields;
  }
}

interface SealedFields {
  key: unknown;
  lookup: StoredLookup;
}

/**
 * The fields of a sealed text (see {@link SEALED_TEXT}), its session's `_links` derived again
 * when it holds the environment URL in their place; `null` when it is not such a text.
 */
function parseSealedText(raw: Buffer, start: number): SealedFields | null {
  let fields: unknown;
  try {
    fields = JSON.parse(raw.toString('utf8', start));
  } catch {
    return null;
  }
  if (!Array.isArray(fields) || (fields.length !== 4 && fields.length !== 5)) return null;
  const [key, validUntil, checkedAt, session, base] = fields as [
    unknown,
    number,
    number,
    PingSession | null,
    unknown,
  ];
  if (fields.length === 5) {
    const links = typeof session === 'object' && session !== null ? session._links : undefined;
    if (typeof base !== 'string' || (links as unknown) !== 0) return null;
    (session as { _links: object })._links = linksOf(session!, base);
  }
  return { key, lookup: { session, validUntil, checkedAt } };
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
    open(key, entry) {
      return HeldEntry.opened(entry, key, hmac.ofBytes);
    },
    seal(key, entry) {
      const text = shortText(key, entry) ?? fullText(key, entry);
      return withSealedText({ ...entry, seal: hmac.base64url(text) }, text);
    },
    verify(key, entry) {
      if (typeof entry.seal !== 'string') return false;
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
