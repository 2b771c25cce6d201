import type { NextFunction, Request, Response } from 'express';
import type { SessionCache } from '../../cache/session-cache';
import type { ResolvedClientOptions } from '../../client/options';
import type { SignOnClient } from '../../client/sign-on-client';
import { SIGN_IN_ERROR_CODES, type SignInErrorCode } from '../../core/error-responses';
import type { PingSessionLogger } from '../../core/logger';
import type { ResolvedCookieOptions } from '../../http/cookie-options';
import { isSecureCookie, sessionCookieAttributes } from '../../http/cookie-attributes';
import { isBrowserNavigation } from '../../http/navigation';
import { readFields, type BodyProblem } from '../../http/read-fields';
import { answerForeignOrigin } from '../../http/request-origin';
import { toSafeReturnTo } from '../../http/return-to';
import { refuseBody, sendError } from '../../http/send-error';
import { cookieValue } from '../../http/session-token';
import type { ResolvedSignIn } from '../options';
import { readStepUp, stepUpFields } from '../step-up-request';
import { clientOf } from '../../http/client-address';
import type { SignInLimits } from './attempt-limits';
import { FLOW_TTL_MS, type FlowRecord, type FlowRecords } from './flow-records';
import { createSignInFlow, STEPS, type Advanced } from './flow';
import { outcomeOfError, type Outcome } from './outcomes';
import type { PingSignInState, SignInStep } from './sign-in-state';

export interface SignInParts {
  signOn: SignOnClient;
  sessions: SessionCache;
  flows: FlowRecords;
  /** Bounds on starts and guesses; none with `signIn.limits: false`. */
  limits: SignInLimits | undefined;
  /** The browser's session token, sent to PingOne's authorize for a step-up only. */
  readToken: (req: Request) => string | undefined;
}

/**
 * Answers the request and returns true when it is for the sign-in route; else returns false. A
 * `GET` there sets `req.pingSignIn`, then goes on with `proceed` (the session read, then the app).
 */
export type SignInRoute = (
  req: Request,
  res: Response,
  next: NextFunction,
  proceed: () => void,
) => boolean;

/** The browser's handle on its flow in progress: random, meaningless without this server's store. */
export const FLOW_COOKIE = 'pingone_flow';
/** Usernames, passwords and codes: a few hundred bytes at most. */
const BODY_LIMIT_BYTES = 8 * 1024;
/** A `User-Agent` passed on to PingOne: printable ASCII, of a sane length. */
const USER_AGENT = /^[\x20-\x7e]{1,512}$/;

type RouteOptions = ResolvedCookieOptions &
  Pick<ResolvedClientOptions, 'authPath' | 'environmentId'> & { logger: PingSessionLogger };

/** What every request to the route works with. */
interface Route extends Omit<SignInParts, 'signOn' | 'sessions' | 'limits'> {
  options: RouteOptions;
  signIn: ResolvedSignIn;
  flow: ReturnType<typeof createSignInFlow>;
}

/**
 * `signIn.path` over PingOne's redirectless sign-on flow (flow.ts), driven from this server, so
 * that PingOne's `ST` ends up as this app's own first-party cookie.
 * `GET` sets `req.pingSignIn` for the app's own page there and passes on. `POST` takes the fields
 * of the step at hand (none: start; `username` + `password`; `otp`; `deviceId`;
 * `currentPassword` + `newPassword`) and answers JSON, or `303` for HTML form posts.
 */
export function createSignInRoute(
  options: RouteOptions,
  signIn: ResolvedSignIn,
  { signOn, sessions, flows, limits, readToken }: SignInParts,
): SignInRoute {
  const paths = [signIn.path, `${signIn.path}/`];
  const route: Route = {
    options,
    signIn,
    flows,
    readToken,
    flow: createSignInFlow({
      signOn,
      sessions,
      flows,
      issuer: `${options.authPath}/${options.environmentId}/as`,
      clientId: signIn.clientId,
      maxTokenLength: options.maxTokenLength,
      returnTo: signIn.returnTo,
      allowedReturnTo: signIn.allowedReturnTo,
      logger: options.logger,
      limits,
      unsupported: (status) =>
        options.logger.warn(
          'Sign-in stopped: PingOne asked for a step this route does not support; use PingOne ' +
            'hosted pages for it, or change the sign-on policy.',
          { event: 'signin_unsupported_step', status },
        ),
    }),
  };

  return (req, res, next, proceed) => {
    if (!req.url.includes(signIn.path) || !paths.includes(req.path)) return false;
    if (req.method === 'GET' || req.method === 'HEAD') {
      get(route, req, proceed).catch(next);
      return true;
    }
    if (req.method !== 'POST') {
      res.set('Allow', 'GET, HEAD, POST');
      sendError(res, 405, 'method_not_allowed');
      return true;
    }
    post(route, req, res).catch(next);
    return true;
  };
}

async function post(route: Route, req: Request, res: Response): Promise<void> {
  const { options, signIn, flow, flows, readToken } = route;
  // Login CSRF: a page on another site must not sign the browser in as someone else.
  const refused = { event: 'signin_refused', name: 'Sign-in' } as const;
  if (answerForeignOrigin(req, res, signIn, options.logger, refused)) return;
  const fields = await readFields(req, BODY_LIMIT_BYTES);
  if ('problem' in fields) return refuseBody(res, fields.problem as BodyProblem);
  const sentHandle = cookieValue(req, FLOW_COOKIE);
  const userAgent = req.get('user-agent');
  let result: Advanced;
  try {
    result = await flow.advance({
      fields,
      handle: sentHandle,
      client: clientOf(req.ip),
      userAgent: userAgent !== undefined && USER_AGENT.test(userAgent) ? userAgent : undefined,
      browserToken: () => readToken(req),
    });
  } catch (error) {
    const outcome = outcomeOfError(error, options.logger);
    // PingOne or the store away: the person may try the same step again. Anything else ends
    // the flow.
    const retryable = outcome.kind === 'error' && outcome.error === 'pingone_unavailable';
    if (!retryable && sentHandle !== undefined) await flows.delete(sentHandle).catch(() => {});
    result = { outcome, handle: retryable ? sentHandle : undefined };
  }
  const { outcome, handle } = result;
  if (outcome.kind === 'completed' && outcome.session !== undefined) {
    res.cookie(options.cookieName, outcome.session.token, {
      ...sessionCookieAttributes(req, options),
      // The value is already cookie-safe and must reach PingOne byte for byte later.
      encode: String,
      ...(outcome.session.expires !== undefined && { expires: outcome.session.expires }),
    });
  }
  const flowPath = `${req.baseUrl}${signIn.path}`;
  // Set and cleared with the same attributes, so that a browser matches the two.
  const flowCookie = {
    httpOnly: true,
    sameSite: 'strict',
    secure: isSecureCookie(req, options.secureCookies),
    path: flowPath,
  } as const;
  if (handle !== undefined && outcome.kind !== 'completed') {
    res.cookie(FLOW_COOKIE, handle, { ...flowCookie, maxAge: FLOW_TTL_MS });
  } else if (sentHandle !== undefined) {
    res.clearCookie(FLOW_COOKIE, flowCookie);
  }
  respond(route, req, res, outcome, fields, flowPath);
}

function respond(
  route: Route,
  req: Request,
  res: Response,
  outcome: Outcome,
  fields: Record<string, string>,
  flowPath: string,
): void {
  res.set('Cache-Control', 'no-store');
  if (isBrowserNavigation(req)) return redirectBack(route.signIn, res, outcome, fields, flowPath);
  if (outcome.kind === 'completed') {
    res.status(200).json({ status: 'COMPLETED', returnTo: outcome.returnTo });
    return;
  }
  if (outcome.kind === 'step') {
    const { status, devices, username } = outcome.record;
    res.status(200).json({ status, devices, username });
    return;
  }
  const { httpStatus, error, status, retryAfterSeconds } = outcome;
  if (retryAfterSeconds !== undefined) res.set('Retry-After', String(retryAfterSeconds));
  sendError(res, httpStatus, error, {
    ...(status !== undefined && { status }),
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
  });
}

/** A form post's answer: `303` to where it lands, or back to the page with what went wrong. */
function redirectBack(
  signIn: ResolvedSignIn,
  res: Response,
  outcome: Outcome,
  fields: Record<string, string>,
  flowPath: string,
): void {
  if (outcome.kind === 'completed') return res.redirect(303, outcome.returnTo);
  const query = new URLSearchParams();
  const returnTo =
    outcome.kind === 'step'
      ? outcome.record.returnTo
      : toSafeReturnTo(fields.returnTo, signIn.allowedReturnTo);
  if (returnTo !== undefined) query.set('returnTo', returnTo);
  const stepUp = outcome.kind === 'step' ? outcome.record.stepUp : stepUpFields(readStepUp(fields));
  for (const [name, value] of Object.entries(stepUp ?? {})) query.set(name, value);
  if (outcome.kind === 'error') {
    query.set('error', outcome.error);
    if (outcome.retryAfterSeconds !== undefined) {
      query.set('retryAfterSeconds', String(outcome.retryAfterSeconds));
    }
  }
  res.redirect(303, `${flowPath}?${query}`);
}

async function get({ signIn, flows }: Route, req: Request, proceed: () => void): Promise<void> {
  const handle = cookieValue(req, FLOW_COOKIE);
  let record: FlowRecord | undefined;
  try {
    record = handle === undefined ? undefined : await flows.load(handle);
  } catch {
    record = undefined;
  }
  const error = req.query.error;
  const seconds = req.query.retryAfterSeconds;
  // A step-up flow under way keeps asking for one, whatever the page's query lost.
  const stepUp = readStepUp(req.query) ?? (record?.stepUp && readStepUp(record.stepUp));
  const returnTo =
    toSafeReturnTo(req.query.returnTo, signIn.allowedReturnTo) ??
    record?.returnTo ??
    signIn.returnTo;
  const state: PingSignInState = {
    action: `${req.baseUrl}${signIn.path}`,
    status:
      record !== undefined && STEPS.has(record.status) ? (record.status as SignInStep) : undefined,
    devices: record?.devices,
    username: record?.username,
    error:
      typeof error === 'string' && SIGN_IN_ERROR_CODES.has(error)
        ? (error as SignInErrorCode)
        : undefined,
    retryAfterSeconds:
      typeof seconds === 'string' && /^\d{1,9}$/.test(seconds) ? Number(seconds) : undefined,
    returnTo,
    reauthenticate: stepUp && {
      maxAgeSeconds: stepUp.maxAge,
      authenticators: stepUp.authenticators,
    },
    hiddenFields: { returnTo, ...stepUpFields(stepUp) },
  };
  req.pingSignIn = state;
  proceed();
}
