import type { Credentials } from '../config/resolve-options';
import { PingOneError, TRANSPORT_ERROR_CODES } from '../errors';
import { basicAuthorization, errorFromResponse, parseJson, type UpstreamSend } from './http';

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
}

/** Start renewing this long (at most 10% of the lifetime) before PingOne's `expires_in` ends. */
const REFRESH_AHEAD_MS = 60_000;
/** Stop handing a token out this long (at most 2% of the lifetime) before it expires. */
const EXPIRY_MARGIN_MS = 5_000;
const OPERATION = 'POST as/token';

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
      const fetchToken = async () => credentials.accessToken();
      return { get: fetchToken, renew: fetchToken };
    }
    case 'client':
      return cached(() => requestClientCredentialsToken(credentials, endpoint));
  }
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
  if (response.status !== 200) throw errorFromResponse(OPERATION, response);

  const body = parseJson(response.body) as { access_token?: unknown; expires_in?: unknown };
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw new PingOneError({
      operation: OPERATION,
      status: response.status,
      code: TRANSPORT_ERROR_CODES.badResponse,
    });
  }
  const lifetimeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 0;
  const expiresAt = startedAt + lifetimeMs;
  return {
    token: body.access_token,
    refreshAt: expiresAt - Math.min(REFRESH_AHEAD_MS, lifetimeMs / 10),
    usableUntil: expiresAt - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 50),
  };
}
