import { createHash, randomBytes } from 'node:crypto';
import { CookieJar } from 'tough-cookie';
import type { SessionCache } from '../../cache/session-cache';
import { parseJson } from '../../client/http';
import { flowCookie, type FlowAction, type SignOnClient } from '../../client/sign-on-client';
import type { PingSessionLogger } from '../../core/logger';
import { toSafeReturnTo } from '../../http/return-to';
import { tokenRejection } from '../../http/session-token';
import { idTokenClaims } from '../id-token';
import { readStepUp, stepUpFields, type StepUpRequest } from '../step-up-request';
import type { Refused, SignInLimits } from './attempt-limits';
import type { FlowRecord, FlowRecords } from './flow-records';
import { oneAtATime } from './one-at-a-time';
import type { Outcome } from './outcomes';
import { errorInFlow, refusal } from './outcomes';
import { authorizationCode, failure, isDaVinciAnswer, readFlow } from './pingone-answers';
import type { SignInStep } from './sign-in-state';

/*
 * The redirectless sign-on flow as a state machine, driven from this server: each post moves a
 * flow at PingOne one step on and says where it stands. No HTTP here; the route reads the request
 * and writes the answer.
 */

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
/** The flow statuses a person can be taken through; any other is a step this route lacks. */
export const STEPS = new Set<string>(Object.values(ACTIONS).flatMap((action) => action.statuses));

export interface FlowParts {
  signOn: SignOnClient;
  sessions: SessionCache;
  flows: FlowRecords;
  /** The ID token's expected issuer, `{authPath}/{environmentId}/as`. */
  issuer: string;
  clientId: string;
  maxTokenLength: number;
  /** Where a sign-in lands when the post names no safe `returnTo`, and what else it may name. */
  returnTo: string;
  allowedReturnTo: ReadonlySet<string>;
  /** Told of a step PingOne asks for that this route cannot take. */
  unsupported: (status: string) => void;
  logger: PingSessionLogger;
  /** Bounds on starts and guesses per address and username; none with `signIn.limits: false`. */
  limits: SignInLimits | undefined;
}

/** One post: its fields, the browser's flow handle (if any) and what is passed on to PingOne. */
export interface Post {
  fields: Record<string, string>;
  handle: string | undefined;
  /** The client's address as limits count it (`req.ip`, IPv6 by /56). */
  client: string;
  userAgent: string | undefined;
  /** The browser's session token, read only when a step-up asks for it. */
  browserToken: () => string | undefined;
}

export interface Advanced {
  outcome: Outcome;
  /** The flow's handle when it goes on: the browser keeps it in its flow cookie. */
  handle?: string;
}

/** The state machine's one entry: a post, taken against the browser's flow at PingOne. */
export function createSignInFlow(parts: FlowParts): { advance(post: Post): Promise<Advanced> } {
  const serialized = oneAtATime();
  return { advance: (post) => serialized(post.handle, () => advance(parts, post)) };
}

/**
 * A new flow at PingOne, with the browser's own session token when it still has a live session,
 * so that PingOne asks again in that session rather than starting a second one beside it: the
 * same user keeps it (and a step-up records the new sign-on in it), another user ends it
 * (REAL-TENANT.md M15; PingOne keeps at most 10 sessions a user, purging the oldest). With a live
 * session, an ordinary sign-in asks with `prompt=login`, so that PingOne asks for credentials
 * rather than completing as the session's user whoever is typing.
 */
async function start(
  { signOn, ...parts }: FlowParts,
  post: Post,
  stepUp: StepUpRequest | undefined,
): Promise<FlowRecord> {
  const codeVerifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const jar = new CookieJar();
  const reauthenticating = await liveBrowserToken(parts.sessions, post);
  if (reauthenticating !== undefined) {
    await jar.setCookie(`ST=${reauthenticating}`, signOn.sessionCookieUrl);
  }
  const prompt = stepUp?.prompt ?? (reauthenticating !== undefined ? 'login' : undefined);
  const response = await signOn.authorize(
    {
      state,
      nonce,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      ...(stepUp?.maxAge !== undefined && { maxAge: stepUp.maxAge }),
      ...(prompt !== undefined && { prompt }),
    },
    jar,
    post.userAgent,
  );
  if (response.status !== 200 || isDaVinciAnswer(response)) {
    throw failure('authorize_refused', response);
  }
  const flow = readFlow(response);
  return {
    ...flow,
    codeVerifier,
    state,
    nonce,
    returnTo: toSafeReturnTo(post.fields.returnTo, parts.allowedReturnTo) ?? parts.returnTo,
    ...(stepUp !== undefined && { stepUp: stepUpFields(stepUp) }),
    ...(reauthenticating !== undefined && { reauthenticating }),
    cookies: await jar.serialize(),
  };
}

/** The browser's session token, when it names a session PingOne still has. */
async function liveBrowserToken(sessions: SessionCache, post: Post): Promise<string | undefined> {
  const token = post.browserToken();
  if (token === undefined) return undefined;
  try {
    return (await sessions.lookup(token)) === null ? undefined : token;
  } catch {
    // PingOne could not say: sign in afresh rather than fail the sign-in for it.
    return undefined;
  }
}

/** The rest of a completed flow: resume, redeem the code, read the session. */
async function complete(
  { signOn, sessions, ...parts }: FlowParts,
  record: FlowRecord,
  jar: CookieJar,
  userAgent: string | undefined,
): Promise<Outcome> {
  const inline = record.completedWith;
  if (inline?.state !== undefined && inline.state !== record.state) throw failure('state_mismatch');
  const code =
    inline?.code ??
    authorizationCode(await signOn.resume(record.flowId, jar, userAgent), record.state);
  const tokens = await signOn.redeem(code, record.codeVerifier, jar);
  if (tokens.status !== 200) throw failure('code_refused', tokens);
  const body = parseJson(tokens.body) as { id_token?: unknown } | undefined;
  const claims = idTokenClaims(body?.id_token, {
    issuer: parts.issuer,
    clientId: parts.clientId,
    nonce: record.nonce,
    now: Date.now(),
  });
  if (claims === undefined) throw failure('id_token_mismatch');

  const cookie = await flowCookie(jar, signOn.sessionCookieUrl, 'ST');
  const token = cookie?.value ?? '';
  if (tokenRejection(token, parts.maxTokenLength) !== undefined) {
    throw failure('no_session_token');
  }
  // Signed on again: what is kept of the browser's session (same token or not) is out of date.
  const seeded = record.reauthenticating;
  if (seeded !== undefined) await sessions.refresh(seeded);
  const session = await sessions.lookup(token);
  if (session === null) throw failure('session_not_found');
  // The session must be the one the ID token names: by its ID when the token says (`sub` may be
  // mapped to another attribute than the user ID), else by its user (REAL-TENANT.md M8).
  const same =
    claims.sid !== undefined ? session.id === claims.sid : session.user.id === claims.sub;
  if (!same) throw failure('session_user_mismatch');
  // PingOne kept the session and its token: the browser's cookie stays as it was.
  if (token === seeded) return { kind: 'completed', returnTo: record.returnTo };
  // Persistent only when PingOne's was: a browser session cookie stays one.
  const expiry = cookie!.expiryTime();
  const expires = expiry !== undefined && Number.isFinite(expiry) ? new Date(expiry) : undefined;
  return { kind: 'completed', returnTo: record.returnTo, session: { token, expires } };
}

/** Posts that are guesses: a password or code PingOne judges. */
const GUESSES = new Set<string>(['usernamePassword', 'otp', 'passwordReset']);
/** Outcomes that judged a guess wrong: only those keep counting. */
const WRONG_GUESSES = new Set<string>(['invalid_credentials', 'invalid_otp', 'locked']);

/** One post: what it asks for, against the flow the browser has (if any). */
async function advance(parts: FlowParts, post: Post): Promise<Advanced> {
  const { fields } = post;
  const action = actionOf(fields);
  if (action === 'incomplete') {
    return { outcome: { kind: 'error', httpStatus: 400, error: 'invalid_request' } };
  }
  const record = post.handle === undefined ? undefined : await parts.flows.load(post.handle);
  const stepUp = readStepUp(fields);
  const restart =
    action === 'start' ||
    (action === 'usernamePassword' &&
      (!ACTIONS.usernamePassword.statuses.includes(record?.status as SignInStep) ||
        // A step-up must not finish an ordinary flow begun earlier in this browser.
        (stepUp !== undefined && record?.stepUp === undefined)));
  const username = action === 'usernamePassword' ? fields.username : record?.username;
  const counted = { restart, guess: GUESSES.has(action), username };
  return limited(parts, post, record, counted, () =>
    step(parts, post, action, restart ? undefined : record, stepUp),
  );
}

/**
 * The post within `signIn.limits`: a start or a guess over its limit is answered `429` with no
 * PingOne call. Counted before the step, so posts sent at once count too; a guess PingOne did not
 * judge wrong is given back, and so is the start of a flow that completed.
 */
async function limited(
  { limits }: FlowParts,
  post: Post,
  record: FlowRecord | undefined,
  counted: { restart: boolean; guess: boolean; username: string | undefined },
  take: () => Promise<Advanced>,
): Promise<Advanced> {
  if (limits === undefined) return take();
  const { client } = post;
  const tooMany = ({ retryAfterMs }: Refused): Advanced => ({
    outcome: {
      kind: 'error',
      httpStatus: 429,
      error: 'too_many_attempts',
      retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
    },
    // The flow under way, if any, stays: the person may go on once the wait is over.
    handle: record === undefined ? undefined : post.handle,
  });
  const refusedStart = counted.restart ? await limits.takeStart(client) : undefined;
  if (refusedStart) return tooMany(refusedStart);
  const refusedGuess = counted.guess ? await limits.takeGuess(client, counted.username) : undefined;
  if (refusedGuess) {
    if (counted.restart) await limits.giveBackStart(client);
    return tooMany(refusedGuess);
  }
  let outcome: Outcome | undefined;
  try {
    const advanced = await take();
    outcome = advanced.outcome;
    return advanced;
  } finally {
    const judgedWrong = outcome?.kind === 'error' && WRONG_GUESSES.has(outcome.error);
    if (counted.guess && !judgedWrong) await limits.giveBackGuess(client, counted.username);
    if (outcome?.kind === 'completed') await limits.giveBackStart(client);
  }
}

/** The step itself: a new flow (no `record`) or the next step of the browser's. */
async function step(
  parts: FlowParts,
  post: Post,
  action: FlowAction | 'start',
  /** The browser's flow to go on with; `undefined` starts a new one, or finds none to go on with. */
  kept: FlowRecord | undefined,
  stepUp: StepUpRequest | undefined,
): Promise<Advanced> {
  const { signOn, flows } = parts;
  const { fields } = post;
  let { handle } = post;
  let record = kept;
  /** Whether the browser has not been given this handle yet, so its record is not kept yet. */
  let fresh = false;
  // A post that can begin a flow begins one when there is none to go on with.
  if (record === undefined && (action === 'start' || action === 'usernamePassword')) {
    if (handle !== undefined) await flows.delete(handle);
    record = await start(parts, post, stepUp);
    handle = flows.newHandle();
    fresh = true;
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
      post.userAgent,
    );
    record.cookies = await jar.serialize();
    if (response.status === 404) {
      await flows.delete(handle);
      return { outcome: { kind: 'error', httpStatus: 410, error: 'flow_expired' } };
    }
    const refused =
      response.status === 200
        ? errorInFlow(action, response)
        : refusal(action, response, parts.logger);
    if (refused !== undefined) {
      // A refused step leaves the flow where it was; PingOne may have set cookies meanwhile.
      await (fresh ? flows.add(handle, record) : flows.save(handle, record));
      return { outcome: refused, handle };
    }
    Object.assign(record, readFlow(response));
    if (action === 'usernamePassword' && !fresh) {
      // PingOne now knows who is signing in: a handle planted before (a sibling subdomain can set
      // cookies) must not follow, as a session ID is renewed at login.
      await flows.delete(handle);
      handle = flows.newHandle();
      fresh = true;
    }
  }
  if (record.status === 'COMPLETED') {
    await flows.delete(handle);
    return { outcome: await complete(parts, record, jar, post.userAgent) };
  }
  if (!STEPS.has(record.status)) {
    await flows.delete(handle);
    parts.unsupported(record.status);
    const status = record.status;
    return { outcome: { kind: 'error', httpStatus: 501, error: 'unsupported_step', status } };
  }
  await (fresh ? flows.add(handle, record) : flows.save(handle, record));
  return { outcome: { kind: 'step', record }, handle };
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
