import type { CookieOptions, Request, Response } from 'express';
import { sessionCookieAttributes } from '../http/cookie-attributes';
import type { ResolvedCookieOptions } from '../http/cookie-options';

/** Expires the session cookie and every `logout.clearCookies` name. */
export function clearCookies(
  req: Request,
  res: Response,
  session: { cookieName: string; cookieAttributes(req: Request): CookieOptions },
  options: Pick<ResolvedCookieOptions, 'cookieDomain' | 'cookiePath' | 'secureCookies'>,
  names: readonly string[],
): void {
  res.clearCookie(session.cookieName, session.cookieAttributes(req));
  const attributes = sessionCookieAttributes(req, options);
  for (const name of names) res.clearCookie(name, attributes);
}
