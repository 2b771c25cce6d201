import { randomUUID } from 'node:crypto';
import type { PingSessionLogger } from '../core/logger';
import type { ResolvedClientOptions } from './options';
import { ConfigError, PingOneError } from '../core/errors';
import { isPingSession, type PingSession } from '../core/session';
import { createAccessTokenProvider, type AccessTokenProvider } from './access-token';
import { beforeDeadline, deadlineFrom } from './deadline';
import {
  badResponseError,
  createUpstream,
  errorFromResponse,
  isJsonResponse,
  parseJson,
  type UpstreamResponse,
} from './http';
import {
  createMisconfigurationReporter,
  isPingOneNotFound,
  apiMisconfiguration,
} from './misconfiguration';
import { MISCONFIGURATION_FIXES } from '../core/misconfiguration';
import { createResilientSend, type ResilientRequest, type ResilientSend } from './resilient-send';

/** The session calls the product makes. Session tokens go in, never out. */
export interface PingOneClient {
  /** The session, or `null` when PingOne has no valid session for this token. */
  readSession(sessionToken: string): Promise<PingSession | null>;
  /** Resets (signs out) the session. Resolves when PingOne has no session for the token any more. */
  resetSession(sessionToken: string): Promise<void>;
  /**
   * `GET sessions/{id}`: the session with this ID, or `null` when PingOne has no valid session by
   * it (hosted sign-on, where the browser holds no `ST` of this app).
   */
  readSessionById(sessionId: string): Promise<PingSession | null>;
  /**
   * Resolves when PingOne answers a made-up token with its documented `404 NOT_FOUND`: the
   * credentials, environment, role and `apiPath` all work. Else rejects with a {@link ConfigError}.
   */
  checkReady(): Promise<void>;
  /** Any other call to PingOne's API with the worker token (renewed once if refused). */
  authorized: AuthorizedSend;
  /**
   * `work`'s outcome; a misconfiguration its failure reveals is told to the logger on the way
   * out (once a minute per cause).
   */
  reported<T>(work: Promise<T>): Promise<T>;
}

/** A call to PingOne's API with the worker token; `timeoutMs` and the deadline are the client's. */
export type AuthorizedSend = (
  request: Pick<
    ResilientRequest,
    'operation' | 'method' | 'url' | 'headers' | 'body' | 'retry' | 'lane'
  >,
) => Promise<UpstreamResponse>;

const READ = 'GET sessions/me';
const READ_BY_ID = 'GET sessions';
const RESET = 'POST sessions/me';
/** A session ID as PingOne makes them (a UUID), checked before it goes into a URL path. */
const SESSION_ID = /^[A-Za-z0-9-]{1,128}$/;
export const LOGOUT_CONTENT_TYPE = 'application/vnd.pingidentity.sso.session.logout';

/**
 * The worker's calls to PingOne's API. Give `send` to share its lanes (bulkheads, breakers, `429`
 * pauses) with the sign-on flow's calls. Kept as one factory: its calls share the access token,
 * the lanes and the misconfiguration reporting, and each call is short.
 */
export function createPingOneClient(
  options: ResolvedClientOptions & { logger: PingSessionLogger },
  send: ResilientSend = createResilientSend(createUpstream(), options, options.logger),
): PingOneClient {
  const tokens = createAccessTokenProvider(options.credentials, {
    authPath: options.authPath,
    environmentId: options.workerEnvironmentId,
    timeoutMs: options.timeoutMs,
    send: (request) => send({ ...request, retry: 'idempotent', lane: 'token' }),
    logger: options.logger,
  });
  const url = `${options.apiPath}/environments/${options.environmentId}/sessions/me`;

  /**
   * One call with the worker token. One deadline covers it end to end: waiting for an access
   * token, for a slot, and every attempt.
   */
  const authorized: AuthorizedSend = (request) => {
    const deadline = deadlineFrom(options);
    const access = (pending: Promise<string>) =>
      beforeDeadline(pending, deadline, request.operation);
    return withAccessToken(tokens, access, (accessToken) =>
      send({
        ...request,
        headers: { ...request.headers, Authorization: `Bearer ${accessToken}` },
        timeoutMs: options.timeoutMs,
        deadline,
      }),
    );
  };

  /**
   * PingOne wants the token as its own `ST` cookie whatever the app calls it locally, and nothing
   * else from the browser: no other cookie or header is forwarded.
   */
  const call = (
    request: Pick<ResilientRequest, 'operation' | 'method' | 'headers' | 'body' | 'retry' | 'lane'>,
    sessionToken: string,
  ) =>
    authorized({ ...request, url, headers: { ...request.headers, Cookie: `ST=${sessionToken}` } });

  const report = createMisconfigurationReporter(options.logger);
  const read = (sessionToken: string) =>
    call(
      {
        operation: READ,
        method: 'GET',
        headers: { Accept: 'application/json' },
        retry: 'idempotent',
        lane: 'read',
      },
      sessionToken,
    );
  /** Misconfigurations are told to the logger (once a minute each) on their way out. */
  const reported = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      report(error);
      throw error;
    }
  };

  return {
    authorized,
    reported,
    readSession: (sessionToken) =>
      reported(
        read(sessionToken).then((response) => sessionOf(response, options.environmentId, READ)),
      ),
    resetSession: (sessionToken) =>
      reported(
        call(
          {
            operation: RESET,
            method: 'POST',
            headers: { 'Content-Type': LOGOUT_CONTENT_TYPE },
            body: '',
            retry: 'unsent',
            lane: 'reset',
          },
          sessionToken,
        ).then((response) => {
          if (response.status === 204 || isPingOneNotFound(response)) return;
          throw errorFromResponse(RESET, response, apiMisconfiguration(response));
        }),
      ),
    readSessionById: (sessionId) => {
      if (!SESSION_ID.test(sessionId)) return Promise.resolve(null);
      return reported(
        authorized({
          operation: READ_BY_ID,
          method: 'GET',
          url: `${url.slice(0, -'/me'.length)}/${sessionId}`,
          headers: { Accept: 'application/json' },
          retry: 'idempotent',
          lane: 'read',
        }).then((response) => sessionOf(response, options.environmentId, READ_BY_ID)),
      );
    },
    checkReady: () => checkReady(read),
  };
}

/** A made-up token's read must draw PingOne's documented `404 NOT_FOUND`. */
async function checkReady(read: (sessionToken: string) => Promise<UpstreamResponse>) {
  // A token no session can have: a random UUID, the only shape PingOne's examples show, so that
  // a validating PingOne does not refuse its form (REAL-TENANT.md M11).
  const probe = randomUUID();
  let response: UpstreamResponse;
  try {
    response = await read(probe);
  } catch (error) {
    throw notReady(error);
  }
  if (isPingOneNotFound(response) || isValidationAnswer(response)) return;
  throw notReady(
    response.status === 200
      ? badResponseError(READ, response)
      : errorFromResponse(READ, response, apiMisconfiguration(response)),
  );
}

/**
 * A session object with no user: what a reset session may still read as, PingOne keeping the
 * session for no one ("the user is then required to be authenticated again"; REAL-TENANT.md M6).
 * Signed out, not PingOne failing.
 */
function isAnonymous(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { id, user } = body as { id?: unknown; user?: { id?: unknown } | null };
  return typeof id === 'string' && (user === undefined || user === null || user.id === undefined);
}

/** PingOne's `400` about the request's content: an answer from PingOne, about the probe. */
function isValidationAnswer(response: UpstreamResponse): boolean {
  if (response.status !== 400) return false;
  const code = (parseJson(response.body) as { code?: unknown } | undefined)?.code;
  return code === 'INVALID_DATA' || code === 'INVALID_REQUEST';
}

/** What a read of a session answered: the session, none, or PingOne failing. */
function sessionOf(
  response: UpstreamResponse,
  environmentId: string,
  operation: string,
): PingSession | null {
  if (response.status === 200) return parseSession(response, environmentId, operation);
  // PingOne's 404 NOT_FOUND: no such session, or it ended. The only input of ours that can make
  // this request bad is the session token (or ID), so a 400 is about the session too.
  if (isPingOneNotFound(response) || response.status === 400) return null;
  throw errorFromResponse(operation, response, apiMisconfiguration(response));
}

/**
 * The {@link ConfigError} of `ready()`: what is wrong, and the fix when it is a set-up error.
 * Without one, it names the option that points at the host that failed: calls under `as/` and
 * `flows` go to `authPath`, the others to `apiPath`.
 */
export function notReady(error: unknown): ConfigError {
  if (!(error instanceof PingOneError)) {
    return new ConfigError(
      'ERR_PINGONE_NOT_READY',
      `The access token could not be had: ${error instanceof Error ? error.name : typeof error}.`,
    );
  }
  const fix = error.misconfiguration && MISCONFIGURATION_FIXES[error.misconfiguration];
  const host = /^[A-Z]+ (as\/|flows\b)/.test(error.operation)
    ? 'authPath (PINGONE_AUTH_PATH)'
    : 'apiPath (PINGONE_API_PATH)';
  return new ConfigError(
    'ERR_PINGONE_NOT_READY',
    fix ?? `PingOne did not answer as expected (${error.message}); try again, or check ${host}.`,
  );
}

/**
 * Sends with the current access token; when PingOne refuses it, renews it and tries once more.
 * `access` bounds each wait for a token (a token function that never settles included).
 */
async function withAccessToken(
  tokens: AccessTokenProvider,
  access: (pending: Promise<string>) => Promise<string>,
  send: (accessToken: string) => Promise<UpstreamResponse>,
): Promise<UpstreamResponse> {
  const accessToken = await access(tokens.get());
  const response = await send(accessToken);
  if (response.status !== 401) return response;
  const renewed = tokens.renew(accessToken);
  return renewed === undefined ? response : send(await access(renewed));
}

/**
 * The session in a `200`, or a bad-response error when it is not one this app may take: not JSON
 * (an HTML page served as `200`), not shaped as a session, about another environment than the
 * one configured, or already past its `expiresAt`. Neither "no session" nor a session: PingOne,
 * or something between, is not answering as PingOne does.
 */
function parseSession(
  response: UpstreamResponse,
  environmentId: string,
  operation: string,
): PingSession | null {
  const body = isJsonResponse(response) ? parseJson(response.body) : undefined;
  if (isAnonymous(body)) return null;
  if (
    !isPingSession(body) ||
    body.environment.id.toLowerCase() !== environmentId ||
    Date.parse(body.expiresAt) <= Date.now()
  ) {
    throw badResponseError(operation, response);
  }
  return body;
}
