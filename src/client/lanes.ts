import {
  CircuitBreakerPolicy,
  SamplingBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
  type BulkheadPolicy,
} from 'cockatiel';
import { breakerChannel, type BreakerMessage } from '../core/channels';
import { PingOneError, TRANSPORT_ERROR_CODES } from '../core/errors';
import type { Lane } from '../core/lanes';
import type { PingSessionLogger } from '../core/logger';
import type { UpstreamResponse } from './http';
import { isPingOneNotFound, tokenEndpointMisconfiguration } from './misconfiguration';
import type { ResolvedClientOptions } from './options';
import { retryAfterMs } from './retry-after';

type LaneOptions = Pick<
  ResolvedClientOptions,
  'circuitBreaker' | 'maxConcurrentUpstream' | 'maxQueuedUpstream'
>;

/** Answers PingOne's retry guidance calls transient (408, 429 and the 5xx of a busy service). */
export const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
export const TRANSIENT_ERRORS = new Set<string>([
  TRANSPORT_ERROR_CODES.timeout,
  TRANSPORT_ERROR_CODES.network,
  TRANSPORT_ERROR_CODES.connect,
]);
/** A `429` without a readable `Retry-After` pauses its lane this long. */
const DEFAULT_PAUSE_MS = 1000;
/** Longest pause taken from a `Retry-After`: a proxy's mistaken hour must not stop the app for one. */
const MAX_PAUSE_MS = 60_000;

export interface LaneState {
  slots: BulkheadPolicy;
  breaker: CircuitBreakerPolicy | undefined;
  /** Until then PingOne asked this kind of call to wait (`429` with `Retry-After`). */
  pausedUntil: number;
}

/**
 * The lanes of one client: per kind of call and PingOne host, a bulkhead, a breaker and a `429`
 * pause, made on first use.
 */
export function createLanes(
  options: LaneOptions,
  logger: PingSessionLogger,
): (lane: Lane, url: string) => LaneState {
  const lanes = new Map<string, LaneState>();
  return function laneFor(lane: Lane, url: string): LaneState {
    const host = new URL(url).origin;
    const name = `${lane} ${host}`;
    let state = lanes.get(name);
    if (!state) {
      state = {
        slots: bulkhead(options.maxConcurrentUpstream, options.maxQueuedUpstream),
        breaker: createBreaker(options, logger, lane, host),
        pausedUntil: 0,
      };
      lanes.set(name, state);
    }
    return state;
  };
}

function createBreaker(
  options: LaneOptions,
  logger: PingSessionLogger,
  lane: Lane,
  host: string,
): CircuitBreakerPolicy | undefined {
  const settings = options.circuitBreaker;
  if (!settings) return undefined;
  const failed = (result: unknown) => isFailedResponse(lane, result as UpstreamResponse);
  const breaker = circuitBreaker(handleWhen(isTransientError).orWhenResult(failed), {
    halfOpenAfter: settings.cooldownMs,
    breaker: new SamplingBreaker({
      threshold: settings.failureRate,
      duration: settings.windowMs,
      minimumRps: (settings.minimumCalls * 1000) / settings.windowMs,
    }),
  });
  const changed = (state: BreakerMessage['state']) =>
    breakerChannel.publish({ lane, host, state } satisfies BreakerMessage);
  breaker.onBreak(() => {
    changed('open');
    logger.warn('PingOne keeps failing; calls to it fail at once while it cools down.', {
      event: 'pingone_circuit_open',
      lane,
      host,
      cooldownMs: settings.cooldownMs,
    });
  });
  breaker.onHalfOpen(() => {
    changed('half-open');
    logger.info('Trying PingOne again.', { event: 'pingone_circuit_half_open', lane, host });
  });
  breaker.onReset(() => {
    changed('closed');
    logger.info('PingOne answers again.', { event: 'pingone_circuit_closed', lane, host });
  });
  return breaker;
}

export function pause(lane: LaneState, response: UpstreamResponse): void {
  const header = response.headers['retry-after'];
  const now = Date.now();
  const asked = retryAfterMs(typeof header === 'string' ? header : undefined, now);
  const until = now + Math.min(asked ?? DEFAULT_PAUSE_MS, MAX_PAUSE_MS);
  lane.pausedUntil = Math.max(lane.pausedUntil, until);
}

/**
 * Holds a call of a paused lane (in its slot, so a flood waits in the bounded queue, not in
 * memory) until the pause ends; fails it at once, unsent, when the pause outlasts its deadline.
 */
export async function waitOutPause(
  lane: LaneState,
  operation: string,
  deadline: number,
): Promise<void> {
  const wait = lane.pausedUntil - Date.now();
  if (wait <= 0) return;
  if (lane.pausedUntil >= deadline) {
    throw new PingOneError({ operation, status: 429, code: TRANSPORT_ERROR_CODES.rateLimited });
  }
  await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Timeouts of attempts that the call's deadline, not `timeoutMs`, cut short. */
export const cutShort = new WeakSet<object>();

export function isTimeout(error: unknown): error is PingOneError {
  return error instanceof PingOneError && error.code === TRANSPORT_ERROR_CODES.timeout;
}

function isTransientError(error: Error): boolean {
  return error instanceof PingOneError && TRANSIENT_ERRORS.has(error.code) && !cutShort.has(error);
}

/**
 * What the breaker counts as a failure: transient answers, except `429` (PingOne is fine, we are
 * too many), and answers that mean this server is set up wrong (a refused worker login, a
 * missing role, a wrong `apiPath`): retrying those at full rate helps nobody.
 */
function isFailedResponse(lane: Lane, response: UpstreamResponse): boolean {
  const { status } = response;
  if (status === 429) return false;
  if (TRANSIENT_STATUSES.has(status)) return true;
  if (lane === 'token') return tokenEndpointMisconfiguration(status) !== undefined;
  if (lane === 'read' || lane === 'reset' || lane === 'directory') {
    // A 401 is also what an expired token gets before its renewal: one among many successes.
    return status === 401 || status === 403 || (status === 404 && !isPingOneNotFound(response));
  }
  return false;
}
