import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  CHANNELS,
  type BreakerMessage,
  type LogoutMessage,
  type LookupMessage,
  type MisconfigurationMessage,
  type PingOneCallMessage,
  type PingOneCallStartMessage,
  type ReadBudgetMessage,
  type StoreErrorMessage,
  type TokenRefreshMessage,
} from '../core/channels';

export interface PingSessionMetricsOptions {
  /** Where the metrics are registered. Default: a new `Registry`, returned as `registry`. */
  registry?: Registry;
  /** Prefix of every metric name. Default: `'pingone_session_'`. */
  prefix?: string;
}

export interface PingSessionMetrics {
  registry: Registry;
  /** Stops listening; the metrics stay registered with their last values. */
  close(): void;
}

/** How a breaker state reads on the gauge. */
const BREAKER_STATES: Record<BreakerMessage['state'], number> = {
  closed: 0,
  'half-open': 0.5,
  open: 1,
};

/**
 * Prometheus metrics (prom-client, an optional peer dependency) fed by the middleware's
 * diagnostics channels: nothing on the request path changes, and every `pingSession()` of the
 * process is counted. Serve `registry.metrics()` on the route your scraper reads.
 */
export function pingSessionMetrics(options: PingSessionMetricsOptions = {}): PingSessionMetrics {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'pingone_session_';
  const listeners = listenersFor(createMetrics(registry, prefix));
  for (const [name, listener] of listeners) subscribe(name, listener);

  return {
    registry,
    close() {
      for (const [name, listener] of listeners) unsubscribe(name, listener);
    },
  };
}

/** Every metric, registered in `registry`. */
function createMetrics(registry: Registry, prefix: string) {
  const registers = [registry];

  const lookups = new Counter({
    name: `${prefix}lookups_total`,
    help: 'Session lookups of requests with a token, by outcome and whether a session was found.',
    labelNames: ['outcome', 'session'] as const,
    registers,
  });
  const calls = new Histogram({
    name: `${prefix}upstream_duration_seconds`,
    help: 'Attempts of calls to PingOne, by operation and status (or transport error).',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const inFlight = new Gauge({
    name: `${prefix}upstream_in_flight`,
    help: 'Attempts of calls to PingOne under way.',
    labelNames: ['lane'] as const,
    registers,
  });
  const breakers = new Gauge({
    name: `${prefix}breaker_state`,
    help: 'Circuit breaker per lane: 0 closed, 0.5 half-open, 1 open.',
    labelNames: ['lane'] as const,
    registers,
  });
  const tokens = new Counter({
    name: `${prefix}token_requests_total`,
    help: 'Worker access token requests, by outcome.',
    labelNames: ['ok'] as const,
    registers,
  });
  const logouts = new Counter({
    name: `${prefix}logouts_total`,
    help: 'Logouts through the logout route, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const storeErrors = new Counter({
    name: `${prefix}store_errors_total`,
    help: 'Failed or timed-out calls to the shared session store, by operation.',
    labelNames: ['operation'] as const,
    registers,
  });
  const misconfigurations = new Counter({
    name: `${prefix}misconfigurations_total`,
    help: 'PingOne answers meaning this server is set up wrong, by cause.',
    labelNames: ['cause'] as const,
    registers,
  });

  const servedAge = new Histogram({
    name: `${prefix}served_age_seconds`,
    help: 'Age of PingOne answers served past their fresh life: stale (PingOne failed) or deferred (read budget spent).',
    labelNames: ['outcome'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers,
  });
  const readBudget = new Counter({
    name: `${prefix}read_budget_total`,
    help: 'PingOne session reads that asked the read budget, by priority and whether it let them.',
    labelNames: ['priority', 'granted'] as const,
    registers,
  });

  return {
    lookups,
    calls,
    inFlight,
    breakers,
    tokens,
    logouts,
    storeErrors,
    misconfigurations,
    servedAge,
    readBudget,
  };
}

/** What each channel's message does to the metrics. */
function listenersFor({
  lookups,
  calls,
  inFlight,
  breakers,
  tokens,
  logouts,
  storeErrors,
  misconfigurations,
  servedAge,
  readBudget,
}: ReturnType<typeof createMetrics>): [string, (message: unknown) => void][] {
  return [
    [
      CHANNELS.lookup,
      (m) => {
        const { outcome, session, ageMs } = m as LookupMessage;
        lookups.inc({ outcome, session: String(session) });
        if (ageMs !== undefined) servedAge.observe({ outcome }, ageMs / 1000);
      },
    ],
    [
      CHANNELS.readBudget,
      (m) => {
        const { priority, granted } = m as ReadBudgetMessage;
        readBudget.inc({ priority, granted: String(granted) });
      },
    ],
    [CHANNELS.pingOneCallStart, (m) => inFlight.inc({ lane: (m as PingOneCallStartMessage).lane })],
    [
      CHANNELS.pingOneCall,
      (m) => {
        const call = m as PingOneCallMessage;
        inFlight.dec({ lane: call.lane });
        calls.observe(
          { operation: call.operation, status: String(call.status ?? call.error) },
          call.durationMs / 1000,
        );
      },
    ],
    [
      CHANNELS.breaker,
      (m) => {
        const { lane, state } = m as BreakerMessage;
        breakers.set({ lane }, BREAKER_STATES[state]);
      },
    ],
    [CHANNELS.tokenRefresh, (m) => tokens.inc({ ok: String((m as TokenRefreshMessage).ok) })],
    [CHANNELS.logout, (m) => logouts.inc({ outcome: (m as LogoutMessage).outcome })],
    [
      CHANNELS.storeError,
      (m) => storeErrors.inc({ operation: (m as StoreErrorMessage).operation }),
    ],
    [
      CHANNELS.misconfiguration,
      (m) => misconfigurations.inc({ cause: (m as MisconfigurationMessage).cause }),
    ],
  ];
}
