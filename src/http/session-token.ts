import { parse } from 'cookie';
import type { Request } from 'express';

/** Longest session token accepted; PingOne's are far shorter. */
export const MAX_SESSION_TOKEN_LENGTH = 4096;

/**
 * RFC 6265 cookie-octets: printable ASCII except space, `"`, `,`, `;` and `\`. A token made only
 * of these can be placed in `Cookie: ST=<token>` without changing the header's meaning.
 */
const COOKIE_OCTETS = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;

const keepRaw = (value: string) => value;

/**
 * The session token the browser sent, or `undefined` when there is none or it is not a well-formed
 * token (which is treated as no session: it never reaches PingOne).
 */
export function readSessionToken(req: Request, cookieName: string): string | undefined {
  const value = fromCookieParser(req, cookieName) ?? fromHeader(req, cookieName);
  return isWellFormedToken(value) ? value : undefined;
}

export function isWellFormedToken(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_SESSION_TOKEN_LENGTH &&
    COOKIE_OCTETS.test(value)
  );
}

function fromCookieParser(req: Request, cookieName: string): unknown {
  const cookies: unknown = (req as { cookies?: unknown }).cookies;
  if (typeof cookies !== 'object' || cookies === null) return undefined;
  return Object.hasOwn(cookies, cookieName)
    ? (cookies as Record<string, unknown>)[cookieName]
    : undefined;
}

function fromHeader(req: Request, cookieName: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parse(header, { decode: keepRaw })[cookieName];
}
