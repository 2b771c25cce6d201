import type { Request, RequestHandler, Response } from 'express';
import { ConfigError } from '../core/errors';
import { isBrowserNavigation } from '../http/navigation';
import { toSafeRelativePath } from '../http/return-to';
import { sendError, sendUnavailable } from '../http/send-error';
import { checkKnownKeys, toAbsoluteHttpUrl } from '../config/validations';
import type { RequireSessionOptions } from './require-session-options';
import { sessionStatusOf } from '../http/request-session';
import { meetsStepUp, resolveStepUp, type StepUp } from './step-up';

/**
 * Lets a request through only with a valid PingOne session. Without one: browser navigations go
 * to `loginUrl` (when set) with `returnTo`, everything else gets `401 {"error":"unauthenticated"}`.
 * When PingOne could not be asked (`pingSessionStatus` `'unavailable'`): `503
 * {"error":"pingone_unavailable"}` with `Retry-After`, never a sign-in redirect, which would tell
 * a signed-in user they were signed out. Mount it after `pingSession()`.
 */
export function requireSession(options: RequireSessionOptions = {}): RequestHandler {
  checkKnownKeys('requireSession()', options, [
    'loginUrl',
    'maxAuthAgeSeconds',
    'authenticators',
    'check',
  ]);
  const loginUrl = options.loginUrl === undefined ? undefined : checkLoginUrl(options.loginUrl);
  const separator = loginUrl?.includes('?') ? '&' : '?';
  const stepUp = resolveStepUp(options);

  /**
   * Sends a browser navigation to `loginUrl`, with the page it asked for as `returnTo` and the
   * `extra` query fields; false when there is no `loginUrl` or the request is no navigation.
   */
  function toLogin(req: Request, res: Response, extra = ''): boolean {
    if (loginUrl === undefined || !isBrowserNavigation(req)) return false;
    // Only a path on this site goes into returnTo, so the sign-in page cannot be made to send
    // the user elsewhere afterwards.
    const returnTo = toSafeRelativePath(req.originalUrl) ?? '/';
    res.redirect(302, `${loginUrl}${separator}returnTo=${encodeURIComponent(returnTo)}${extra}`);
    return true;
  }

  /**
   * A valid session whose sign-on is too old or too weak: `401`, never `403`, since signing in
   * again fixes it. A navigation goes to `loginUrl` with what is asked (`max_age`,
   * `authenticators`) and `prompt=login`.
   */
  function askForStepUp(req: Request, res: Response, asked: StepUp): void {
    res.set('Cache-Control', 'no-store');
    const { maxAuthAgeSeconds, authenticators } = asked;
    const query = new URLSearchParams();
    if (maxAuthAgeSeconds !== undefined) query.set('max_age', String(maxAuthAgeSeconds));
    if (authenticators.length > 0) query.set('authenticators', authenticators.join(' '));
    query.set('prompt', 'login');
    if (toLogin(req, res, `&${query}`)) return;
    sendError(res, 401, 'step_up_required', {
      ...(maxAuthAgeSeconds === undefined ? {} : { maxAuthAgeSeconds }),
      ...(authenticators.length > 0 ? { authenticators } : {}),
    });
  }

  return function requireSessionMiddleware(req, res, next) {
    const session = req.pingSession;
    if (session !== undefined) {
      if (stepUp === undefined || meetsStepUp(session, stepUp, Date.now())) return next();
      return askForStepUp(req, res, stepUp);
    }
    const status = sessionStatusOf(req);
    if (status === undefined) {
      return next(new Error('requireSession() needs pingSession() mounted before it.'));
    }
    if (status === 'unavailable') return sendUnavailable(res);
    res.set('Cache-Control', 'no-store');
    if (toLogin(req, res)) return;
    sendError(res, 401, 'unauthenticated');
  };
}

function checkLoginUrl(value: unknown): string {
  const url = toSafeRelativePath(value) ?? toAbsoluteHttpUrl(value);
  if (url !== undefined) return url;
  throw new ConfigError(
    'ERR_PINGONE_LOGIN_URL',
    'requireSession(): loginUrl must be a path on this site such as "/login", or an absolute http(s) URL without a fragment.',
  );
}
