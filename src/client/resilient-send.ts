import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import type { ResolvedClientOptions } from './options';
import {
  pingOneCallChannel,
  pingOneCallStartChannel,
  type PingOneCallMessage,
  type PingOneCallStartMessage,
} from '../core/channels';
import { PingOneError, TRANSPORT_ERROR_CODES } from '../core/errors';
import type { PingSessionLogger } from '../core/logger';
import { beforeDeadline, deadlineFrom } from './deadline';
import type { UpstreamRequest, UpstreamResponse, UpstreamSend } from './http';
import { retryAfterMs } from './retry-after';
import type { Lane } from '../core/lanes';
import {
  createLanes,
  type LaneState,
  cutShort,
  isTimeout,
  pause,
  TRANSIENT_ERRORS,
  TRANSIENT_STATUSES,
  waitOutPause,
} from './lanes';

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

type Options = Pick<
  ResolvedClientOptions,
  'retry' | 'timeoutMs' | 'circuitBreaker' | 'maxConcurrentUpstream' | 'maxQueuedUpstream'
>;

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
  const laneFor = createLanes(options, logger);
  return async function resilientSend(request) {
    const retry = options.retry;
    const deadline = request.deadline ?? deadlineFrom(options);
    const lane = laneFor(request.lane, request.url);
    for (let attempts = 1; ; attempts += 1) {
      let outcome: UpstreamResponse | PingOneError;
      try {
        outcome = await attempt(send, lane, request, deadline, attempts);
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

/** One attempt: a slot in the lane's bulkhead, past its pause and through its breaker. */
async function attempt(
  send: UpstreamSend,
  lane: LaneState,
  request: ResilientRequest,
  deadline: number,
  attempts: number,
): Promise<UpstreamResponse> {
  const dropped = new AbortController();
  const run = async () => {
    await waitOutPause(lane, request.operation, deadline);
    // What is left of the deadline after queueing and pausing bounds the attempt.
    const timeoutMs = Math.max(1, Math.min(request.timeoutMs, deadline - Date.now()));
    const call = () => sendOnce(send, request, timeoutMs, attempts);
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
    throw asPingOneError(error, request.operation);
  }
}

async function sendOnce(
  send: UpstreamSend,
  request: ResilientRequest,
  timeoutMs: number,
  attempts: number,
): Promise<UpstreamResponse> {
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
}

/** cockatiel's refusals as the PingOneErrors callers branch on. */
function asPingOneError(error: unknown, operation: string): unknown {
  if (error instanceof BrokenCircuitError) {
    return new PingOneError({ operation, code: TRANSPORT_ERROR_CODES.circuitOpen });
  }
  if (error instanceof BulkheadRejectedError) {
    return new PingOneError({ operation, code: TRANSPORT_ERROR_CODES.overloaded });
  }
  if (error instanceof TaskCancelledError) {
    return new PingOneError({ operation, code: TRANSPORT_ERROR_CODES.timeout });
  }
  return error;
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
