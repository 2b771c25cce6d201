import type { CacheOptions, UnknownTokenBudgetOptions } from '../cache/options';
import type { AccessTokenSource } from '../client/credential-options';
import type { CircuitBreakerOptions, RetryOptions } from '../client/options';
import type { PingOneRegion } from '../client/regions';
import type { PingSessionLogger } from '../core/logger';
import type { LogoutOptions } from '../logout/options';
import type { SignInOptions } from '../signin/options';

/*
 * Every option of pingSession(), as its users read them. Each feature owns the types of its
 * nested options, their defaults and their checks (client/, cache/, logout/, signin/,
 * http/cookie-options); resolve-options.ts composes them.
 */

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
  /**
   * The environment the worker application lives in, when it is not `environmentId` (a worker of
   * the Administrators environment given a role in this one): its token is asked of that
   * environment's token endpoint. Default: `PINGONE_WORKER_ENVIRONMENT_ID`, else `environmentId`.
   */
  workerEnvironmentId?: string;
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
  /**
   * Whether the cookies this middleware sets and clears carry `Secure`. By default it is decided
   * from what cannot be spoofed, never from the request alone (a proxy that sends
   * `Host: 127.0.0.1` over plain http must not take `Secure` off): the scheme of
   * `signIn.redirectUri` when there is one; else always `Secure`, except for a plain-http
   * request to localhost while `NODE_ENV` is `development` or `test`. `false` on an https site
   * is warned of at start-up under `NODE_ENV=production`.
   */
  cookieSecure?: boolean;
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
