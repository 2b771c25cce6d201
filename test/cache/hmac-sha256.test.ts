import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { createHmacSha256 } from '../../src/cache/hmac-sha256';

/** Any UTF-16 string, lone surrogates included: what a JavaScript string can hold. */
const anyText = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    maxLength,
  });
const anyKey = fc.oneof(
  anyText(100),
  fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes)),
);

function expected(key: string | Buffer, input: string): Buffer {
  return createHmac('sha256', key).update(input).digest();
}

describe('HMAC-SHA-256', () => {
  it('gives the bytes createHmac gives, for any key and any input', () => {
    fc.assert(
      fc.property(anyKey, anyText(300), (key, input) => {
        const hmac = createHmacSha256(key);
        expect(hmac.bytes(input)).toEqual(expected(key, input));
        expect(hmac.base64url(input)).toBe(expected(key, input).toString('base64url'));
      }),
      { numRuns: 500 },
    );
  });

  it('gives createHmac of the bytes from an offset on, as base64url, for any bytes', () => {
    fc.assert(
      fc.property(anyKey, fc.uint8Array({ maxLength: 300 }), fc.nat(20), (key, bytes, skip) => {
        const held = Buffer.concat([randomBytes(skip), bytes]);
        const mac = createHmac('sha256', key).update(bytes).digest('base64url');
        expect(createHmacSha256(key).ofBytes(held, skip)).toBe(mac);
      }),
      { numRuns: 300 },
    );
  });

  it('gives createHmac of held bytes longer than its scratch buffer', () => {
    const key = randomBytes(32);
    const held = Buffer.concat([Buffer.from('s.seal.'), randomBytes(20_000)]);
    expect(createHmacSha256(key).ofBytes(held, 7)).toBe(
      createHmac('sha256', key).update(held.subarray(7)).digest('base64url'),
    );
  });

  it('gives createHmac bytes for keys of one block, and one byte either side', () => {
    for (const length of [63, 64, 65]) {
      const key = randomBytes(length);
      expect(createHmacSha256(key).bytes('token')).toEqual(expected(key, 'token'));
    }
  });

  it('gives createHmac bytes for inputs longer than its scratch buffer', () => {
    const key = randomBytes(32);
    for (const input of ['a'.repeat(4096), 'a'.repeat(4097), '€'.repeat(5000)]) {
      expect(createHmacSha256(key).base64url(input)).toBe(
        expected(key, input).toString('base64url'),
      );
    }
  });

  it('gives each input its own MAC when called one after another', () => {
    const key = randomBytes(32);
    const hmac = createHmacSha256(key);
    // A long input then a short one: what is left of the first must not enter the second.
    hmac.bytes('x'.repeat(1000));
    expect(hmac.bytes('short')).toEqual(expected(key, 'short'));
    expect(hmac.bytes('')).toEqual(expected(key, ''));
  });

  it('is not changed by changes to the key buffer it was given', () => {
    const key = randomBytes(32);
    const copy = Buffer.from(key);
    const hmac = createHmacSha256(key);
    key.fill(0);
    expect(hmac.bytes('token')).toEqual(expected(copy, 'token'));
    expect(hmac.bytes('a'.repeat(5000))).toEqual(expected(copy, 'a'.repeat(5000)));
  });
});
