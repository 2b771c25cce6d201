import { toSafeRelativePath } from '../../src/http/return-to';

describe('toSafeRelativePath()', () => {
  it.each([
    ['/', '/'],
    ['/profile', '/profile'],
    ['/a/b?x=1&y=2#top', '/a/b?x=1&y=2#top'],
    ['/a/../b', '/b'],
  ])('keeps the path on this site %s', (value, expected) => {
    expect(toSafeRelativePath(value)).toBe(expected);
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/.//evil.example',
    '/..//evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'profile',
    '/a b',
    '/a\r\nSet-Cookie:x=1',
    '/\u00e9',
    '/' + 'a'.repeat(2048),
    '',
  ])('refuses %j', (value) => {
    expect(toSafeRelativePath(value)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(toSafeRelativePath(['/x'])).toBeUndefined();
  });
});
