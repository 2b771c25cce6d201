import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * A misbehaviour of PingOne for the emulator to play. Give one outcome (`status`, `reset`,
 * `hang` or `malformed`), a `latencyMs`, or both.
 */
export interface EmulatorFault {
  /**
   * Which calls: `'sessions'` (GET and POST sessions/me), `'reads'` (GET only), `'resets'` (POST
   * only, and ending a session by ID), `'token'`, `'flows'` (authorize, the flow API and resume),
   * `'directory'` (reading a user, a user's sessions), or `'any'`. Default: `'sessions'`.
   */
  on?: 'sessions' | 'reads' | 'resets' | 'token' | 'flows' | 'directory' | 'any';
  /** Answer with this status and PingOne's error body for it (`429` is `REQUEST_LIMITED`). */
  status?: number;
  /**
   * With `status: 400`: the code of the one detail in PingOne's `INVALID_DATA` body, to play a
   * validation answer PingOne does not document. Default: `'INVALID_VALUE'`.
   */
  detailCode?: string;
  /** The `Retry-After` header to send with `status`: seconds, or an HTTP date. */
  retryAfter?: string;
  /** Wait this long first: milliseconds, or `[min, max]` for a random wait between them. */
  latencyMs?: number | readonly [number, number];
  /** Destroy the connection instead of answering. */
  reset?: boolean;
  /** Never answer; the connection stays open (a half-open hang). */
  hang?: boolean;
  /** Answer `200` with a body PingOne never sends. */
  malformed?: 'html' | 'truncated-json' | 'no-id';
  /** Only the next this many matching calls. Default: every one. */
  times?: number;
  /** Only this fraction (0 to 1) of matching calls, at random. Default: `1`. */
  rate?: number;
}

/** What the emulator does with one call, once every fault had its say. */
export interface FaultPlan {
  latencyMs: number;
  outcome: Omit<EmulatorFault, 'on' | 'latencyMs' | 'times' | 'rate'> | undefined;
}

export type CallKind = 'reads' | 'resets' | 'token' | 'flows' | 'directory';

/** The faults in force, in the order they were added; each applies while it has `times` left. */
export class Faults {
  private readonly active: { fault: EmulatorFault; left: number }[] = [];

  /** Adds a fault; the function returned removes it again. */
  add(fault: EmulatorFault): () => void {
    const entry = { fault, left: fault.times ?? Infinity };
    this.active.push(entry);
    return () => {
      const at = this.active.indexOf(entry);
      if (at !== -1) this.active.splice(at, 1);
    };
  }

  clear(): void {
    this.active.length = 0;
  }

  plan(kind: CallKind): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, outcome: undefined };
    for (const entry of this.active) {
      const { fault } = entry;
      const on = fault.on ?? 'sessions';
      if (entry.left <= 0 || !applies(on, kind)) continue;
      if (Math.random() >= (fault.rate ?? 1)) continue;
      const outcome = outcomeOf(fault);
      if (outcome && plan.outcome) continue;
      entry.left -= 1;
      plan.latencyMs += latencyOf(fault.latencyMs);
      plan.outcome ??= outcome;
    }
    return plan;
  }
}

function applies(on: NonNullable<EmulatorFault['on']>, kind: CallKind): boolean {
  return (
    on === 'any' || on === kind || (on === 'sessions' && (kind === 'reads' || kind === 'resets'))
  );
}

function outcomeOf(fault: EmulatorFault): FaultPlan['outcome'] {
  const { status, detailCode, retryAfter, reset, hang, malformed } = fault;
  if (status === undefined && !reset && !hang && !malformed) return undefined;
  return { status, detailCode, retryAfter, reset, hang, malformed };
}

function latencyOf(latency: EmulatorFault['latencyMs']): number {
  if (latency === undefined) return 0;
  if (typeof latency === 'number') return latency;
  const [min, max] = latency;
  return min + Math.random() * (max - min);
}

export function describeOutcome(outcome: NonNullable<FaultPlan['outcome']>): string {
  if (outcome.hang) return 'hang';
  if (outcome.reset) return 'reset';
  if (outcome.malformed) return `malformed ${outcome.malformed}`;
  return `status ${outcome.status ?? 500}`;
}

/** Plays an outcome on the response. */
export function playOutcome(res: ServerResponse, outcome: NonNullable<FaultPlan['outcome']>): void {
  if (outcome.hang) return;
  if (outcome.reset) {
    res.socket?.destroy();
    return;
  }
  if (outcome.malformed) {
    const [type, body] = MALFORMED[outcome.malformed];
    res.writeHead(200, { 'Content-Type': type }).end(body);
    return;
  }
  const status = outcome.status ?? 500;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (outcome.retryAfter !== undefined) headers['Retry-After'] = outcome.retryAfter;
  res.writeHead(status, headers).end(JSON.stringify(errorBodyFor(status, outcome.detailCode)));
}

const MALFORMED = {
  html: ['text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
  'truncated-json': [
    'application/json',
    '{"id":"0b6fe8d6-ea5b-4fa2-9bd2-1c1a1e2f3a4b","user":{"id',
  ],
  'no-id': ['application/json', '{"user":{"id":"u"},"expiresAt":"2030-01-01T00:00:00Z"}'],
} as const;

function errorBodyFor(status: number, detailCode = 'INVALID_VALUE') {
  const id = randomUUID();
  if (status === 429) {
    return {
      id,
      code: 'REQUEST_LIMITED',
      message: 'The request could not be completed. You have exceeded your request limit.',
      details: [{ code: 'LIMIT_EXCEEDED', message: 'Request limit exceeded.' }],
    };
  }
  if (status >= 500) {
    return { id, code: 'UNEXPECTED_ERROR', message: 'An unexpected error occurred.' };
  }
  if (status === 404) {
    return { id, code: 'NOT_FOUND', message: 'The requested resource was not found.' };
  }
  if (status === 400) {
    return {
      id,
      code: 'INVALID_DATA',
      message:
        'The request could not be completed. One or more validation errors were in the request.',
      details: [{ code: detailCode, message: 'A value is not valid.' }],
    };
  }
  if (status === 403) {
    return {
      id,
      code: 'ACCESS_FAILED',
      message: 'The request could not be completed. You do not have access to this resource.',
      details: [
        { code: 'INSUFFICIENT_PERMISSIONS', message: 'Actor lacks the required permissions.' },
      ],
    };
  }
  return { id, code: 'REQUEST_FAILED', message: 'The request could not be completed.' };
}

/**
 * A fault from the command line: comma-separated `key=value` pairs with the keys of
 * {@link EmulatorFault}, for example `status=503,rate=0.1` or `latencyMs=20-80,on=any`.
 */
export function parseFault(spec: string): EmulatorFault {
  const fault: Record<string, unknown> = {};
  for (const pair of spec.split(',')) {
    const [key = '', value = ''] = pair.split('=', 2);
    switch (key) {
      case 'on':
      case 'malformed':
      case 'retryAfter':
      case 'detailCode':
        fault[key] = value;
        break;
      case 'status':
      case 'times':
      case 'rate':
        fault[key] = Number(value);
        break;
      case 'reset':
      case 'hang':
        fault[key] = value !== 'false';
        break;
      case 'latencyMs': {
        const [min, max] = value.split('-').map(Number);
        fault.latencyMs = max === undefined ? min : [min, max];
        break;
      }
      default:
        throw new Error(`unknown fault key "${key}" in "${spec}"`);
    }
  }
  for (const [key, value] of Object.entries(fault)) {
    if (typeof value === 'number' && Number.isNaN(value)) {
      throw new Error(`fault key "${key}" needs a number in "${spec}"`);
    }
  }
  return fault as EmulatorFault;
}
