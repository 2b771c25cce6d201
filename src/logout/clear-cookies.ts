import type { CookieOptions, Request, Response } from 'express';
import type { ResolvedOptions } from '../config/resolve-options';
import { isLoopbackHostname } from '../http/loopback';

/**
 * Expires the session token cookie and every `logout.clearCookies` name. A browser drops a cookie
 * only when `Domain` and `Path` match the ones it was set with, so the configured ones are used.
 * `Secure` is left out only on plain-http localhost, where browsers would refuse nothing anyway.
 */
export function clearCookies(
  req: Request,
  res: Response,
  options: Pick<ResolvedOptions, 'cookieName' | 'cookieDomain' | 'cookiePath'>,
  names: readonly string[],
): void {
  const attributes: CookieOptions = {
    path: options.cookiePath,
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure || !isLoopbackHostname(req.hostname),
  };
  if (options.cookieDomain !== undefined) attributes.domain = options.cookieDomain;
  for (const name of [options.cookieName, ...names]) res.clearCookie(name, attributes);
}
