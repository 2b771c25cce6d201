import type { Request, Response } from 'express';
import type { ResolvedLogout, ResolvedOptions } from '../config/resolve-options';
import type { PingOneClient } from '../client/pingone-client';
import { isBrowserNavigation } from '../http/navigation';
import { sendError } from '../http/send-error';
import { readSessionToken } from '../http/session-token';
import { clearCookies } from './clear-cookies';

export type LogoutHandler = (req: Request, res: Response) => Promise<void>;

/**
 * `POST {logout.path}`: resets the PingOne session, then clears the local cookies whatever PingOne
 * said, so a browser is never left holding a token the user asked to drop.
 */
export function createLogoutHandler(
  options: ResolvedOptions,
  logout: ResolvedLogout,
  client: PingOneClient,
): LogoutHandler {
  return async function logoutHandler(req, res) {
    if (req.method !== 'POST') {
      res.set('Allow', 'POST');
      return sendError(res, 405, 'method_not_allowed');
    }
    const sessionToken = readSessionToken(req, options.cookieName);
    let failed = false;
    if (sessionToken !== undefined) {
      try {
        await client.resetSession(sessionToken);
      } catch {
        failed = true;
      }
    }
    clearCookies(req, res, options, logout.clearCookies);
    res.set('Cache-Control', 'no-store');
    if (failed) return sendError(res, 502, 'logout_failed');
    if (isBrowserNavigation(req)) return res.redirect(303, logout.returnTo);
    res.status(204).end();
  };
}

/** Whether `path` (relative to where the middleware is mounted) is the logout route. */
export function isLogoutPath(logout: ResolvedLogout, path: string): boolean {
  return path === logout.path || path === `${logout.path}/`;
}
