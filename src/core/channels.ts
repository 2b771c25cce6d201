import { channel } from 'node:diagnostics_channel';
import type { Lane } from './lanes';

/**
 * The `node:diagnostics_channel` channels the middleware publishes on. Tracing, logging and
 * metrics tools subscribe to them by name, without the library depending on any of them; a
 * channel nobody listens to costs one property read. No message ever holds a token, a secret, a
 * password or a cookie value.
 */
export const CHANNELS = {
  /** {@link LookupMessage}: each session lookup of a request with a token. */
  lookup: 'express-pingone-session:lookup',
  /** {@link PingOneCallStartMessage}: each attempt of a call to PingOne, as it is sent. */
  pingOneCallStart: 'express-pingone-session:pingone-call-start',
  /** {@link PingOneCallMessage}: each attempt of a call to PingOne, when it ends. */
  pingOneCall: 'express-pingone-session:pingone-call',
  /** {@link BreakerMessage}: a circuit breaker changed state. */
  breaker: 'express-pingone-session:breaker',
  /** {@link TokenRefreshMessage}: a worker access token was requested. */
  tokenRefresh: 'express-pingone-session:token-refresh',
  /** {@link LogoutMessage}: the logout route signed a browser out. */
  logout: 'express-pingone-session:logout',
  /** {@link StoreErrorMessage}: a call to the shared session store failed or timed out. */
  storeError: 'express-pingone-session:store-error',
  /** {@link MisconfigurationMessage}: PingOne answered that this server is set up wrong. */
  misconfiguration: 'express-pingone-session:misconfiguration',
  /** {@link ReadBudgetMessage}: a PingOne session read asked `cache.pingOneReadsPerSecond`. */
  readBudget: 'express-pingone-session:read-budget',
} as const;

export interface LookupMessage {
  /**
   * `hit`: this process held the answer; `coalesced`: joined a lookup under way; `miss`: asked
   * the shared store or PingOne; `stale`: PingOne failed and a recent session was served
   * (`staleIfErrorMs`); `deferred`: the read budget (`pingOneReadsPerSecond`) was spent and a
   * session PingOne vouched for within `maxStaleMs` was served; `error`: PingOne could not say.
   */
  outcome: 'hit' | 'coalesced' | 'miss' | 'stale' | 'deferred' | 'error';
  /** Whether the lookup found a session. */
  session: boolean;
  /** Milliseconds from the start of the lookup to its answer; `0` for a hit. */
  durationMs: number;
  /** For `stale` and `deferred`: milliseconds since PingOne gave the answer served. */
  ageMs?: number;
}

export interface ReadBudgetMessage {
  /**
   * `needed`: nothing servable was held (a first read, or one past `maxStaleMs`); `renewal`: a
   * session PingOne vouched for within `maxStaleMs` was held and could be served instead.
   */
  priority: 'needed' | 'renewal';
  /** Whether the read went ahead. A renewal refused serves the held session (`deferred`). */
  granted: boolean;
  /** Milliseconds the read waited for the budget (needed reads wait up to a second). */
  waitedMs: number;
}

export interface PingOneCallStartMessage {
  operation: string;
  lane: Lane;
  attempt: number;
}

export interface PingOneCallMessage {
  /** For example `GET sessions/me`. */
  operation: string;
  lane: Lane;
  /** 1 for the first attempt. */
  attempt: number;
  /** PingOne's HTTP status; absent when no answer came. */
  status?: number;
  /** The transport error code when no answer came (`ERR_PINGONE_TIMEOUT`...). */
  error?: string;
  durationMs: number;
}

export interface BreakerMessage {
  lane: Lane;
  host: string;
  state: 'open' | 'half-open' | 'closed';
}

export interface TokenRefreshMessage {
  ok: boolean;
  durationMs: number;
}

export interface LogoutMessage {
  /** `reset`: PingOne ended the session; `failed`: PingOne's reset failed; `no-token`: none sent. */
  outcome: 'reset' | 'failed' | 'no-token';
}

export interface StoreErrorMessage {
  operation: 'get' | 'set' | 'delete';
  /** The error's name and code, never its message. */
  error: string;
}

export interface MisconfigurationMessage {
  /** `credentials`, `environment`, `worker_role`, `api_path` or `access_token`. */
  cause: string;
  operation: string;
  status: number | undefined;
}

export const lookupChannel = channel(CHANNELS.lookup);
export const pingOneCallStartChannel = channel(CHANNELS.pingOneCallStart);
export const misconfigurationChannel = channel(CHANNELS.misconfiguration);
export const pingOneCallChannel = channel(CHANNELS.pingOneCall);
export const breakerChannel = channel(CHANNELS.breaker);
export const tokenRefreshChannel = channel(CHANNELS.tokenRefresh);
export const logoutChannel = channel(CHANNELS.logout);
export const storeErrorChannel = channel(CHANNELS.storeError);
export const readBudgetChannel = channel(CHANNELS.readBudget);
