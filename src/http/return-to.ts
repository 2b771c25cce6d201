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
