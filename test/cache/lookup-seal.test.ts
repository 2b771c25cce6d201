import { createLookupSeal, HeldEntry, sealedTextOf } from '../../src/cache/lookup-seal';
import { entryOf } from '../../src/cache/redis-format';
import type { PingSession } from '../../src/core/session';
import { sessionJson } from '../helpers/session-json';

const seal = createLookupSeal('a key secret of at least thirty-two chars');
const KEY = 'a2V5IG9mIHRoZSB0b2tlbg';
const session = JSON.parse(JSON.stringify(sessionJson('3b9e7f20-1c4d-4e8a-9f6b-2a5c7d8e9f01')));
const lookup = { session: session as PingSession, validUntil: 2e12, checkedAt: 1.9e12 };

/** The entry as RedisStore reads it back: `s.<seal>.<text>`, held as bytes. */
function held(tag: string, text = sealedTextOf(seal.seal(KEY, lookup))!): HeldEntry {
  return entryOf(Buffer.from(`s.${tag}.${text}`)) as HeldEntry;
}
const tag = seal.seal(KEY, lookup).seal!;

describe('a sealed entry read back from a store', () => {
  it('opens for the key it was sealed for, whole', () => {
    const opened = seal.open(KEY, held(tag));
    expect(opened).toEqual(lookup);
    expect(JSON.stringify(opened!.session)).toBe(JSON.stringify(session));
  });

  it('does not open for another key', () => {
    expect(seal.open(`${KEY}x`, held(tag))).toBeUndefined();
  });

  it('does not open when its seal differs in the last character only', () => {
    const last = tag.at(-1) === 'A' ? 'B' : 'A';
    expect(seal.open(KEY, held(tag.slice(0, -1) + last))).toBeUndefined();
  });

  it('does not open when its seal is a character short or long', () => {
    expect(seal.open(KEY, held(tag.slice(0, -1)))).toBeUndefined();
    expect(seal.open(KEY, held(`${tag}A`))).toBeUndefined();
  });

  it('does not open when its text was changed after sealing', () => {
    const text = sealedTextOf(seal.seal(KEY, lookup))!.replace('Firefox', 'Chrome!');
    expect(seal.open(KEY, held(tag, text))).toBeUndefined();
  });

  it('reads as its fields without the check, and as long expired when not JSON', () => {
    const entry = held(tag);
    expect([entry.seal, entry.validUntil, entry.checkedAt]).toEqual([tag, 2e12, 1.9e12]);
    expect(entry.session?.id).toBe(session.id);
    const garbled = held(tag, '{not json');
    expect([garbled.session, garbled.validUntil]).toEqual([null, 0]);
  });
});
