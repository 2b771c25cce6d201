import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitBreakerPolicy,
  ConsecutiveBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import type { ResolvedOptions } from '../config/resolve-options';
import { PingOneError, TRANSPORT_ERROR_CODES } from '../errors';
import type { PingSessionLogger } from '../options';
import type { UpstreamRequest, UpstreamResponse, UpstreamSend } from './http';
import { retryAfterMs } from './retry-after';

/**
 * Which failures a call may be sent again after. `idempotent`: reads and token requests, on
 * anything PingOne's guidance calls transient. `unsent`: the logout, only when the connection was
 * never made, since a reset that reached PingOne must not be counted twice.
 */
export type RetryKind = 'idempotent' | 'unsent';

export type ResilientRequest = UpstreamRequest & { retry: RetryKind };
export type ResilientSend = (request: ResilientRequest) => Promise<UpstreamResponse>;

/** Answers PingOne's retry guidance calls transient (408, 429 and the 5xx of a busy service). */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_ERRORS = new Set<string>([
  TRANSPORT_ERROR_CODES.timeout,
  TRANSPORT_ERROR_CODES.network,
  TRANSPORT_ERROR_CODES.connect,
]);

type Options = Pick<
  ResolvedOptions,
  'retry' | 'circuitBreaker' | 'maxConcurrentUpstream' | 'maxQueuedUpstream'
>;

/**
 * Sends through a bulkhead (at most `maxConcurrentUpstream` in flight, a bounded queue) and a
 * circuit breaker per PingOne host, both cockatiel's, and retries with jittered exponential
 * backoff within the call's time budget. The retry loop is ours: cockatiel's RetryPolicy sleeps
 * its whole delay even when the caller has given up, and cannot decline a `Retry-After` that
 * outlasts the budget.
 */
export function createResilientSend(
  send: UpstreamSend,
  options: Options,
  logger: PingSessionLogger,
): ResilientSend {
  const slots = bulkhead(options.maxConcurrentUpstream, options.maxQueuedUpstream);
  const breakers = new Map<string, CircuitBreakerPolicy>();

  function breakerFor(url: string): CircuitBreakerPolicy | undefined {
    const settings = options.circuitBreaker;
    if (!settings) return undefined;
    const host = new URL(url).origin;
    let breaker = breakers.get(host);
    if (!breaker) {
      breaker = circuitBreaker(handleWhen(isTransientError).orWhenResult(isTransientResponse), {
        halfOpenAfter: settings.cooldownMs,
        breaker: new ConsecutiveBreaker(settings.failureThreshold),
      });
      breaker.onBreak(() =>
        logger.warn('PingOne keeps failing; calls to it fail at once while it cools down.', {
          event: 'pingone_circuit_open',
          host,
          cooldownMs: settings.cooldownMs,
        }),
      );
      breaker.onHalfOpen(() =>
        logger.info('Trying PingOne again.', { event: 'pingone_circuit_half_open', host }),
      );
      breaker.onReset(() =>
        logger.info('PingOne answers again.', { event: 'pingone_circuit_closed', host }),
      );
      breakers.set(host, breaker);
    }
    return breaker;
  }

  async function attempt(request: ResilientRequest, timeoutMs: number): Promise<UpstreamResponse> {
    const breaker = breakerFor(request.url);
    const call = () => send({ ...request, timeoutMs });
    try {
      return await slots.execute(() => (breaker ? breaker.execute(call) : call()));
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
      throw error;
    }
  }

  return async function resilientSend(request) {
    const retry = options.retry;
    const deadline = Date.now() + (retry ? retry.budgetMs : request.timeoutMs);
    for (let attempts = 1; ; attempts += 1) {
      const timeoutMs = Math.max(1, Math.min(request.timeoutMs, deadline - Date.now()));
      let outcome: UpstreamResponse | PingOneError;
      try {
        outcome = await attempt(request, timeoutMs);
      } catch (error) {
        if (!(error instanceof PingOneError)) throw error;
        outcome = error;
      }
      const delay =
        retry && attempts < retry.maxAttempts && isRetryable(request.retry, outcome)
          ? backoffMs(attempts, retry, outcome)
          : undefined;
      // A wait that would end past the budget leaves no time for the call it waits for.
      if (delay === undefined || Date.now() + delay >= deadline) {
        if (outcome instanceof PingOneError) throw outcome;
        return outcome;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
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

function isTransientError(error: Error): boolean {
  return error instanceof PingOneError && TRANSIENT_ERRORS.has(error.code);
}

function isTransientResponse(result: unknown): boolean {
  return TRANSIENT_STATUSES.has((result as UpstreamResponse).status);
}
