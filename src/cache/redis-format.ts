import { createHash } from 'node:crypto';
import { HeldEntry } from './lookup-seal';
import type { StoredLookup } from './session-store';

/*
 * What RedisStore writes: its Lua scripts, and the form of an entry in Redis.
 */

/**
 * Writes an entry only if its session was not ended meanwhile and its key holds no marker of a
 * sign-out (only a sealed session, `s.…`, replaced by a fresher answer, or nothing), and adds the key to
 * its session's index, which lives as long as the longest entry in it. One script, so that an
 * ending of the session or a sign-out cannot fall between the check and the write.
 * KEYS: entry, session index, session-ended marker. ARGV: value, milliseconds.
 */
export const SET_SCRIPT = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local old = redis.call('GET', KEYS[1])
if old and string.sub(old, 1, 2) ~= 's.' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1`;

/**
 * Ends a session by ID: marks it ended (keeping out lookups still on their way), replaces every
 * entry in its index with the signed-out marker and publishes each key, as a sign-out does. Then
 * publishes the session's end itself: an instance whose PingOne read of it is still on its way
 * holds an entry under a key no index has yet, and must drop it, or refuse it, on its own.
 * KEYS: session index, session-ended marker. ARGV: marker value, milliseconds, channel, prefix
 * length, the end's message.
 */
export const END_SESSION_SCRIPT = `
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
local keys = redis.call('SMEMBERS', KEYS[1])
for _, key in ipairs(keys) do
  redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  redis.call('PUBLISH', ARGV[3], string.sub(key, tonumber(ARGV[4]) + 1))
end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[3], ARGV[5])
return #keys`;

/**
 * Cluster, second step of keeping a session's entry, in the entry's slot: writes it unless the key
 * holds a marker of a sign-out, as {@link SET_SCRIPT} does.
 * KEYS: entry. ARGV: value, milliseconds.
 */
export const ENTRY_SET_SCRIPT = `
local old = redis.call('GET', KEYS[1])
if old and string.sub(old, 1, 2) ~= 's.' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/**
 * Cluster, first step of keeping a session's entry, in the session's slot: refuses if the session
 * was ended, else indexes the entry (which the next step writes, {@link ENTRY_SET_SCRIPT}).
 * KEYS: session index, session-ended marker. ARGV: entry key, milliseconds.
 */
export const SESSION_INDEX_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

/**
 * Cluster, first step of ending a session, in its slot: marks it ended and takes its index; the
 * entries it names are then replaced one by one, each in its own slot.
 * KEYS: session index, session-ended marker. ARGV: milliseconds.
 */
export const SESSION_INDEX_END_SCRIPT = `
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
local keys = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
return keys`;

/**
 * A rate bucket (see rate-bucket.ts) shared by every instance: the next call's theoretical
 * arrival time, in milliseconds of Redis's own clock, so that the instances' clocks need not
 * agree. One key, so it lives in one slot of a cluster.
 * KEYS: the bucket. ARGV: milliseconds between calls, tolerance in milliseconds.
 * Answers 0 when the call is taken, else the milliseconds until it would be.
 */
export const RATE_BUCKET_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local due = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local wait = due - now - tonumber(ARGV[2])
if wait > 0 then return math.max(1, math.ceil(wait)) end
local arrival = due + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.3f', arrival), 'PX', math.ceil(arrival - now) + 1000)
return 0`;

/**
 * How the end of a session by ID is told on the sign-out channel: this, then the session ID.
 * Keys are base64url and never hold a `:`; an older version hearing it forgets a key nobody has.
 */
export const SESSION_ENDED = 'ended:';

/**
 * How a sealed entry is kept: `s.<seal>.<text>`, the text being what the seal covers
 * (`[key, validUntil, checkedAt, session]` as JSON, or with the session's derivable `_links` as
 * `0` and the environment URL fifth: see lookup-seal.ts), so that a lookup checks the seal on the
 * bytes Redis held before it parses them, once. Markers, and entries written by earlier versions,
 * are the entry as a JSON object, which starts with `{` (parsed to be told apart: a marker is
 * unsealed and can only deny, and an earlier entry's seal is checked on the parsed object).
 */
export const SEALED = 's.';

/** The bytes `s.` that start a sealed entry. */
const S = 0x73;
const DOT = 0x2e;

/** An entry as Redis holds it: sealed, or an object (a marker, an earlier version's entry). */
export function entryOf(raw: Buffer | null): StoredLookup | undefined {
  if (raw === null) return undefined;
  try {
    return raw[0] === S && raw[1] === DOT
      ? fromSealedBytes(raw)
      : (JSON.parse(raw.toString('utf8')) as StoredLookup);
  } catch {
    return undefined;
  }
}

/** A sealed entry kept as {@link SEALED} text: held as Redis gave it, not yet parsed. */
function fromSealedBytes(raw: Buffer): StoredLookup | undefined {
  const dot = raw.indexOf(DOT, SEALED.length);
  return dot === -1 ? undefined : new HeldEntry(raw, SEALED.length, dot, dot + 1);
}

/** The entry of a signed-out token (or ended session), for `ttlMs`: no session. */
export function signedOutMarker(ttlMs: number): string {
  const now = Date.now();
  return JSON.stringify({
    session: null,
    validUntil: now + ttlMs,
    checkedAt: now,
  } satisfies StoredLookup);
}

export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
