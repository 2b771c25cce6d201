import type { CookieOptions, Request } from 'express';
import type { ResolvedCookieOptions, SecureCookies } from './cookie-options';
import { isLoopbackHostname } from './loopback';

/**
 * The attributes of the session token cookie, the same when it is set and when it is cleared (a
 * browser drops a cookie only when `Domain` and `Path` match). `Secure` as `secureCookies` says.
 */
export function sessionCookieAttributes(
  req: Request,
  options: Pick<ResolvedCookieOptions, 'cookieDomain' | 'cookiePath' | 'secureCookies'>,
): CookieOptions {
  const attributes: CookieOptions = {
    path: options.cookiePath,
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureCookie(req, options.secureCookies),
  };
  if (options.cookieDomain !== undefined) attributes.domain = options.cookieDomain;
  return attributes;
}

/**
 * Whether a cookie set on this request carries `Secure`. With `'except-local-http'` (local
 * development and tests only) a plain-http request to localhost gets none, which a browser
 * would otherwise refuse to keep there.
 */
export function isSecureCookie(req: Request, mode: SecureCookies): boolean {
  if (mode !== 'except-local-http') return mode === 'always';
  return req.secure || !isLoopbackHostname(req.hostname);
}
