import { ConfigError, type ConfigErrorCode } from '../core/errors';
import { toSafeRelativePath } from '../http/return-to';

/*
 * The checks every feature's options are made of. Each throws a ConfigError whose code names the
 * option and whose message says what to do. Only values that are never secret (a region, an
 * environment ID, a base URL) are shown as received; credentials, keys and tokens never are.
 */

/** RFC 6265 cookie-name: an RFC 7230 token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A path on this site: one leading slash not followed by another slash, then printable ASCII. */
const SITE_PATH = /^\/(?![/\\])[!-~]*$/;

export function checkKnownKeys(
  where: string,
  value: object,
  known: readonly string[],
  code: ConfigErrorCode = 'ERR_PINGONE_UNKNOWN_OPTION',
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ConfigError(
        code,
        `${where}: unknown option "${key}". Known options: ${known.join(', ')}.`,
      );
    }
  }
}

/**
 * A nested options object (`logout`, `cache`, `retry`...) after its `false` case is handled:
 * an object (an empty one when left out) with only known keys.
 */
export function checkOptionsObject<T extends object>(
  option: string,
  value: T | undefined,
  known: readonly string[],
  code: ConfigErrorCode,
): Partial<T> {
  const given = value ?? {};
  if (typeof given !== 'object' || given === null) {
    throw new ConfigError(code, `${option} must be an options object, or false.`);
  }
  checkKnownKeys(option, given, known, code);
  return given;
}

/** How a non-secret option value was received, for a start-up error message. */
export function received(value: unknown): string {
  return value === undefined ? 'is not set' : `got ${JSON.stringify(value) ?? String(value)}`;
}

export function checkCookieName(option: string, value: unknown): string {
  if (typeof value !== 'string' || !COOKIE_NAME.test(value)) {
    throw new ConfigError(
      'ERR_PINGONE_COOKIE_NAME',
      `${option} must be a cookie name: letters, digits and !#$%&'*+-.^_\`|~ only.`,
    );
  }
  return value;
}

export function checkSitePath(option: string, value: unknown, code: ConfigErrorCode): string {
  if (typeof value !== 'string' || !SITE_PATH.test(value) || /[;?#\\]/.test(value)) {
    throw new ConfigError(
      code,
      `${option} must be a path on this site starting with a single "/", such as "/logout".`,
    );
  }
  return value;
}

export function checkWholeNumber(
  option: string,
  value: unknown,
  min: number,
  max: number,
  code: ConfigErrorCode,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(code, `${option} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function checkOneOf<T extends string>(
  option: string,
  value: unknown,
  allowed: readonly T[],
  code: ConfigErrorCode,
): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(
      code,
      `${option} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}.`,
    );
  }
  return value as T;
}

export function checkReturnTo(option: string, value: unknown, code: ConfigErrorCode): string {
  const path = toSafeRelativePath(value);
  if (path === undefined) {
    throw new ConfigError(
      code,
      `${option} must be a path on this site starting with a single "/", such as "/" or "/account".`,
    );
  }
  return path;
}

/** An absolute http(s) URL without a fragment, normalised; `undefined` for anything else. */
export function toAbsoluteHttpUrl(value: unknown): string | undefined {
  try {
    const url = new URL(String(value));
    if ((url.protocol === 'https:' || url.protocol === 'http:') && !url.hash) return url.href;
  } catch {
    // Not a URL: undefined below.
  }
  return undefined;
}

/** A list of origins such as `https://app.example.com`, each as `URL.origin` gives it. */
export function checkOrigins(
  option: string,
  value: unknown,
  code: ConfigErrorCode,
): ReadonlySet<string> {
  if (value === undefined) return new Set();
  const fail = () =>
    new ConfigError(
      code,
      `${option} must be an array of origins such as "https://app.example.com" (scheme, host and port only).`,
    );
  if (!Array.isArray(value)) throw fail();
  return new Set(
    value.map((entry: unknown) => {
      let url: URL;
      try {
        url = new URL(String(entry));
      } catch {
        throw fail();
      }
      const httpish = url.protocol === 'https:' || url.protocol === 'http:';
      if (!httpish || url.origin !== String(entry).replace(/\/$/, '')) throw fail();
      return url.origin;
    }),
  );
}

export function checkBoolean(option: string, value: unknown, code: ConfigErrorCode): boolean {
  if (typeof value !== 'boolean') {
    throw new ConfigError(code, `${option} must be true or false.`);
  }
  return value;
}

/**
 * Makes a secret property non-enumerable, so `JSON.stringify`, `console.log` and spreading the
 * resolved options never show it; code that names the property still reads it.
 */
export function unlisted<T extends object>(value: T, key: keyof T): T {
  Object.defineProperty(value, key, { enumerable: false });
  return value;
}

/** An options object (or `false`) whose every key is a whole number with a default. */
export function resolveNumbers<K extends string>(
  where: string,
  given: Partial<Record<K, number>> | false | undefined,
  names: readonly K[],
  defaults: Record<K, number>,
  ranges: Record<K, readonly [number, number]>,
  code: ConfigErrorCode,
): Record<K, number> | false {
  if (given === false) return false;
  const options = checkOptionsObject(where, given, names, code);
  const resolved = {} as Record<K, number>;
  for (const name of names) {
    const [min, max] = ranges[name];
    resolved[name] = checkWholeNumber(
      `${where}.${name}`,
      options[name] ?? defaults[name],
      min,
      max,
      code,
    );
  }
  return resolved;
}
