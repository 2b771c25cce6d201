import type { Request, Response } from 'express';
import { parseJson, type UpstreamResponse } from '../../client/http';
import { AUTH_HOST_ACCEPT, codeRedemption } from '../../client/sign-on-client';
import type { SignInErrorCode } from '../../core/error-responses';
import { PingOneError } from '../../core/errors';
import { cookieValue } from '../../http/session-token';
import { signInMisconfiguration } from '../redirectless/pingone-answers';
import { answerFailure, SignInRefused } from './answers';
import type { Transaction } from './cookies';
import type { HostedRoute } from './context';
import { TokenRefused } from './tokens';

/** PingOne's error redirects, as the answer the browser gets. */
const PINGONE_ERRORS: Record<string, SignInErrorCode> = {
  access_denied: 'signin_denied',
  temporarily_unavailable: 'pingone_unavailable',
  server_error: 'pingone_unavailable',
};
const STATE = /^[A-Za-z0-9_-]{16,128}$/;
const CODE = /^[\x21-\x7e]{1,2048}$/;

/**
 * `GET redirectUri`: PingOne's redirect back. Signs in only the browser that began this sign-in
 * (its transaction cookie, sealed, for this `state`, used once), with the code PingOne gave it,
 * once the ID token checks out; then sets the session cookie and sends the browser where it was
 * going. Anything else is a clear answer with a way to start again, never a 500.
 */
export async function finishSignIn(route: HostedRoute, req: Request, res: Response) {
  const { cookies } = route;
  res.set('Cache-Control', 'no-store');
  const state = typeof req.query.state === 'string' ? req.query.state : undefined;
  let transaction: Transaction | undefined;
  if (state !== undefined && STATE.test(state)) {
    const name = cookies.transactionName(state);
    transaction = cookies.openTransaction(state, cookieValue(req, name), Date.now());
    // Used once, whatever comes of it: a replayed callback finds nothing.
    if (cookieValue(req, name) !== undefined) res.clearCookie(name, cookies.attributes());
  }
  try {
    const sessionId = await signIn(route, req, transaction);
    const cookie = cookies.sealSession(sessionId);
    // Read through the cache now: the first page after sign-in needs no PingOne call, and a
    // session PingOne does not know ends the sign-in here.
    const session = await route.sessions.lookup(cookie);
    if (session === null) throw new SignInRefused('signin_failed', 'session_not_found');
    if (transaction!.stepUp !== undefined) {
      // Signed on again in the same session: what is kept under the old cookie is out of date.
      const previous = route.readCookie(req);
      if (previous !== undefined) await route.sessions.refresh(previous);
    }
    res.cookie(cookies.sessionName, cookie, cookies.attributes(new Date(session.expiresAt)));
    res.redirect(303, transaction!.returnTo);
  } catch (error) {
    answerFailure(route, req, res, error, transaction?.returnTo);
  }
}

/** The session ID the callback signs the browser in to, or a {@link SignInRefused}. */
async function signIn(
  route: HostedRoute,
  req: Request,
  transaction: Transaction | undefined,
): Promise<string> {
  const error = typeof req.query.error === 'string' ? req.query.error : undefined;
  if (transaction === undefined) {
    throw new SignInRefused(
      error === 'access_denied' ? 'signin_denied' : 'signin_expired',
      'no_transaction',
    );
  }
  if (error !== undefined) {
    throw new SignInRefused(PINGONE_ERRORS[error] ?? 'signin_failed', 'pingone_error', error);
  }
  const code = req.query.code;
  if (typeof code !== 'string' || !CODE.test(code)) {
    throw new SignInRefused('signin_failed', 'no_authorization_code');
  }
  const tokens = await redeem(route, code, transaction.codeVerifier);
  try {
    const verified = await route.tokens.verifySignIn(tokens, {
      issuer: `${route.options.authPath}/${route.options.environmentId}/as`,
      clientId: route.signIn.clientId,
      nonce: transaction.nonce,
    });
    return verified.sessionId;
  } catch (refused) {
    if (refused instanceof TokenRefused) {
      throw new SignInRefused('signin_failed', 'id_token_invalid', refused.message);
    }
    throw refused;
  }
}

/** The token response to the code, or why it was refused. */
async function redeem(route: HostedRoute, code: string, codeVerifier: string): Promise<unknown> {
  const { options, signIn } = route;
  // The secret is not enumerable (it must never be spread or logged): named, not spread.
  const application = {
    clientId: signIn.clientId,
    clientSecret: signIn.clientSecret,
    authMethod: signIn.authMethod,
    scope: signIn.scope,
    redirectUri: route.hosted.redirectUri,
  };
  const { headers, body } = codeRedemption(application, code, codeVerifier);
  const response: UpstreamResponse = await route.send({
    operation: 'POST as/token (authorization_code)',
    method: 'POST',
    url: `${options.authPath}/${options.environmentId}/as/token`,
    headers: { ...headers, Accept: AUTH_HOST_ACCEPT },
    body,
    timeoutMs: options.timeoutMs,
    retry: 'unsent',
    lane: 'signin',
  });
  if (response.status === 200) return parseJson(response.body);
  if (response.status === 429 || response.status >= 500) {
    throw new PingOneError({
      operation: 'POST as/token (authorization_code)',
      status: response.status,
      code: 'ERR_PINGONE_HTTP_STATUS',
    });
  }
  const error = (parseJson(response.body) as { error?: unknown } | undefined)?.error;
  const cause = signInMisconfiguration('redeem', response);
  // A code used twice, or too late: the person may simply start again.
  if (error === 'invalid_grant') throw new SignInRefused('signin_expired', 'code_refused');
  throw new SignInRefused('signin_failed', 'code_refused', String(response.status), cause);
}
