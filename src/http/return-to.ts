const BASE = 'http://return-to.invalid';
const MAX_LENGTH = 2048;
/** One slash, not followed by another slash or a backslash (which browsers read as `//host`). */
const RELATIVE_PATH = /^\/(?![/\\])[\x21-\x7e]*$/;

/**
 * `value` as a path on this site, normalised as a browser would resolve it, or `undefined` when it
 * could lead anywhere else (`//host`, `/\host`, a scheme, control characters, spaces, non-ASCII).
 * The check runs again after normalisation because dot segments can turn `/.//host` into `//host`.
 */
export function toSafeRelativePath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_LENGTH || !RELATIVE_PATH.test(value)) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE) return undefined;
  const path = url.pathname + url.search + url.hash;
  return RELATIVE_PATH.test(path) ? path : undefined;
}

/** An absolute http(s) URL of printable ASCII with no backslash (which URL parsers read as `/`). */
const ABSOLUTE_URL = /^https?:\/\/[\x21-\x5b\x5d-\x7e]+$/i;

/**
 * Where a sign-in or sign-out may send the browser back to: a path on this site, or an absolute
 * http(s) URL whose origin is in `allowedOrigins` (and which names no user, so
 * `https://trusted@evil` cannot pass). `undefined` for anything else: the caller falls back to
 * its default.
 */
export function toSafeReturnTo(
  value: unknown,
  allowedOrigins: ReadonlySet<string>,
): string | undefined {
  const path = toSafeRelativePath(value);
  if (path !== undefined) return path;
  if (typeof value !== 'string' || value.length > MAX_LENGTH || !ABSOLUTE_URL.test(value)) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.username || url.password || !allowedOrigins.has(url.origin)) return undefined;
  return url.href;
}
