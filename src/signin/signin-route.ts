import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { CookieJar } from 'tough-cookie';
import type { SessionCache } from '../cache/session-cache';
import { parseJson, type UpstreamResponse } from '../client/http';
import { MISCONFIGURATION_FIXES } from '../core/misconfiguration';
import type { FlowAction, SignOnClient } from '../client/sign-on-client';
import type { ResolvedClientOptions } from '../client/options';
import type { PingSessionLogger } from '../core/logger';
import type { ResolvedCookieOptions } from '../http/cookie-options';
import type { ResolvedSignIn } from './options';
import { misconfigurationChannel, type MisconfigurationMessage } from '../core/channels';
import { PingOneError } from '../core/errors';
import { isSecureContext, sessionCookieAttributes } from '../http/cookie-attributes';
import { isBrowserNavigation } from '../http/navigation';
import { readFields, type BodyProblem } from '../http/read-fields';
import { answerForeignOrigin } from '../http/request-origin';
import { toSafeReturnTo } from '../http/return-to';
import { refuseBody, sendError } from '../http/send-error';
import { cookieValue, tokenRejection } from '../http/session-token';
import { FLOW_TTL_MS, type FlowRecord, type FlowRecords } from './flow-records';
import { idTokenSubject } from './id-token';
import {
  authorizationCode,
  failure,
  pingOneAnswer,
  readFlow,
  signInMisconfiguration,
  SignInFailure,
} from './pingone-answers';
import { readStepUp, stepUpFields, type StepUpRequest } from './step-up-request';
import { SIGN_IN_ERROR_CODES, type SignInErrorCode } from '../core/error-responses';
import type { PingSignInState, SignInStep } from './sign-in-state';

export interface SignInParts {
  signOn: SignOnClient;
  sessions: SessionCache;
  flows: FlowRecords;
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

/** Each action: the fields a post gives for it, the body PingOne wants, and when it applies. */
const ACTIONS: Record<
  FlowAction,
  { fields: string[]; statuses: SignInStep[]; body: (f: Record<string, string>) => object }
> = {
  passwordReset: {
    fields: ['currentPassword', 'newPassword'],
    statuses: ['PASSWORD_EXPIRED', 'MUST_CHANGE_PASSWORD'],
    body: (f) => ({ currentPassword: f.currentPassword, newPassword: f.newPassword }),
  },
  otp: { fields: ['otp'], statuses: ['OTP_REQUIRED'], body: (f) => ({ otp: f.otp }) },
  deviceSelect: {
    fields: ['deviceId'],
    statuses: ['DEVICE_SELECTION_REQUIRED'],
    body: (f) => ({ device: { id: f.deviceId } }),
  },
  usernamePassword: {
    fields: ['username', 'password'],
    statuses: ['USERNAME_PASSWORD_REQUIRED', 'PASSWORD_REQUIRED'],
    body: (f) => ({ username: f.username, password: f.password }),
  },
};
const STEP_FIELDS = new Set(Object.values(ACTIONS).flatMap((action) => action.fields));
const STEPS = new Set<string>(Object.values(ACTIONS).flatMap((action) => action.statuses));

/** What a post comes to: the next step, a signed-in browser, or an error. */
type Outcome =
  | { kind: 'step'; record: FlowRecord }
  | { kind: 'completed'; returnTo: string }
  | {
      kind: 'error';
      httpStatus: number;
      error: SignInErrorCode;
      status?: string;
      retryAfterSeconds?: number;
    };

/**
 * `signIn.path`: a small state machine over PingOne's redirectless sign-on flow, driven from this
 * server, so that PingOne's `ST` ends up as this app's own first-party cookie.
 * `GET` sets `req.pingSignIn` for the app's own page there and passes on. `POST` takes the fields
 * of the step at hand (none: start; `username` + `password`; `otp`; `deviceId`;
 * `currentPassword` + `newPassword`) and answers JSON, or `303` for HTML form posts.
 */
export function createSignInRoute(
  options: ResolvedCookieOptions &
    Pick<ResolvedClientOptions, 'authPath' | 'environmentId'> & { logger: PingSessionLogger },
  signIn: ResolvedSignIn,
  { signOn, sessions, flows, readToken }: SignInParts,
): SignInRoute {
  const paths = [signIn.path, `${signIn.path}/`];
  const issuer = `${options.authPath}/${options.environmentId}/as`;

  /**
   * A new flow at PingOne. For a step-up, with `max_age` / `prompt` and the browser's own session
   * token, so that PingOne asks the same session's user again and records the new sign-on in it,
   * rather than starting a second session beside it.
   */
  async function start(
    req: Request,
    returnTo: string,
    userAgent: string | undefined,
    stepUp: StepUpRequest | undefined,
  ): Promise<FlowRecord> {
    const codeVerifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const jar = new CookieJar();
    const reauthenticating = stepUp && readToken(req);
    if (reauthenticating !== undefined) {
      await jar.setCookie(`ST=${reauthenticating}`, signOn.sessionCookieUrl);
    }
    const response = await signOn.authorize(
      {
        state,
        nonce,
        codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
        ...(stepUp?.maxAge !== undefined && { maxAge: stepUp.maxAge }),
        ...(stepUp?.prompt !== undefined && { prompt: stepUp.prompt }),
      },
      jar,
      userAgent,
    );
    if (response.status !== 200) throw failure('authorize_refused', response);
    const flow = readFlow(response);
    return {
      ...flow,
      codeVerifier,
      state,
      nonce,
      returnTo,
      ...(stepUp !== undefined && { stepUp: stepUpFields(stepUp) }),
      ...(reauthenticating !== undefined && { reauthenticating }),
      cookies: await jar.serialize(),
    };
  }

  /** The rest of a completed flow: resume, redeem the code, read the session, set `ST`. */
  async function complete(
    req: Request,
    res: Response,
    record: FlowRecord,
    jar: CookieJar,
    userAgent: string | undefined,
  ): Promise<Outcome> {
    const resumed = await signOn.resume(record.flowId, jar, userAgent);
    const code = authorizationCode(resumed, record.state);
    const tokens = await signOn.redeem(code, record.codeVerifier, jar);
    if (tokens.status !== 200) throw failure('code_refused', tokens);
    const body = parseJson(tokens.body) as { id_token?: unknown } | undefined;
    const userId = idTokenSubject(body?.id_token, {
      issuer,
      clientId: signIn.clientId,
      nonce: record.nonce,
      now: Date.now(),
    });
    if (userId === undefined) throw failure('id_token_mismatch');

    const cookie = (await jar.getCookies(signOn.sessionCookieUrl)).find((c) => c.key === 'ST');
    const token = cookie?.value ?? '';
    if (tokenRejection(token, options.maxTokenLength) !== undefined) {
      throw failure('no_session_token');
    }
    // Signed on again: what is kept of the browser's session (same token or not) is out of date.
    const seeded = record.reauthenticating;
    if (seeded !== undefined) await sessions.refresh(seeded);
    const session = await sessions.lookup(token);
    if (session === null) throw failure('session_not_found');
    if (session.user.id !== userId) throw failure('session_user_mismatch');
    // PingOne kept the session and its token: the browser's cookie stays as it was.
    if (token === seeded) return { kind: 'completed', returnTo: record.returnTo };

    const expiry = cookie!.expiryTime();
    res.cookie(options.cookieName, token, {
      ...sessionCookieAttributes(req, options),
      // The value is already cookie-safe and must reach PingOne byte for byte later.
      encode: String,
      // Persistent only when PingOne's was: a browser session cookie stays one.
      ...(expiry !== undefined && Number.isFinite(expiry) && { expires: new Date(expiry) }),
    });
    return { kind: 'completed', returnTo: record.returnTo };
  }

  /** One post: what it asks for, against the flow the browser has (if any). */
  async function advance(
    req: Request,
    res: Response,
    fields: Record<string, string>,
    handle: string | undefined,
  ): Promise<{ outcome: Outcome; handle?: string }> {
    const userAgent = USER_AGENT.test(req.get('user-agent') ?? '')
      ? req.get('user-agent')
      : undefined;
    const action = actionOf(fields);
    if (action === 'incomplete') {
      return { outcome: { kind: 'error', httpStatus: 400, error: 'invalid_request' } };
    }
    let record = handle === undefined ? undefined : await flows.load(handle);
    const stepUp = readStepUp(fields);
    const restart =
      action === 'start' ||
      (action === 'usernamePassword' &&
        (!ACTIONS.usernamePassword.statuses.includes(record?.status as SignInStep) ||
          // A step-up must not finish an ordinary flow begun earlier in this browser.
          (stepUp !== undefined && record?.stepUp === undefined)));
    if (restart) {
      if (handle !== undefined) await flows.delete(handle);
      const returnTo = toSafeReturnTo(fields.returnTo, signIn.allowedReturnTo) ?? signIn.returnTo;
      record = await start(req, returnTo, userAgent, stepUp);
      handle = flows.newHandle();
    }
    if (record === undefined || handle === undefined) {
      return { outcome: { kind: 'error', httpStatus: 410, error: 'flow_expired' } };
    }
    const jar = await CookieJar.deserialize(record.cookies);
    if (action !== 'start') {
      if (!ACTIONS[action].statuses.includes(record.status as SignInStep)) {
        const status = record.status;
        return { outcome: { kind: 'error', httpStatus: 409, error: 'wrong_step', status }, handle };
      }
      const response = await signOn.act(
        record.flowId,
        action,
        ACTIONS[action].body(fields),
        jar,
        userAgent,
      );
      record.cookies = await jar.serialize();
      if (response.status === 404) {
        await flows.delete(handle);
        return { outcome: { kind: 'error', httpStatus: 410, error: 'flow_expired' } };
      }
      if (response.status !== 200) {
        const outcome = refusal(action, response);
        // A refused step leaves the flow where it was; PingOne may have set cookies meanwhile.
        await flows.save(handle, record);
        return { outcome, handle };
      }
      Object.assign(record, readFlow(response));
    }
    if (record.status === 'COMPLETED') {
      await flows.delete(handle);
      return { outcome: await complete(req, res, record, jar, userAgent) };
    }
    if (!STEPS.has(record.status)) {
      await flows.delete(handle);
      options.logger.warn(
        'Sign-in stopped: PingOne asked for a step this route does not support; use PingOne ' +
          'hosted pages for it, or change the sign-on policy.',
        { event: 'signin_unsupported_step', status: record.status },
      );
      const status = record.status;
      return {
        outcome: { kind: 'error', httpStatus: 501, error: 'unsupported_step', status },
      };
    }
    await flows.save(handle, record);
    return { outcome: { kind: 'step', record }, handle };
  }

  async function post(req: Request, res: Response): Promise<void> {
    // Login CSRF: a page on another site must not sign the browser in as someone else.
    const route = { event: 'signin_refused', name: 'Sign-in' } as const;
    if (answerForeignOrigin(req, res, signIn, options.logger, route)) return;
    const fields = await readFields(req, BODY_LIMIT_BYTES);
    if ('problem' in fields) return refuseBody(res, fields.problem as BodyProblem);
    const sentHandle = cookieValue(req, FLOW_COOKIE);
    let result: Awaited<ReturnType<typeof advance>>;
    try {
      result = await advance(req, res, fields, sentHandle);
    } catch (error) {
      const outcome = outcomeOfError(error);
      // PingOne or the store away: the person may try the same step again. Anything else ends
      // the flow.
      const retryable = outcome.kind === 'error' && outcome.error === 'pingone_unavailable';
      if (!retryable && sentHandle !== undefined) await flows.delete(sentHandle).catch(() => {});
      result = { outcome, handle: retryable ? sentHandle : undefined };
    }
    const { outcome, handle } = result;
    const flowPath = `${req.baseUrl}${signIn.path}`;
    // Set and cleared with the same attributes, so that a browser matches the two.
    const flowCookie = {
      httpOnly: true,
      sameSite: 'strict',
      secure: isSecureContext(req),
      path: flowPath,
    } as const;
    if (handle !== undefined && outcome.kind !== 'completed') {
      res.cookie(FLOW_COOKIE, handle, { ...flowCookie, maxAge: FLOW_TTL_MS });
    } else if (sentHandle !== undefined) {
      res.clearCookie(FLOW_COOKIE, flowCookie);
    }
    respond(req, res, outcome, fields, flowPath);
  }

  function outcomeOfError(error: unknown): Outcome {
    if (error instanceof SignInFailure) {
      const response = error.response;
      if (response !== undefined && (response.status === 429 || response.status >= 500)) {
        return { kind: 'error', httpStatus: 503, error: 'pingone_unavailable' };
      }
      const pingOne = response && pingOneAnswer(response);
      const call = { authorize_refused: 'authorize', code_refused: 'redeem' } as const;
      const step = call[error.reason as keyof typeof call];
      const cause = step && response && signInMisconfiguration(step, response);
      const details = {
        event: 'signin_failed',
        reason: error.reason,
        ...(cause !== undefined && { cause }),
        ...(response && { status: response.status }),
        ...(pingOne?.code !== undefined && { code: pingOne.code }),
        ...(pingOne?.id !== undefined && { id: pingOne.id }),
      } as const;
      if (cause === undefined) {
        options.logger.warn(
          'Sign-in failed: PingOne answered what this route cannot use.',
          details,
        );
      } else {
        misconfigurationChannel.publish({
          cause,
          operation: step === 'authorize' ? 'GET as/authorize' : 'POST as/token',
          status: response?.status,
        } satisfies MisconfigurationMessage);
        const log = options.logger.error ?? options.logger.warn;
        log.call(options.logger, `Sign-in failed: ${MISCONFIGURATION_FIXES[cause]}`, details);
      }
      return { kind: 'error', httpStatus: 502, error: 'signin_failed' };
    }
    if (error instanceof PingOneError) {
      return { kind: 'error', httpStatus: 503, error: 'pingone_unavailable' };
    }
    // The flow store failed (timed out, or down): nothing was lost but this attempt.
    options.logger.warn('Sign-in failed: the store of sign-in flows did not answer.', {
      event: 'signin_failed',
      reason: 'flow_store_unavailable',
    });
    return { kind: 'error', httpStatus: 503, error: 'pingone_unavailable' };
  }

  /** What a refused action means for the person, from PingOne's status and detail codes. */
  function refusal(action: FlowAction, response: UpstreamResponse): Outcome {
    if (response.status === 429 || response.status >= 500) {
      return { kind: 'error', httpStatus: 503, error: 'pingone_unavailable' };
    }
    const details = pingOneAnswer(response)?.details ?? [];
    const codes = new Set(details.map((detail) => detail.code));
    if (codes.has('PASSWORD_LOCKED_OUT')) {
      const seconds = details.find((d) => d.code === 'PASSWORD_LOCKED_OUT')?.innerError
        ?.secondsUntilUnlock;
      return {
        kind: 'error',
        httpStatus: 423,
        error: 'locked',
        ...(typeof seconds === 'number' && { retryAfterSeconds: Math.ceil(seconds) }),
      };
    }
    if (codes.has('INVALID_CREDENTIALS')) {
      return { kind: 'error', httpStatus: 401, error: 'invalid_credentials' };
    }
    if (response.status === 400 && action === 'otp') {
      return { kind: 'error', httpStatus: 401, error: 'invalid_otp' };
    }
    if (response.status === 400 && action === 'passwordReset') {
      return { kind: 'error', httpStatus: 400, error: 'password_rejected' };
    }
    throw failure(`${action}_refused`, response);
  }

  function respond(
    req: Request,
    res: Response,
    outcome: Outcome,
    fields: Record<string, string>,
    flowPath: string,
  ): void {
    res.set('Cache-Control', 'no-store');
    if (isBrowserNavigation(req)) {
      if (outcome.kind === 'completed') return res.redirect(303, outcome.returnTo);
      const query = new URLSearchParams();
      const returnTo =
        outcome.kind === 'step'
          ? outcome.record.returnTo
          : toSafeReturnTo(fields.returnTo, signIn.allowedReturnTo);
      if (returnTo !== undefined) query.set('returnTo', returnTo);
      const stepUp =
        outcome.kind === 'step' ? outcome.record.stepUp : stepUpFields(readStepUp(fields));
      for (const [name, value] of Object.entries(stepUp ?? {})) query.set(name, value);
      if (outcome.kind === 'error') {
        query.set('error', outcome.error);
        if (outcome.retryAfterSeconds !== undefined) {
          query.set('retryAfterSeconds', String(outcome.retryAfterSeconds));
        }
      }
      return res.redirect(303, `${flowPath}?${query}`);
    }
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

  async function get(req: Request, proceed: () => void): Promise<void> {
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
        record !== undefined && STEPS.has(record.status)
          ? (record.status as SignInStep)
          : undefined,
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

  return (req, res, next, proceed) => {
    if (!req.url.includes(signIn.path) || !paths.includes(req.path)) return false;
    if (req.method === 'GET' || req.method === 'HEAD') {
      get(req, proceed).catch(next);
      return true;
    }
    if (req.method !== 'POST') {
      res.set('Allow', 'GET, HEAD, POST');
      sendError(res, 405, 'method_not_allowed');
      return true;
    }
    post(req, res).catch(next);
    return true;
  };
}

/** Which action a post's fields ask for; `start` for none, `incomplete` for half an action. */
function actionOf(fields: Record<string, string>): FlowAction | 'start' | 'incomplete' {
  for (const [name, action] of Object.entries(ACTIONS) as [
    FlowAction,
    (typeof ACTIONS)[FlowAction],
  ][]) {
    if (action.fields.every((field) => field in fields)) return name;
  }
  return Object.keys(fields).some((name) => STEP_FIELDS.has(name)) ? 'incomplete' : 'start';
}
