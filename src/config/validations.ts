import type { SessionStore } from '../cache/session-store';
import { ConfigError } from '../errors';
import { isLoopbackHostname } from '../http/loopback';
import { toSafeRelativePath } from '../http/return-to';
import type { PingSessionLogger } from '../options';
import { isRegion, REGIONS } from './regions';

/*
 * One named check per misconfiguration. Each throws a ConfigError whose code names the option and
 * whose message says what to do. Only values that are never secret (a region, an environment ID,
 * a base URL) are shown as received; credentials, keys and tokens never are.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 6265 cookie-name: an RFC 7230 token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_DOMAIN =
  /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** A path on this site: one leading slash not followed by another slash, then printable ASCII. */
const SITE_PATH = /^\/(?![/\\])[!-~]*$/;

export function checkKnownKeys(
  where: string,
  value: object,
  known: readonly string[],
  code: ConstructorParameters<typeof ConfigError>[0] = 'ERR_PINGONE_UNKNOWN_OPTION',
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
  code: ConstructorParameters<typeof ConfigError>[0],
): Partial<T> {
  const given = value ?? {};
  if (typeof given !== 'object' || given === null) {
    throw new ConfigError(code, `${option} must be an options object, or false.`);
  }
  checkKnownKeys(option, given, known, code);
  return given;
}

export function checkEnvironmentId(value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    const spaced = typeof value === 'string' && UUID.test(value.trim());
    throw new ConfigError(
      'ERR_PINGONE_ENVIRONMENT_ID',
      `environmentId (or PINGONE_ENVIRONMENT_ID) ${received(value)}` +
        (spaced
          ? ', with spaces or line breaks around the UUID: remove them.'
          : '; it must be the UUID of your PingOne environment, as shown under Environment > ' +
            'Properties in the PingOne console.'),
    );
  }
  return value.toLowerCase();
}

/** Region names in any case: `eu` is `EU`. */
export function checkRegion(value: unknown): keyof typeof REGIONS {
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (!isRegion(upper)) {
    throw new ConfigError(
      'ERR_PINGONE_REGION',
      `region (or PINGONE_REGION) ${received(value)}; it must be one of ` +
        `${Object.keys(REGIONS).join(', ')}.`,
    );
  }
  return upper;
}

/** How a non-secret option value was received, for a start-up error message. */
function received(value: unknown): string {
  return value === undefined ? 'is not set' : `got ${JSON.stringify(value) ?? String(value)}`;
}

/** Returns the base URL without a trailing slash. */
export function checkBaseUrl(
  option: 'apiPath' | 'authPath',
  envVar: string,
  value: unknown,
): string {
  const code = option === 'apiPath' ? 'ERR_PINGONE_API_PATH' : 'ERR_PINGONE_AUTH_PATH';
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigError(code, `${option} (or ${envVar}) must be an absolute URL.`);
  }
  const secure =
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHostname(url.hostname));
  if (!secure) {
    throw new ConfigError(
      code,
      `${option} (or ${envVar}) must use https: (plain http: is allowed only for localhost or ` +
        '127.0.0.1, such as the emulator), because the access token travels on it.',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      code,
      `${option} (or ${envVar}) must be a plain base URL, without credentials, query or fragment.`,
    );
  }
  const base = url.href.replace(/\/+$/, '');
  // Without the version, every call reaches a path PingOne does not serve: its 404 would read as
  // "no session" for everyone.
  if (option === 'apiPath' && !base.endsWith('/v1')) {
    throw new ConfigError(
      code,
      `apiPath (or ${envVar}) ${received(base)}; it must end in PingOne's API version /v1, ` +
        'such as https://api.pingone.eu/v1.',
    );
  }
  return base;
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

export function checkCookieDomain(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !COOKIE_DOMAIN.test(value)) {
    throw new ConfigError(
      'ERR_PINGONE_COOKIE_ATTRIBUTES',
      'cookieDomain must be a host name such as "example.com", or left out for a host-only cookie.',
    );
  }
  return value;
}

export function checkSitePath(
  option: string,
  value: unknown,
  code: ConstructorParameters<typeof ConfigError>[0],
): string {
  if (typeof value !== 'string' || !SITE_PATH.test(value) || /[;?#\\]/.test(value)) {
    throw new ConfigError(
      code,
      `${option} must be a path on this site starting with a single "/", such as "/logout".`,
    );
  }
  return value;
}

export function checkTimeoutMs(value: unknown): number {
  return checkWholeNumber('timeoutMs', value, 1, 120_000, 'ERR_PINGONE_TIMEOUT_MS');
}

export function checkWholeNumber(
  option: string,
  value: unknown,
  min: number,
  max: number,
  code: ConstructorParameters<typeof ConfigError>[0],
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
  code: ConstructorParameters<typeof ConfigError>[0],
): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(
      code,
      `${option} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}.`,
    );
  }
  return value as T;
}

export function checkReturnTo(
  option: string,
  value: unknown,
  code: ConstructorParameters<typeof ConfigError>[0],
): string {
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

/** The hash key of shared cache entries: guessable, and keys could be tested against tokens. */
export function checkKeySecret(value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length < 32) {
    throw new ConfigError(
      'ERR_PINGONE_CACHE',
      (value === undefined
        ? 'cache.keySecret is required with a shared cache.store, so that every instance makes the same keys. '
        : 'cache.keySecret must be a string of at least 32 characters. ') +
        'Give the same random secret to every instance, for example from `openssl rand -base64 32`.',
    );
  }
  return value;
}

export function checkSessionStore(value: unknown): SessionStore | undefined {
  if (value === undefined) return undefined;
  const store = value as Partial<SessionStore> | null;
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.get !== 'function' ||
    typeof store.set !== 'function' ||
    typeof store.delete !== 'function'
  ) {
    throw new ConfigError(
      'ERR_PINGONE_CACHE',
      'cache.store must be a session store with get, set and delete methods, such as ' +
        "new RedisStore({ url }) from 'express-pingone-session/redis'.",
    );
  }
  return value as SessionStore;
}

export function checkLogger(value: unknown): PingSessionLogger | false {
  if (value === false) return false;
  const logger = value as Partial<PingSessionLogger> | null;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.warn !== 'function' ||
    typeof logger.info !== 'function'
  ) {
    throw new ConfigError(
      'ERR_PINGONE_LOGGER',
      'logger must have warn(message, details) and info(message, details) methods (console does), or be false.',
    );
  }
  return value as PingSessionLogger;
}

/** A list of origins such as `https://app.example.com`, each as `URL.origin` gives it. */
export function checkOrigins(
  option: string,
  value: unknown,
  code: ConstructorParameters<typeof ConfigError>[0],
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

export function checkBoolean(
  option: string,
  value: unknown,
  code: ConstructorParameters<typeof ConfigError>[0],
): boolean {
  if (typeof value !== 'boolean') {
    throw new ConfigError(code, `${option} must be true or false.`);
  }
  return value;
}
