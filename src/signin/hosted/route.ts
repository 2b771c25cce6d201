import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { isBrowserNavigation } from '../../http/navigation';
import { toSafeReturnTo } from '../../http/return-to';
import { sendError } from '../../http/send-error';
import type { ResolvedSignIn } from '../options';
import { readStepUp, stepUpFields } from '../step-up-request';
import { finishSignIn } from './callback';
import type { HostedParts, HostedRoute } from './context';
import { createTokenVerifier } from './tokens';

/**
 * Answers the request and returns true when it is for a hosted sign-in route (its start at
 * `signIn.path`, its callback at `redirectUri`'s path); else returns false.
 */
export type HostedSignInRoute = (req: Request, res: Response, next: NextFunction) => boolean;

/**
 * Hosted sign-on: `GET signIn.path?returnTo=…` sends the browser to PingOne's own sign-on page
 * (authorization code, PKCE S256, state and nonce, never `pi.flow`); PingOne sends it back to
 * `redirectUri`, where the callback (callback.ts) checks the sign-in was begun by this browser,
 * redeems the code and sets this app's session cookie, which names the PingOne session by its ID.
 */
export function createHostedSignInRoute(
  options: HostedRoute['options'],
  signIn: ResolvedSignIn,
  parts: HostedParts,
): HostedSignInRoute {
  const hosted = signIn.hosted!;
  const route: HostedRoute = {
    ...parts,
    options,
    signIn,
    hosted,
    tokens: createTokenVerifier(parts.send, options),
  };
  const starts = [signIn.path, `${signIn.path}/`];
  return (req, res, next) => {
    const path = `${req.baseUrl}${req.path}`;
    const isStart = req.url.includes(signIn.path) && starts.includes(req.path);
    const isCallback = path === hosted.callbackPath;
    if (!isStart && !isCallback) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('Allow', 'GET, HEAD');
      sendError(res, 405, 'method_not_allowed');
      return true;
    }
    if (isStart) start(route, req, res);
    else finishSignIn(route, req, res).catch(next);
    return true;
  };
}

/** A new sign-in: its transaction in a cookie of this browser, and the browser sent to PingOne. */
function start(route: HostedRoute, req: Request, res: Response): void {
  const { signIn, hosted, cookies, options } = route;
  const returnTo = toSafeReturnTo(req.query.returnTo, signIn.allowedReturnTo) ?? signIn.returnTo;
  const stepUp = readStepUp(req.query);
  const codeVerifier = randomBytes(32).toString('base64url');
  const transaction = {
    state: randomBytes(24).toString('base64url'),
    nonce: randomBytes(24).toString('base64url'),
    codeVerifier,
    returnTo,
    ...(stepUp !== undefined && { stepUp: stepUpFields(stepUp) }),
    at: Date.now(),
  };
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: signIn.clientId,
    redirect_uri: hosted.redirectUri,
    scope: signIn.scope,
    state: transaction.state,
    nonce: transaction.nonce,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  if (stepUp?.maxAge !== undefined) query.set('max_age', String(stepUp.maxAge));
  if (stepUp?.prompt !== undefined) query.set('prompt', stepUp.prompt);
  if (stepUp !== undefined && hosted.stepUpAcrValues !== undefined) {
    query.set('acr_values', hosted.stepUpAcrValues);
  }
  const url = `${options.authPath}/${options.environmentId}/as/authorize?${query}`;
  res.cookie(cookies.transactionName(transaction.state), cookies.sealTransaction(transaction), {
    ...cookies.attributes(),
    maxAge: 10 * 60_000,
  });
  res.set('Cache-Control', 'no-store');
  if (isBrowserNavigation(req)) return res.redirect(302, url);
  // A script's fetch cannot follow a redirect to another origin as a navigation: it is told
  // where to send the browser.
  res.status(200).json({ url });
}
