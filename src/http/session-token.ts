import type { Request } from 'express';
import type { PingSessionLogger } from '../core/logger';

/**
 * RFC 6265 cookie-octets: printable ASCII except space, `"`, `,`, `;` and `\`. A token made only
 * of these can be placed in `Cookie: ST=<token>` without changing the header's meaning.
 */
const COOKIE_OCTETS = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;

/** Why a session token cookie was refused; the value itself is never reported. */
export type TokenRejection = 'too_long' | 'bad_characters' | 'conflicting_cookies';

export interface TokenReaderSettings {
  cookieName: string;
  maxTokenLength: number;
  logger: PingSessionLogger;
}

/**
 * Reads the browser's session token, or `undefined` when there is none or it is refused. A
 * refused token is treated as no session (it never reaches PingOne) and reported to the logger
 * with the reason only.
 */
export function createSessionTokenReader(
  settings: TokenReaderSettings,
): (req: Request) => string | undefined {
  return (req) => {
    const read = readSessionToken(req, settings.cookieName, settings.maxTokenLength);
    if (typeof read !== 'object') return read;
    settings.logger.warn('Session token cookie refused; treated as no session.', {
      event: 'session_token_rejected',
      reason: read.rejected,
    });
    return undefined;
  };
}

/**
 * The token from `req.cookies` when cookie-parser ran (decoded, as the app sees it), else from the
 * `Cookie` header as sent. Several cookies of that name that disagree (a cookie set on a parent
 * domain beside the app's own, or planted by a sibling subdomain) are refused rather than guessed.
 */
export function readSessionToken(
  req: Request,
  cookieName: string,
  maxTokenLength: number,
): string | { rejected: TokenRejection } | undefined {
  const header = req.headers.cookie;
  // No Cookie header, no token: cookie-parser only ever fills req.cookies from that header.
  if (header === undefined) return undefined;
  const sent = sentValue(header, cookieName);
  if (sent === CONFLICTING) return { rejected: 'conflicting_cookies' };
  const value = fromCookieParser(req, cookieName) ?? sent;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return { rejected: 'bad_characters' };
  const rejected = tokenRejection(value, maxTokenLength);
  return rejected === undefined ? value : { rejected };
}

/**
 * Why a session token may not be used, or `undefined` when it may: the one rule for a token from
 * the browser and for one PingOne set during sign-in, before either goes into a `Cookie` header.
 */
export function tokenRejection(
  value: string,
  maxTokenLength: number,
): Exclude<TokenRejection, 'conflicting_cookies'> | undefined {
  if (value.length > maxTokenLength) return 'too_long';
  return COOKIE_OCTETS.test(value) ? undefined : 'bad_characters';
}

function fromCookieParser(req: Request, cookieName: string): unknown {
  const cookies: unknown = (req as { cookies?: unknown }).cookies;
  if (typeof cookies !== 'object' || cookies === null) return undefined;
  return Object.hasOwn(cookies, cookieName)
    ? (cookies as Record<string, unknown>)[cookieName]
    : undefined;
}

/** One cookie's value as sent, undecoded; `undefined` when absent or sent twice with two values. */
export function cookieValue(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  const value = sentValue(header, name);
  return value === CONFLICTING ? undefined : value;
}

const CONFLICTING = Symbol('conflicting cookies');

/**
 * The value of `name` in a `Cookie` header, undecoded, with RFC 6265's optional quotes removed;
 * `CONFLICTING` when it is there more than once with different values. Scans with indexOf, and
 * allocates no array, since this runs on every request.
 */
function sentValue(header: string, name: string): string | undefined | typeof CONFLICTING {
  let found: string | undefined;
  let at = header.indexOf(name);
  while (at !== -1) {
    const end = header.indexOf(';', at);
    const pair = header.slice(header.lastIndexOf(';', at) + 1, end === -1 ? undefined : end);
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) {
      const value = unquote(pair.slice(eq + 1).trim());
      if (found === undefined) found = value;
      else if (value !== found) return CONFLICTING;
    }
    if (end === -1) break;
    at = header.indexOf(name, end);
  }
  return found;
}

function unquote(value: string): string {
  return value.length > 1 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}
