import type { CookieOptions, Request } from 'express';
import type { ResolvedCookieOptions } from './cookie-options';
import { isLoopbackHostname } from './loopback';

/**
 * The attributes of the session token cookie, the same when it is set and when it is cleared (a
 * browser drops a cookie only when `Domain` and `Path` match). `Secure` is left out only on
 * plain-http localhost, where a browser would otherwise refuse to keep it.
 */
export function sessionCookieAttributes(
  req: Request,
  options: Pick<ResolvedCookieOptions, 'cookieDomain' | 'cookiePath'>,
): CookieOptions {
  const attributes: CookieOptions = {
    path: options.cookiePath,
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureContext(req),
  };
  if (options.cookieDomain !== undefined) attributes.domain = options.cookieDomain;
  return attributes;
}

/** Whether the browser reached this app over https (or anywhere but plain-http localhost). */
export function isSecureContext(req: Request): boolean {
  return req.secure || !isLoopbackHostname(req.hostname);
}
