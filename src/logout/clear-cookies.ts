import type { Request, Response } from 'express';
import type { ResolvedCookieOptions } from '../http/cookie-options';
import { sessionCookieAttributes } from '../http/cookie-attributes';

/** Expires the session token cookie and every `logout.clearCookies` name. */
export function clearCookies(
  req: Request,
  res: Response,
  options: Pick<ResolvedCookieOptions, 'cookieName' | 'cookieDomain' | 'cookiePath'>,
  names: readonly string[],
): void {
  const attributes = sessionCookieAttributes(req, options);
  for (const name of [options.cookieName, ...names]) res.clearCookie(name, attributes);
}
