import { CookieJar, type Cookie } from 'tough-cookie';
import type { ResolvedClientOptions } from './options';
import { basicAuthorization, type UpstreamResponse } from './http';
import type { ResilientRequest, ResilientSend } from './resilient-send';

/** The media types that name each action of PingOne's flow API (`POST /flows/{flowID}`). */
export const FLOW_ACTIONS = {
  usernamePassword: 'application/vnd.pingidentity.usernamePassword.check+json',
  otp: 'application/vnd.pingidentity.otp.check+json',
  deviceSelect: 'application/vnd.pingidentity.device.select+json',
  passwordReset: 'application/vnd.pingidentity.password.reset+json',
} as const;

export type FlowAction = keyof typeof FLOW_ACTIONS;

/** The OIDC application people sign in with (signIn's resolved options). */
export interface SignOnApplication {
  clientId: string;
  /** Secret: never log or serialize it. */
  clientSecret: string | undefined;
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  redirectUri: string | undefined;
  scope: string;
}

export interface AuthorizeRequest {
  state: string;
  nonce: string;
  codeChallenge: string;
  /** Seconds since the last sign-on past which PingOne asks again (OIDC `max_age`). */
  maxAge?: number;
  /** `login`: PingOne asks for the credentials again whatever the session's age. */
  prompt?: 'login';
}

/**
 * PingOne's redirectless sign-on calls, made from the server as a browser would make them: each
 * sends the cookies PingOne set earlier in the flow (from `jar`) and keeps the ones it sets. The
 * browser's `User-Agent`, when given, is passed on so the session PingOne creates describes the
 * person's browser rather than this server. Answers come back as they are; the caller reads them.
 */
export interface SignOnClient {
  authorize(
    request: AuthorizeRequest,
    jar: CookieJar,
    userAgent?: string,
  ): Promise<UpstreamResponse>;
  /**
   * The authorize a browser is sent to in hosted mode (no `pi.flow`), sent from this server only
   * by `ready()` to see whether PingOne takes the client and its redirect URI; never followed.
   */
  authorizeRedirect(request: AuthorizeRequest): Promise<UpstreamResponse>;
  act(
    flowId: string,
    action: FlowAction,
    body: object,
    jar: CookieJar,
    userAgent?: string,
  ): Promise<UpstreamResponse>;
  resume(flowId: string, jar: CookieJar, userAgent?: string): Promise<UpstreamResponse>;
  redeem(code: string, codeVerifier: string, jar: CookieJar): Promise<UpstreamResponse>;
  /** Where PingOne's `ST` cookie lives in the jar: the environment's path on the auth host. */
  readonly sessionCookieUrl: string;
}

/**
 * The sign-in application's calls to PingOne's auth host. One factory: the calls share the cookie
 * replay, the client authentication and the Accept PingOne needs, and each call is short.
 */
export function createSignOnClient(
  options: Pick<ResolvedClientOptions, 'authPath' | 'environmentId' | 'timeoutMs'>,
  signIn: SignOnApplication,
  send: ResilientSend,
): SignOnClient {
  const base = `${options.authPath}/${options.environmentId}`;

  const call = (request: AuthHostRequest, jar: CookieJar, userAgent: string | undefined) =>
    callAuthHost(send, options.timeoutMs, request, jar, userAgent);

  return {
    sessionCookieUrl: `${base}/`,
    authorize(request, jar, userAgent) {
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: signIn.clientId,
        scope: signIn.scope,
        response_mode: 'pi.flow',
        state: request.state,
        nonce: request.nonce,
        code_challenge: request.codeChallenge,
        code_challenge_method: 'S256',
      });
      if (signIn.redirectUri !== undefined) query.set('redirect_uri', signIn.redirectUri);
      if (request.maxAge !== undefined) query.set('max_age', String(request.maxAge));
      if (request.prompt !== undefined) query.set('prompt', request.prompt);
      return call(
        {
          operation: 'GET as/authorize',
          method: 'GET',
          url: `${base}/as/authorize?${query}`,
          retry: 'idempotent',
        },
        jar,
        userAgent,
      );
    },
    authorizeRedirect(request) {
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: signIn.clientId,
        scope: signIn.scope,
        redirect_uri: signIn.redirectUri ?? '',
        state: request.state,
        nonce: request.nonce,
        code_challenge: request.codeChallenge,
        code_challenge_method: 'S256',
      });
      return call(
        {
          operation: 'GET as/authorize',
          method: 'GET',
          url: `${base}/as/authorize?${query}`,
          retry: 'idempotent',
        },
        new CookieJar(),
        undefined,
      );
    },
    act(flowId, action, body, jar, userAgent) {
      return call(
        {
          operation: `POST flows (${action})`,
          method: 'POST',
          url: `${base}/flows/${encodeURIComponent(flowId)}`,
          headers: { 'Content-Type': FLOW_ACTIONS[action] },
          body: JSON.stringify(body),
          retry: 'unsent',
        },
        jar,
        userAgent,
      );
    },
    resume(flowId, jar, userAgent) {
      return call(
        {
          operation: 'GET as/resume',
          method: 'GET',
          url: `${base}/as/resume?${new URLSearchParams({ flowId })}`,
          retry: 'unsent',
        },
        jar,
        userAgent,
      );
    },
    redeem(code, codeVerifier, jar) {
      const { headers, body } = codeRedemption(signIn, code, codeVerifier);
      return call(
        {
          operation: 'POST as/token (authorization_code)',
          method: 'POST',
          url: `${base}/as/token`,
          headers,
          body,
          retry: 'unsent',
        },
        jar,
        undefined,
      );
    },
  };
}

type AuthHostRequest = Omit<ResilientRequest, 'timeoutMs' | 'headers' | 'lane'> & {
  headers?: Record<string, string>;
};

/**
 * What auth-host calls accept: JSON, and PingOne's own `application/vnd.pingidentity.*+json`
 * answers; `application/json` alone is reported to draw `406` on the flow API (REAL-TENANT.md M2).
 */
export const AUTH_HOST_ACCEPT =
  'application/json, application/hal+json, application/*+json;q=0.9, */*;q=0.1';

/**
 * One call to the auth host as a browser makes it, but more forgiving: every cookie PingOne set
 * in this flow goes back on every later call whatever its `Path` (one set at authorize with
 * `Path=/{envID}/as` may be required by `/flows`), and a cookie set again under another path
 * replaces the earlier one, so that each name is sent once, with its latest value
 * (REAL-TENANT.md M7).
 */
async function callAuthHost(
  send: ResilientSend,
  timeoutMs: number,
  request: AuthHostRequest,
  jar: CookieJar,
  userAgent: string | undefined,
): Promise<UpstreamResponse> {
  const headers: Record<string, string> = { Accept: AUTH_HOST_ACCEPT, ...request.headers };
  const cookies = await jar.getCookies(request.url, { allPaths: true });
  if (cookies.length > 0) headers.Cookie = cookies.map((c) => c.cookieString()).join('; ');
  if (userAgent !== undefined) headers['User-Agent'] = userAgent;
  const response = await send({ ...request, headers, timeoutMs, lane: 'signin' });
  const setCookies = response.headers['set-cookie'];
  for (const cookie of Array.isArray(setCookies) ? setCookies : []) {
    // A cookie the jar refuses (another domain, a malformed one) is dropped, as a browser would.
    const kept = await jar.setCookie(cookie, request.url, { ignoreError: true });
    if (kept !== undefined) await dropOtherPaths(jar, request.url, kept);
  }
  return response;
}

/** Every other cookie of `kept`'s name on this host, under another path: the latest wins. */
async function dropOtherPaths(jar: CookieJar, url: string, kept: Cookie): Promise<void> {
  for (const other of await jar.getCookies(url, { allPaths: true })) {
    if (other.key === kept.key && other.path !== kept.path && other.domain === kept.domain) {
      await jar.store.removeCookie(other.domain, other.path, other.key);
    }
  }
}

/** A cookie PingOne set in this flow, under whatever path: `ST` at a flow's end. */
export async function flowCookie(
  jar: CookieJar,
  url: string,
  name: string,
): Promise<Cookie | undefined> {
  return (await jar.getCookies(url, { allPaths: true })).find((cookie) => cookie.key === name);
}

/**
 * The token request that redeems an authorization code (with its PKCE verifier), the client
 * authenticated as the application is set up to: Basic, in the form, or not at all (`none`).
 */
export function codeRedemption(
  signIn: SignOnApplication,
  code: string,
  codeVerifier: string,
): { headers: Record<string, string>; body: string } {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    code_verifier: codeVerifier,
  });
  if (signIn.redirectUri !== undefined) form.set('redirect_uri', signIn.redirectUri);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
  };
  if (signIn.authMethod === 'client_secret_basic') {
    headers.Authorization = basicAuthorization(signIn.clientId, signIn.clientSecret ?? '');
  } else {
    form.set('client_id', signIn.clientId);
    if (signIn.authMethod === 'client_secret_post') {
      form.set('client_secret', signIn.clientSecret ?? '');
    }
  }
  return { headers, body: form.toString() };
}
