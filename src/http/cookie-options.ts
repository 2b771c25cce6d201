import { ConfigError } from '../core/errors';
import { checkCookieName, checkSitePath, checkWholeNumber } from '../config/validations';

/** The session cookie: what it is called, how long a token may be, and where it is set. */
export interface ResolvedCookieOptions {
  cookieName: string;
  maxTokenLength: number;
  cookieDomain: string | undefined;
  cookiePath: string;
}

/** The options of {@link PingSessionOptions} the session cookie's handling reads. */
export interface CookieOptionsInput {
  cookieName?: string;
  maxTokenLength?: number;
  cookieDomain?: string;
  cookiePath?: string;
}

export const COOKIE_DEFAULTS = {
  cookieName: 'ST',
  maxTokenLength: 4096,
  cookiePath: '/',
} as const;

export const COOKIE_OPTION_NAMES: readonly (keyof CookieOptionsInput)[] = [
  'cookieName',
  'maxTokenLength',
  'cookieDomain',
  'cookiePath',
];

const COOKIE_DOMAIN =
  /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function resolveCookieOptions(given: CookieOptionsInput): ResolvedCookieOptions {
  return {
    cookieName: checkCookieName('cookieName', given.cookieName ?? COOKIE_DEFAULTS.cookieName),
    maxTokenLength: checkWholeNumber(
      'maxTokenLength',
      given.maxTokenLength ?? COOKIE_DEFAULTS.maxTokenLength,
      16,
      16_384,
      'ERR_PINGONE_MAX_TOKEN_LENGTH',
    ),
    cookieDomain: checkCookieDomain(given.cookieDomain),
    cookiePath: checkSitePath(
      'cookiePath',
      given.cookiePath ?? COOKIE_DEFAULTS.cookiePath,
      'ERR_PINGONE_COOKIE_ATTRIBUTES',
    ),
  };
}

function checkCookieDomain(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !COOKIE_DOMAIN.test(value)) {
    throw new ConfigError(
      'ERR_PINGONE_COOKIE_ATTRIBUTES',
      'cookieDomain must be a host name such as "example.com", or left out for a host-only cookie.',
    );
  }
  return value;
}
