import type { Request, Response } from 'express';
import type { ResolvedOptions } from '../config/resolve-options';
import { sessionCookieAttributes } from '../http/cookie-attributes';

/** Expires the session token cookie and every `logout.clearCookies` name. */
export function clearCookies(
  req: Request,
  res: Response,
  options: Pick<ResolvedOptions, 'cookieName' | 'cookieDomain' | 'cookiePath'>,
  names: readonly string[],
): void {
  const attributes = sessionCookieAttributes(req, options);
  for (const name of [options.cookieName, ...names]) res.clearCookie(name, attributes);
}
