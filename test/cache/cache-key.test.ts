import { createCacheKey } from '../../src/cache/cache-key';

const token = 'st-token-value-abc123';

describe('cache keys', () => {
  it('never contain the token', () => {
    expect(createCacheKey(undefined)(token)).not.toContain(token);
  });

  it('are the same for one token under one secret, so instances sharing it agree', () => {
    const secret = 's'.repeat(32);
    expect(createCacheKey(secret)(token)).toBe(createCacheKey(secret)(token));
  });

  it('differ between secrets', () => {
    expect(createCacheKey('a'.repeat(32))(token)).not.toBe(createCacheKey('b'.repeat(32))(token));
  });

  it('differ between processes that were given no secret', () => {
    expect(createCacheKey(undefined)(token)).not.toBe(createCacheKey(undefined)(token));
  });

  it('differ between tokens', () => {
    const key = createCacheKey(undefined);
    expect(key(token)).not.toBe(key(`${token}x`));
  });
});
