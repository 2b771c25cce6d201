import type { CookieOptions, NextFunction, Request, Response } from 'express';
import type { PingSessionLogger } from '../core/logger';
import type { ResolvedCookieOptions } from '../http/cookie-options';
import type { ResolvedLogout } from './options';
import type { SessionCache } from '../cache/session-cache';
import { logoutChannel, type LogoutMessage } from '../core/channels';
import { isBrowserNavigation } from '../http/navigation';
import { answerForeignOrigin } from '../http/request-origin';
import { toSafeReturnTo } from '../http/return-to';
import { readFields, type BodyProblem } from '../http/read-fields';
import { refuseBody, sendError } from '../http/send-error';
import type { Account } from '../account/account';
import { clearCookies } from './clear-cookies';

/** The credential the browser holds (PingOne's `ST`, or hosted mode's session cookie). */
export interface LogoutCredentials {
  read(req: Request): string | undefined;
  reset(credential: string): Promise<void>;
  sessionIdOf(credential: string): string | undefined;
  cookieName: string;
  cookieAttributes(req: Request): CookieOptions;
}

export interface LogoutParts {
  credentials: LogoutCredentials;
  sessions: SessionCache;
  account: Account;
  /**
   * Hosted mode with `postLogoutRedirectUri`: PingOne's sign-off URL, where a navigation goes
   * next so that PingOne's own `ST` on its host is cleared too.
   */
  signoffUrl?: string;
}

/** A logout's fields: at most `everywhere` and `returnTo`. */
const BODY_LIMIT_BYTES = 1024;
const YES = new Set(['true', '1', 'on']);

/** Answers the request and returns true when it is for the logout route; else returns false. */
export type LogoutRoute = (req: Request, res: Response, next: NextFunction) => boolean;

/**
 * `POST {logout.path}`: resets the PingOne session, forgets its cached lookups in every instance,
 * then clears the local cookies whatever PingOne said, so a browser is never left holding a token
 * the user asked to drop. The path matches exactly (case-sensitive, one trailing slash allowed),
 * relative to where the middleware is mounted.
 */
export function createLogoutRoute(
  options: ResolvedCookieOptions & { logger: PingSessionLogger },
  logout: ResolvedLogout,
  { credentials, sessions, account, signoffUrl }: LogoutParts,
): LogoutRoute {
  const paths = [logout.path, `${logout.path}/`];

  async function logoutHandler(req: Request, res: Response): Promise<void> {
    if (req.method !== 'POST') {
      res.set('Allow', 'POST');
      return sendError(res, 405, 'method_not_allowed');
    }
    // A page on another site must not be able to sign the user out (logout CSRF): refused before
    // anything is reset or cleared.
    const route = { event: 'logout_refused', name: 'Logout' } as const;
    if (answerForeignOrigin(req, res, logout, options.logger, route)) return;
    const fields = await readFields(req, BODY_LIMIT_BYTES);
    if ('problem' in fields) return refuseBody(res, fields.problem as BodyProblem);
    const everywhere =
      logout.everywhere ||
      YES.has(fields.everywhere ?? '') ||
      YES.has(String(req.query.everywhere));
    const sessionToken = credentials.read(req);
    let failed = false;
    if (sessionToken !== undefined && everywhere) {
      try {
        // The other sessions first: once the current one is reset, PingOne no longer says whose.
        const session = await sessions.lookup(sessionToken, undefined, req);
        if (session !== null) failed = (await account.endOtherSessions(session)) > 0;
      } catch {
        failed = true;
      }
    }
    if (sessionToken !== undefined) {
      // The user kept for this session goes with it (when this process knows whose it is; else
      // the record, keyed by session, is never reached again and expires within userTtlMs).
      const held = sessions.held(sessionToken);
      if (held !== undefined) await account.forgetUser(held);
      try {
        await credentials.reset(sessionToken);
      } catch {
        failed = true;
      }
      // After the reset, whatever its outcome: a lookup started before it could otherwise put
      // the session back in the cache. A session known by its ID is ended everywhere, under
      // every cookie that names it.
      await sessions.forget(sessionToken);
      const sessionId = credentials.sessionIdOf(sessionToken);
      if (sessionId !== undefined) await sessions.forgetSession(sessionId);
    }
    logoutChannel.publish({
      outcome: sessionToken === undefined ? 'no-token' : failed ? 'failed' : 'reset',
    } satisfies LogoutMessage);
    clearCookies(req, res, credentials, options, logout.clearCookies);
    res.set('Cache-Control', 'no-store');
    if (failed) return sendError(res, 502, 'logout_failed');
    if (isBrowserNavigation(req)) {
      if (signoffUrl !== undefined) return res.redirect(303, signoffUrl);
      const asked = toSafeReturnTo(req.query.returnTo, logout.allowedReturnTo);
      return res.redirect(303, asked ?? logout.returnTo);
    }
    res.status(204).end();
  }

  return (req, res, next) => {
    // req.path parses the URL; the substring test (true for any URL form that could match,
    // absolute-form included) spares that on every other request.
    if (!req.url.includes(logout.path) || !paths.includes(req.path)) return false;
    logoutHandler(req, res).catch(next);
    return true;
  };
}
