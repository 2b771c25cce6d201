/** PingOne's geographic regions; each has its own API and auth host. */
export type PingOneRegion = 'NA' | 'EU' | 'CA' | 'AU' | 'SG' | 'AP';

import type { SessionStore } from './cache/session-store';
import type { PingSession } from './session';

/** A worker access token, or a function that returns a current one. */
export type AccessTokenSource = string | (() => string | Promise<string>);

/** Options of {@link pingSession}. Every option may be left out; see each for its default. */
export interface PingSessionOptions {
  /**
   * The PingOne environment's ID (a UUID).
   * Default: the `PINGONE_ENVIRONMENT_ID` environment variable.
   */
  environmentId?: string;
  /**
   * The region the environment lives in; it picks the API and auth hosts.
   * Default: `PINGONE_REGION`, else `'NA'`.
   */
  region?: PingOneRegion;
  /**
   * Base URL of the PingOne Platform API, `/v1` included, for example the emulator's.
   * Must be `https:` unless it points at this machine (loopback).
   * Default: `PINGONE_API_PATH`, else the region's `https://api.pingone.<tld>/v1`.
   */
  apiPath?: string;
  /**
   * Base URL of the PingOne auth host; the token endpoint is `{authPath}/{environmentId}/as/token`.
   * Default: `PINGONE_AUTH_PATH`, else the region's `https://auth.pingone.<tld>`.
   */
  authPath?: string;
  /**
   * A worker access token, or a function returning one (called again when PingOne refuses the
   * token it gave). Give this or `clientId` + `clientSecret`, not both.
   * Default: `PINGONE_ACCESS_TOKEN`.
   */
  accessToken?: AccessTokenSource;
  /** Client ID of a worker application. Default: `PINGONE_CLIENT_ID`. */
  clientId?: string;
  /** Client secret of the worker application. Default: `PINGONE_CLIENT_SECRET`. */
  clientSecret?: string;
  /**
   * How the worker application authenticates at the token endpoint.
   * Default: `'client_secret_basic'`.
   */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Name of the session token cookie. Default: `'ST'`. */
  cookieName?: string;
  /**
   * Longest session token accepted, in bytes; a longer one is treated as no session and never
   * sent to PingOne. Default: `4096`.
   */
  maxTokenLength?: number;
  /**
   * `Domain` attribute of the session token cookie, used when clearing it so the browser really
   * drops it. Default: none (a host-only cookie).
   */
  cookieDomain?: string;
  /** `Path` attribute of the session token cookie, used when clearing it. Default: `'/'`. */
  cookiePath?: string;
  /** Longest wait for one attempt of a PingOne call, in milliseconds. Default: `5000`. */
  timeoutMs?: number;
  /**
   * Retries of PingOne reads (session reads, token requests) on network errors, timeouts, 408,
   * 429, 500, 502, 503 and 504, with jittered exponential backoff and `Retry-After` honoured.
   * The logout call is retried only when the connection was never made. `false`: no retries.
   * Default: the defaults of {@link RetryOptions}.
   */
  retry?: RetryOptions | false;
  /**
   * One per kind of call (session reads, sign-outs, access tokens, sign-in steps): when more than
   * `failureRate` of at least `minimumCalls` calls over `windowMs` failed, calls of that kind fail
   * at once for `cooldownMs`, then one trial call decides. `false`: no breaker.
   * Default: the defaults of {@link CircuitBreakerOptions}.
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /**
   * Most PingOne calls of one kind (session reads, sign-outs, access tokens, sign-in steps) in
   * flight at once; more wait in a queue. Default: `64`.
   */
  maxConcurrentUpstream?: number;
  /** Most calls of one kind waiting for a slot; beyond that a call fails at once. Default: `256`. */
  maxQueuedUpstream?: number;
  /**
   * Per client (`req.ip`, so Express's `trust proxy` decides; IPv6 by /56), a budget of PingOne
   * reads for session tokens no cache holds: `burst` at once, refilled at `perMinute`. A read that
   * finds a session is given back, so only made-up, ended or signed-out tokens spend it; a browser
   * has one token and never meets it. Once it is spent, that client's uncached tokens count as no
   * session without a PingOne call, and the logger gets `unknown_token_budget_spent`. `false`: no
   * budget. Default: the defaults of {@link UnknownTokenBudgetOptions}.
   */
  unknownTokenBudget?: UnknownTokenBudgetOptions | false;
  /**
   * What to do when PingOne cannot say whether a session is valid (down, timing out, erroring,
   * rate-limiting, misconfigured). `'degrade'`: the request goes on without a session and with
   * `req.pingSessionStatus` `'unavailable'`; public pages work and `requireSession()` answers
   * `503` with `Retry-After`. `'fail-closed'`: every route with a session cookie answers `503`.
   * `'fail-open'`: as if there were no session (`requireSession()` answers `401` or redirects).
   * Default: `'degrade'`.
   */
  onUpstreamError?: 'degrade' | 'fail-closed' | 'fail-open';
  /** The logout route, or `false` for none. Default: `POST /logout`. */
  logout?: LogoutOptions | false;
  /**
   * Sign-in through this backend: a route at `signIn.path` that drives PingOne's sign-on flow API
   * server-side and sets `ST` as this app's own cookie. `false` for none.
   * Default: on when `PINGONE_SIGNIN_CLIENT_ID` is set, else off.
   */
  signIn?: SignInOptions | false;
  /**
   * Reuse of PingOne's answers, so most requests cost no PingOne call; `false` asks PingOne on
   * every request (concurrent requests with one token still share one call).
   * Default: an in-memory cache with the defaults of {@link CacheOptions}.
   */
  cache?: CacheOptions | false;
  /**
   * Where the middleware reports what an operator should know (a session store going down and
   * coming back). Never given a token. `false` for silence. Default: `console`.
   */
  logger?: PingSessionLogger | false;
}

/** Options of {@link PingSessionOptions.retry}. */
export interface RetryOptions {
  /** Most attempts of one call, the first included. Default: `3`. */
  maxAttempts?: number;
  /** First backoff ceiling; it doubles per retry, and each wait is random below it. Default: `100`. */
  baseDelayMs?: number;
  /** Highest backoff ceiling. Default: `2000`. */
  maxDelayMs?: number;
  /**
   * Longest time one lookup or sign-out may take end to end: the wait for a slot, for an access
   * token (your `accessToken` function included), for a `Retry-After`, and every attempt. Past it
   * the call fails with `ERR_PINGONE_TIMEOUT`. With `retry: false` the budget is `timeoutMs`.
   * Default: `10000`.
   */
  budgetMs?: number;
}

/** Options of {@link PingSessionOptions.unknownTokenBudget}. */
export interface UnknownTokenBudgetOptions {
  /** Reads a client may spend at once. Default: `30`. */
  burst?: number;
  /** Reads given back to each client per minute, up to `burst`. Default: `60`. */
  perMinute?: number;
  /** Clients tracked at once; the least recently seen are forgotten first. Default: `10000`. */
  clients?: number;
}

/** Options of {@link PingSessionOptions.circuitBreaker}. */
export interface CircuitBreakerOptions {
  /**
   * Share of failed calls (network errors, timeouts, 408, 5xx; not 429, which pauses calls for
   * its `Retry-After` instead) over `windowMs`, above which the circuit opens: more than 0, less
   * than 1. Default: `0.5`.
   */
  failureRate?: number;
  /** Calls within `windowMs` below which the circuit never opens, whatever failed. Default: `20`. */
  minimumCalls?: number;
  /** The window the failure rate is measured over, in milliseconds. Default: `10000`. */
  windowMs?: number;
  /** How long an open circuit fails calls at once before a trial call. Default: `10000`. */
  cooldownMs?: number;
}

/**
 * Options of the session cache. An entry lives `ttlMs`, never past the session's `expiresAt` nor
 * past `activeAt + idleTimeoutInMinutes`; so a session ended at PingOne by other means than this
 * app's logout is still accepted for at most `ttlMs`.
 */
export interface CacheOptions {
  /** Most entries held in this process's memory (least recently used go first). Default: `10000`. */
  max?: number;
  /** Longest time a session PingOne vouched for is reused without asking again. Default: `30000`. */
  ttlMs?: number;
  /**
   * How long a token PingOne said has no session is remembered, so a flood of bad cookies is not
   * a flood of PingOne calls. `0` turns this off. Default: `5000`.
   */
  negativeTtlMs?: number;
  /**
   * Most tokens with no session held in memory, apart from the sessions (`max`), so that made-up
   * tokens never push a signed-in user's session out. Default: `10000`.
   */
  negativeMax?: number;
  /**
   * A store shared by several app instances, such as `RedisStore` from
   * `express-pingone-session/redis`. This process keeps its own in-memory layer in front of it,
   * which drops an entry as soon as any instance signs its token out. Default: memory only.
   */
  store?: SessionStore;
  /**
   * Secret (at least 32 characters) that keys the hash cache keys are made with, so that
   * instances sharing a store agree on keys. Required with a shared `store`.
   * Default: a random key for this process.
   */
  keySecret?: string;
  /**
   * Longest wait for the shared store, in milliseconds; a slower or failing store is skipped and
   * PingOne asked directly. Default: `100`.
   */
  storeTimeoutMs?: number;
  /**
   * While this instance cannot hear other instances' sign-outs (the shared store's pub/sub is
   * down) and for 5 s after it is back, a session is reused from memory for at most this long, so
   * a logout on another instance meanwhile takes effect here within it. Default: `1000`.
   */
  unheardTtlMs?: number;
  /**
   * When PingOne cannot be asked (down, timing out, circuit open), a session this process holds
   * that PingOne vouched for less than this long ago is served anyway, never past its
   * `expiresAt`. A trade of correctness for availability: a session ended meanwhile is accepted.
   * `0` turns it off. Default: `0`.
   */
  staleIfErrorMs?: number;
}

/**
 * Receives operational messages as `(message, details)`: `console` and winston fit as they are;
 * a pino logger, whose order is `(fields, message)`, is recognised and adapted. `error` is used
 * for misconfigurations (`warn` when absent).
 */
export interface PingSessionLogger {
  /** Misconfigurations; `warn` is used when absent. */
  error?(message: string, details: LogDetails): void;
  warn(message: string, details: LogDetails): void;
  info(message: string, details: LogDetails): void;
}

/** The structured part of a log message. `event` is stable; branch or alert on it. */
export interface LogDetails {
  event:
    | 'session_token_rejected'
    | 'logout_refused'
    | 'signin_refused'
    | 'signin_failed'
    | 'signin_unsupported_step'
    | 'session_store_unavailable'
    | 'session_store_recovered'
    | 'session_store_entry_rejected'
    | 'session_store_unheard'
    | 'session_store_heard'
    | 'pingone_token_lifetime_invalid'
    | 'pingone_misconfigured'
    | 'unknown_token_budget_spent'
    | 'pingone_circuit_open'
    | 'pingone_circuit_half_open'
    | 'pingone_circuit_closed';
  [field: string]: unknown;
}

/** Options of the logout route mounted by {@link pingSession}. */
export interface LogoutOptions {
  /** Path the route answers on (exact, case-sensitive, one trailing slash allowed). Default: `'/logout'`. */
  path?: string;
  /**
   * Where an HTML form post is sent after logout (`303`), unless the request names another safe
   * `returnTo` in its query. A path on this site. Default: `'/'`.
   */
  returnTo?: string;
  /**
   * More cookies to expire on logout, besides the session token cookie (for example the app's
   * own session cookie). They are cleared with `cookieDomain` and `cookiePath`. Default: `[]`.
   */
  clearCookies?: string[];
  /**
   * Other origins (`https://host[:port]`) whose pages may post to the logout route. The app's own
   * origin always may; any other cross-site post is refused with `403`. Default: `[]`.
   */
  allowedOrigins?: string[];
  /**
   * Let a logout through when the request has no `Sec-Fetch-Site`, `Origin` or `Referer` at all
   * (a script or server, not a browser page). Default: `false`.
   */
  allowNoOrigin?: boolean;
  /**
   * Origins besides this site's that a `returnTo` given with the logout request (query
   * `?returnTo=`) may send the browser to, for example another app of yours. Default: `[]`.
   */
  allowedReturnTo?: string[];
  /**
   * End every other session of the user too (each browser and device PingOne lists), before the
   * current one, on every logout. Without it, a request asks for this alone with the field
   * `everywhere=true` (form or JSON body) or the query `?everywhere=true`. Default: `false`.
   */
  everywhere?: boolean;
}

/**
 * Options of the sign-in route mounted by {@link pingSession}: a PingOne OIDC application (not
 * the worker application) whose sign-on policy asks for a password, and maybe a one-time password.
 */
export interface SignInOptions {
  /** Client ID of the OIDC application. Default: `PINGONE_SIGNIN_CLIENT_ID`. */
  clientId?: string;
  /**
   * Its client secret; leave out for an application whose token endpoint authentication method is
   * None (PKCE is always used). Default: `PINGONE_SIGNIN_CLIENT_SECRET`.
   */
  clientSecret?: string;
  /**
   * How the application authenticates when it redeems the authorization code.
   * Default: `'client_secret_basic'` with a `clientSecret`, else `'none'`.
   */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /**
   * A redirect URI registered on the application. PingOne does not redirect in this flow; the URI
   * is sent only because some applications insist on one. Default: none sent.
   */
  redirectUri?: string;
  /** Scopes asked for; must include `openid`. Default: `'openid'`. */
  scope?: string;
  /** Path the route answers on, relative to where `pingSession()` is mounted. Default: `'/signin'`. */
  path?: string;
  /**
   * Where a completed sign-in lands when the request names no safe `returnTo`. A path on this
   * site. Default: `'/'`.
   */
  returnTo?: string;
  /** Other origins whose pages may post to the route; see {@link LogoutOptions.allowedOrigins}. */
  allowedOrigins?: string[];
  /** Let through posts with no `Sec-Fetch-Site`, `Origin` or `Referer`. Default: `false`. */
  allowNoOrigin?: boolean;
  /** Origins besides this site's that a `returnTo` may send the browser to. Default: `[]`. */
  allowedReturnTo?: string[];
}

/** Options of {@link requireSession}. */
export interface RequireSessionOptions {
  /**
   * Where browser navigations without a session are sent (`302`), with the URL they asked for as
   * the `returnTo` query parameter. A path on this site or an absolute `http(s):` URL. Without it,
   * every request without a session gets `401` JSON.
   */
  loginUrl?: string;
  /**
   * Step-up by freshness: the last sign-on (`lastSignOn.at`; with `authenticators`, each of
   * theirs) at most this many seconds ago. Default: any age.
   */
  maxAuthAgeSeconds?: number;
  /**
   * Step-up by strength: the last sign-on used every one of these authenticators
   * (`lastSignOn.authenticators`: PingOne names such as `pwd`, `otp`, `mfa`, `fido2`; any string
   * is taken). Default: any.
   */
  authenticators?: string[];
  /** Any other condition on the session; `false` asks for a new sign-on like the others. */
  check?: (session: PingSession) => boolean;
}

/** Every default, in one place. */
export const DEFAULTS = {
  region: 'NA',
  tokenEndpointAuthMethod: 'client_secret_basic',
  cookieName: 'ST',
  maxTokenLength: 4096,
  cookiePath: '/',
  timeoutMs: 5000,
  onUpstreamError: 'degrade',
  signIn: {
    scope: 'openid',
    path: '/signin',
    returnTo: '/',
    allowNoOrigin: false,
  },
  logout: {
    path: '/logout',
    returnTo: '/',
    clearCookies: [] as string[],
    everywhere: false,
    allowedOrigins: [] as string[],
    allowNoOrigin: false,
    allowedReturnTo: [] as string[],
  },
  retry: {
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 2_000,
    budgetMs: 10_000,
  },
  circuitBreaker: {
    failureRate: 0.5,
    minimumCalls: 20,
    windowMs: 10_000,
    cooldownMs: 10_000,
  },
  maxConcurrentUpstream: 64,
  maxQueuedUpstream: 256,
  unknownTokenBudget: {
    burst: 30,
    perMinute: 60,
    clients: 10_000,
  },
  cache: {
    max: 10_000,
    ttlMs: 30_000,
    negativeTtlMs: 5_000,
    negativeMax: 10_000,
    storeTimeoutMs: 100,
    unheardTtlMs: 1000,
    staleIfErrorMs: 0,
  },
} as const;

/** The environment variables {@link pingSession} reads for options it was not given. */
export const ENVIRONMENT_VARIABLES = {
  environmentId: 'PINGONE_ENVIRONMENT_ID',
  region: 'PINGONE_REGION',
  apiPath: 'PINGONE_API_PATH',
  authPath: 'PINGONE_AUTH_PATH',
  accessToken: 'PINGONE_ACCESS_TOKEN',
  clientId: 'PINGONE_CLIENT_ID',
  clientSecret: 'PINGONE_CLIENT_SECRET',
  signInClientId: 'PINGONE_SIGNIN_CLIENT_ID',
  signInClientSecret: 'PINGONE_SIGNIN_CLIENT_SECRET',
} as const;
