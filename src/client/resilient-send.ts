import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitBreakerPolicy,
  SamplingBreaker,
  TaskCancelledError,
  bulkhead,
  circuitBreaker,
  handleWhen,
  type BulkheadPolicy,
} from 'cockatiel';
import type { ResolvedClientOptions } from './options';
import {
  breakerChannel,
  pingOneCallChannel,
  pingOneCallStartChannel,
  type BreakerMessage,
  type PingOneCallMessage,
  type PingOneCallStartMessage,
} from '../core/channels';
import { PingOneError, TRANSPORT_ERROR_CODES } from '../core/errors';
import type { PingSessionLogger } from '../core/logger';
import { beforeDeadline, deadlineFrom } from './deadline';
import type { UpstreamRequest, UpstreamResponse, UpstreamSend } from './http';
import { isPingOneNotFound, tokenEndpointMisconfiguration } from './misconfiguration';
import { retryAfterMs } from './retry-after';
import type { Lane } from '../core/lanes';

/**
 * Which failures a call may be sent again after. `idempotent`: reads and token requests, on
 * anything PingOne's guidance calls transient. `unsent`: the logout, only when the connection was
 * never made, since a reset that reached PingOne must not be counted twice.
 */
export type RetryKind = 'idempotent' | 'unsent';

export type ResilientRequest = UpstreamRequest & {
  retry: RetryKind;
  lane: Lane;
  /** Epoch ms by which the call, queueing and waits included, is over. Default: the budget from now. */
  deadline?: number;
};
export type ResilientSend = (request: ResilientRequest) => Promise<UpstreamResponse>;

/** Answers PingOne's retry guidance calls transient (408, 429 and the 5xx of a busy service). */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_ERRORS = new Set<string>([
  TRANSPORT_ERROR_CODES.timeout,
  TRANSPORT_ERROR_CODES.network,
  TRANSPORT_ERROR_CODES.connect,
]);
/** A `429` without a readable `Retry-After` pauses its lane this long. */
const DEFAULT_PAUSE_MS = 1000;
/** Longest pause taken from a `Retry-After`: a proxy's mistaken hour must not stop the app for one. */
const MAX_PAUSE_MS = 60_000;

type Options = Pick<
  ResolvedClientOptions,
  'retry' | 'timeoutMs' | 'circuitBreaker' | 'maxConcurrentUpstream' | 'maxQueuedUpstream'
>;

interface LaneState {
  slots: BulkheadPolicy;
  breaker: CircuitBreakerPolicy | undefined;
  /** Until then PingOne asked this kind of call to wait (`429` with `Retry-After`). */
  pausedUntil: number;
}

/**
 * Sends through cockatiel's bulkhead (at most `maxConcurrentUpstream` in flight, a bounded queue)
 * and failure-rate circuit breaker, one of each per {@link Lane}, and retries with jittered
 * exponential backoff until the call's deadline. A `429` is PingOne asking for less, not PingOne
 * failing: it pauses its lane for `Retry-After` and never counts against the breaker. The retry
 * loop is ours: cockatiel's RetryPolicy sleeps its whole delay even when the caller has given up,
 * and cannot decline a `Retry-After` that outlasts the budget.
 */
export function createResilientSend(
  send: UpstreamSend,
  options: Options,
  logger: PingSessionLogger,
): ResilientSend {
  const lanes = new Map<string, LaneState>();

  function laneFor(lane: Lane, url: string): LaneState {
    const host = new URL(url).origin;
    const name = `${lane} ${host}`;
    let state = lanes.get(name);
    if (!state) {
      state = {
        slots: bulkhead(options.maxConcurrentUpstream, options.maxQueuedUpstream),
        breaker: breakerFor(lane, host),
        pausedUntil: 0,
      };
      lanes.set(name, state);
    }
    return state;
  }

  function breakerFor(lane: Lane, host: string): CircuitBreakerPolicy | undefined {
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

  async function attempt(
    request: ResilientRequest,
    deadline: number,
    attempts: number,
  ): Promise<UpstreamResponse> {
    const lane = laneFor(request.lane, request.url);
    const dropped = new AbortController();
    const run = async () => {
      await waitOutPause(lane, request.operation, deadline);
      // What is left of the deadline after queueing and pausing bounds the attempt.
      const timeoutMs = Math.max(1, Math.min(request.timeoutMs, deadline - Date.now()));
      const call = async () => {
        const started = performance.now();
        if (pingOneCallStartChannel.hasSubscribers) {
          pingOneCallStartChannel.publish({
            operation: request.operation,
            lane: request.lane,
            attempt: attempts,
          } satisfies PingOneCallStartMessage);
        }
        try {
          const response = await send({ ...request, timeoutMs });
          if (pingOneCallChannel.hasSubscribers) {
            publishCall(request, attempts, started, { status: response.status });
          }
          return response;
        } catch (error) {
          // An attempt cut short by the caller's deadline says nothing about PingOne.
          if (timeoutMs < request.timeoutMs && isTimeout(error)) cutShort.add(error);
          if (pingOneCallChannel.hasSubscribers && error instanceof PingOneError) {
            publishCall(request, attempts, started, { error: error.code });
          }
          throw error;
        }
      };
      const response = await (lane.breaker ? lane.breaker.execute(call) : call());
      if (response.status === 429) pause(lane, response);
      return response;
    };
    try {
      return await beforeDeadline(
        lane.slots.execute(run, dropped.signal),
        deadline,
        request.operation,
        () => dropped.abort(),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new PingOneError({
          operation: request.operation,
          code: TRANSPORT_ERROR_CODES.circuitOpen,
        });
      }
      if (error instanceof BulkheadRejectedError) {
        throw new PingOneError({
          operation: request.operation,
          code: TRANSPORT_ERROR_CODES.overloaded,
        });
      }
      if (error instanceof TaskCancelledError) {
        throw new PingOneError({
          operation: request.operation,
          code: TRANSPORT_ERROR_CODES.timeout,
        });
      }
      throw error;
    }
  }

  return async function resilientSend(request) {
    const retry = options.retry;
    const deadline = request.deadline ?? deadlineFrom(options);
    for (let attempts = 1; ; attempts += 1) {
      let outcome: UpstreamResponse | PingOneError;
      try {
        outcome = await attempt(request, deadline, attempts);
      } catch (error) {
        if (!(error instanceof PingOneError)) throw error;
        outcome = error;
      }
      const delay =
        retry && attempts < retry.maxAttempts && isRetryable(request.retry, outcome)
          ? backoffMs(attempts, retry, outcome)
          : undefined;
      // A wait that would end past the deadline leaves no time for the call it waits for.
      if (delay === undefined || Date.now() + delay >= deadline) {
        if (outcome instanceof PingOneError) throw outcome;
        return outcome;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
}

function publishCall(
  request: ResilientRequest,
  attempt: number,
  started: number,
  outcome: { status: number } | { error: string },
): void {
  pingOneCallChannel.publish({
    operation: request.operation,
    lane: request.lane,
    attempt,
    ...outcome,
    durationMs: performance.now() - started,
  } satisfies PingOneCallMessage);
}

function pause(lane: LaneState, response: UpstreamResponse): void {
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
async function waitOutPause(lane: LaneState, operation: string, deadline: number): Promise<void> {
  const wait = lane.pausedUntil - Date.now();
  if (wait <= 0) return;
  if (lane.pausedUntil >= deadline) {
    throw new PingOneError({ operation, status: 429, code: TRANSPORT_ERROR_CODES.rateLimited });
  }
  await new Promise((resolve) => setTimeout(resolve, wait));
}

function isRetryable(kind: RetryKind, outcome: UpstreamResponse | PingOneError): boolean {
  if (outcome instanceof PingOneError) {
    return kind === 'unsent'
      ? outcome.code === TRANSPORT_ERROR_CODES.connect
      : TRANSIENT_ERRORS.has(outcome.code);
  }
  return kind === 'idempotent' && TRANSIENT_STATUSES.has(outcome.status);
}

/** "Full jitter": random below a ceiling that doubles per retry; `Retry-After` is a floor. */
function backoffMs(
  attempts: number,
  retry: Exclude<Options['retry'], false>,
  outcome: UpstreamResponse | PingOneError,
): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempts - 1));
  const jittered = Math.random() * ceiling;
  const header = outcome instanceof PingOneError ? undefined : outcome.headers['retry-after'];
  const asked = retryAfterMs(typeof header === 'string' ? header : undefined, Date.now());
  return Math.max(jittered, asked ?? 0);
}

/** Timeouts of attempts that the call's deadline, not `timeoutMs`, cut short. */
const cutShort = new WeakSet<object>();

function isTimeout(error: unknown): error is PingOneError {
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
