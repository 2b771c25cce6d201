import type { Credentials } from './credential-options';
import { tokenRefreshChannel, type TokenRefreshMessage } from '../core/channels';
import { PingOneError, TRANSPORT_ERROR_CODES } from '../core/errors';
import type { PingSessionLogger } from '../core/logger';
import { basicAuthorization, errorFromResponse, parseJson, type UpstreamSend } from './http';
import { tokenEndpointMisconfiguration } from './misconfiguration';

/** Gives the current worker access token, and a fresh one when PingOne refused it. */
export interface AccessTokenProvider {
  get(): Promise<string>;
  /**
   * Drops `refused` and gets a new token, or returns `undefined` when the token cannot change
   * (a static string), so the refused call is not retried.
   */
  renew(refused: string): Promise<string> | undefined;
}

export interface TokenEndpoint {
  authPath: string;
  environmentId: string;
  timeoutMs: number;
  send: UpstreamSend;
  logger: PingSessionLogger;
}

/** Start renewing this long (at most 10% of the lifetime) before PingOne's `expires_in` ends. */
const REFRESH_AHEAD_MS = 60_000;
/** Stop handing a token out this long (at most 2% of the lifetime) before it expires. */
const EXPIRY_MARGIN_MS = 5_000;
const OPERATION = 'POST as/token';
/** PingOne documents one hour; a token answered without a usable lifetime is taken to have that. */
const DOCUMENTED_LIFETIME_S = 3600;
/** Longer lifetimes are not taken at their word: the token is renewed after a day anyway. */
const MAX_LIFETIME_S = 86_400;

export function createAccessTokenProvider(
  credentials: Credentials,
  endpoint: TokenEndpoint,
): AccessTokenProvider {
  switch (credentials.kind) {
    case 'static': {
      const token = Promise.resolve(credentials.accessToken);
      return { get: () => token, renew: () => undefined };
    }
    case 'function': {
      // Called for every PingOne call: the function owns its caching, and may rotate tokens.
      const fetchToken = async () => usableToken(await credentials.accessToken());
      return { get: fetchToken, renew: fetchToken };
    }
    case 'client':
      return cached(() => published(requestClientCredentialsToken(credentials, endpoint)));
  }
}

/** Visible ASCII only: what a bearer token is, and nothing that could break the header. */
const HEADER_SAFE_TOKEN = /^[\x21-\x7e]{1,8192}$/;

/**
 * The token your function gave, when it can go into `Authorization: Bearer`. Anything else
 * (`undefined` from a forgotten `return`, an empty string, a line break) is a set-up error, told
 * as one, and never sent: the token's value is not in the error.
 */
function usableToken(token: unknown): string {
  if (typeof token === 'string' && HEADER_SAFE_TOKEN.test(token)) return token;
  throw new PingOneError({
    operation: 'accessToken()',
    code: 'ERR_PINGONE_ACCESS_TOKEN',
    misconfiguration: 'access_token_function',
  });
}

/** Tells `tokenRefresh` subscribers how a token request went. */
function published<T>(request: Promise<T>): Promise<T> {
  if (!tokenRefreshChannel.hasSubscribers) return request;
  const started = performance.now();
  const publish = (ok: boolean) =>
    tokenRefreshChannel.publish({
      ok,
      durationMs: performance.now() - started,
    } satisfies TokenRefreshMessage);
  request.then(
    () => publish(true),
    () => publish(false),
  );
  return request;
}

interface IssuedToken {
  token: string;
  /** From here on a new token is fetched in the background while this one is still handed out. */
  refreshAt: number;
  /** From here on callers wait for a new token: this one might expire on its way to PingOne. */
  usableUntil: number;
}

/**
 * Keeps one token, renews it ahead of expiry in the background (callers keep the current one
 * meanwhile), and shares one request for a new token among every caller that needs it at once.
 */
function cached(issue: () => Promise<IssuedToken>): AccessTokenProvider {
  let current: IssuedToken | undefined;
  let pending: Promise<string> | undefined;

  const refresh = (): Promise<string> => {
    pending ??= issue().then(
      (issued) => {
        current = issued;
        pending = undefined;
        return issued.token;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };

  return {
    get() {
      const now = Date.now();
      if (current === undefined || now >= current.usableUntil) return refresh();
      // A failed background refresh is tried again by a later call; the current token still works.
      if (now >= current.refreshAt) refresh().catch(() => undefined);
      return Promise.resolve(current.token);
    },
    renew(refused) {
      if (current?.token === refused) current = undefined;
      return current === undefined ? refresh() : Promise.resolve(current.token);
    },
  };
}

async function requestClientCredentialsToken(
  credentials: Extract<Credentials, { kind: 'client' }>,
  endpoint: TokenEndpoint,
): Promise<IssuedToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  if (credentials.authMethod === 'client_secret_post') {
    form.set('client_id', credentials.clientId);
    form.set('client_secret', credentials.clientSecret);
  } else {
    headers.Authorization = basicAuthorization(credentials.clientId, credentials.clientSecret);
  }

  const startedAt = Date.now();
  const response = await endpoint.send({
    operation: OPERATION,
    method: 'POST',
    url: `${endpoint.authPath}/${endpoint.environmentId}/as/token`,
    headers,
    body: form.toString(),
    timeoutMs: endpoint.timeoutMs,
  });
  if (response.status !== 200) {
    throw errorFromResponse(OPERATION, response, tokenEndpointMisconfiguration(response.status));
  }

  const body = parseJson(response.body) as { access_token?: unknown; expires_in?: unknown };
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw new PingOneError({
      operation: OPERATION,
      status: response.status,
      code: TRANSPORT_ERROR_CODES.badResponse,
    });
  }
  const lifetimeMs = lifetimeSeconds(body.expires_in, endpoint.logger) * 1000;
  const expiresAt = startedAt + lifetimeMs;
  return {
    token: body.access_token,
    refreshAt: expiresAt - Math.min(REFRESH_AHEAD_MS, lifetimeMs / 10),
    usableUntil: expiresAt - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 50),
  };
}

/**
 * `expires_in` as a number of seconds from 1 to a day. Anything else (`0`, a negative number, a
 * string) would make every token single-use, one token request per PingOne call: it is taken as
 * PingOne's documented hour instead, with a warning.
 */
function lifetimeSeconds(expiresIn: unknown, logger: PingSessionLogger): number {
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn >= 1) {
    return Math.min(expiresIn, MAX_LIFETIME_S);
  }
  logger.warn('The token endpoint answered no usable expires_in; assuming one hour.', {
    event: 'pingone_token_lifetime_invalid',
    expiresIn: typeof expiresIn === 'number' ? expiresIn : typeof expiresIn,
  });
  return DOCUMENTED_LIFETIME_S;
}
