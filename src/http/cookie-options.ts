import { ConfigError } from '../core/errors';
import {
  checkBoolean,
  checkCookieName,
  checkSitePath,
  checkWholeNumber,
} from '../config/validations';

/** The session cookie: what it is called, how long a token may be, and where it is set. */
export interface ResolvedCookieOptions {
  cookieName: string;
  maxTokenLength: number;
  cookieDomain: string | undefined;
  cookiePath: string;
  secureCookies: SecureCookies;
}

/**
 * When the cookies carry `Secure`: always, never, or always but on a plain-http request to this
 * machine (local development and tests only).
 */
export type SecureCookies = 'always' | 'never' | 'except-local-http';

/** What decides `Secure` besides the option: the app's public URL, if one is configured. */
export interface SecureCookieContext {
  publicUrl: string | undefined;
  nodeEnv: string | undefined;
}

/** The options of {@link PingSessionOptions} the session cookie's handling reads. */
export interface CookieOptionsInput {
  cookieName?: string;
  maxTokenLength?: number;
  cookieDomain?: string;
  cookiePath?: string;
  cookieSecure?: boolean;
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
  'cookieSecure',
];

const COOKIE_DOMAIN =
  /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function resolveCookieOptions(
  given: CookieOptionsInput,
  context: SecureCookieContext,
): ResolvedCookieOptions {
  return {
    secureCookies: resolveSecureCookies(given.cookieSecure, context),
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

/**
 * `Secure` from what a request cannot spoof. Behind a proxy that forwards `Host: 127.0.0.1` over
 * plain http without `trust proxy`, every request looks local: deciding from the request took
 * `Secure` off a 30-day session cookie on an https site. So the request only matters while
 * `NODE_ENV` says local development or tests, and an insecure choice in production is loud.
 */
function resolveSecureCookies(given: unknown, context: SecureCookieContext): SecureCookies {
  const mode = chooseSecureCookies(given, context);
  if (mode === 'never' && context.nodeEnv === 'production') {
    const cause =
      given === undefined
        ? `signIn.redirectUri is plain http (${context.publicUrl ?? ''})`
        : 'pingSession({ cookieSecure: false })';
    process.emitWarning(
      `${cause} with NODE_ENV=production: the session cookies go without Secure, so any ` +
        'plain-http request to this site can leak them. Serve the site over https, with an ' +
        'https redirectUri, and leave cookieSecure out.',
      { code: 'PINGONE_INSECURE_COOKIES' },
    );
  }
  return mode;
}

function chooseSecureCookies(given: unknown, context: SecureCookieContext): SecureCookies {
  if (given !== undefined) {
    return checkBoolean('cookieSecure', given, 'ERR_PINGONE_COOKIE_ATTRIBUTES')
      ? 'always'
      : 'never';
  }
  if (context.publicUrl !== undefined) {
    return context.publicUrl.startsWith('https:') ? 'always' : 'never';
  }
  return context.nodeEnv === 'development' || context.nodeEnv === 'test'
    ? 'except-local-http'
    : 'always';
}
