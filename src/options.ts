/** PingOne's geographic regions; each has its own API and auth host. */
export type PingOneRegion = 'NA' | 'EU' | 'CA' | 'AU' | 'SG' | 'AP';

import type { SessionStore } from './cache/session-store';

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
   * `Domain` attribute of the session token cookie, used when clearing it so the browser really
   * drops it. Default: none (a host-only cookie).
   */
  cookieDomain?: string;
  /** `Path` attribute of the session token cookie, used when clearing it. Default: `'/'`. */
  cookiePath?: string;
  /** Longest wait for one PingOne call, in milliseconds. Default: `5000`. */
  timeoutMs?: number;
  /**
   * What to do when PingOne cannot say whether a session is valid (down, timing out, erroring).
   * `'fail-closed'` answers `503` with a JSON error; `'fail-open'` goes on with no session.
   * Default: `'fail-closed'`.
   */
  onUpstreamError?: 'fail-closed' | 'fail-open';
  /** The logout route, or `false` for none. Default: `POST /logout`. */
  logout?: LogoutOptions | false;
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
}

/**
 * Receives operational messages. `console` fits; for pino and similar loggers, whose argument
 * order differs, wrap: `{ warn: (msg, details) => log.warn(details, msg), info: ... }`.
 */
export interface PingSessionLogger {
  warn(message: string, details: LogDetails): void;
  info(message: string, details: LogDetails): void;
}

/** The structured part of a log message. `event` is stable; branch or alert on it. */
export interface LogDetails {
  event: 'session_store_unavailable' | 'session_store_recovered';
  [field: string]: unknown;
}

/** Options of the logout route mounted by {@link pingSession}. */
export interface LogoutOptions {
  /** Path the route answers on (exact, case-sensitive, one trailing slash allowed). Default: `'/logout'`. */
  path?: string;
  /**
   * Where an HTML form post is sent after logout (`303`). A path on this site.
   * Default: `'/'`.
   */
  returnTo?: string;
  /**
   * More cookies to expire on logout, besides the session token cookie (for example the app's
   * own session cookie). They are cleared with `cookieDomain` and `cookiePath`. Default: `[]`.
   */
  clearCookies?: string[];
}

/** Options of {@link requireSession}. */
export interface RequireSessionOptions {
  /**
   * Where browser navigations without a session are sent (`302`), with the URL they asked for as
   * the `returnTo` query parameter. A path on this site or an absolute `http(s):` URL. Without it,
   * every request without a session gets `401` JSON.
   */
  loginUrl?: string;
}

/** Every default, in one place. */
export const DEFAULTS = {
  region: 'NA',
  tokenEndpointAuthMethod: 'client_secret_basic',
  cookieName: 'ST',
  cookiePath: '/',
  timeoutMs: 5000,
  onUpstreamError: 'fail-closed',
  logout: {
    path: '/logout',
    returnTo: '/',
    clearCookies: [] as string[],
  },
  cache: {
    max: 10_000,
    ttlMs: 30_000,
    negativeTtlMs: 5_000,
    storeTimeoutMs: 100,
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
} as const;
