import { misconfigurationChannel, type MisconfigurationMessage } from '../core/channels';
import type { PingSessionLogger } from '../core/logger';
import { PingOneError } from '../core/errors';
import { MISCONFIGURATION_FIXES, type Misconfiguration } from '../core/misconfiguration';
import { parseJson, type UpstreamResponse } from './http';

/** The documented answer for a token without a session: `404` with PingOne's `NOT_FOUND` body. */
export function isPingOneNotFound(response: UpstreamResponse): boolean {
  if (response.status !== 404) return false;
  const body = parseJson(response.body) as { code?: unknown } | undefined;
  return body?.code === 'NOT_FOUND';
}

/** What a failed answer of the token endpoint says about the set-up. */
export function tokenEndpointMisconfiguration(status: number): Misconfiguration | undefined {
  if (status === 400 || status === 401) return 'credentials';
  if (status === 404) return 'environment';
  return undefined;
}

/**
 * What a failed answer of the API (`sessions/me`, users, user sessions) says about the set-up,
 * after any token renewal.
 */
export function apiMisconfiguration(response: UpstreamResponse): Misconfiguration | undefined {
  if (response.status === 401) return 'access_token';
  if (response.status === 403) return 'worker_role';
  if (response.status === 404 && !isPingOneNotFound(response)) return 'api_path';
  return undefined;
}

/** How often each misconfiguration is logged while it lasts. */
const REPORT_EVERY_MS = 60_000;

/**
 * Publishes every misconfiguration on its channel, and logs it at `error` (else `warn`) at most
 * once a minute per cause.
 */
export function createMisconfigurationReporter(logger: PingSessionLogger) {
  const lastReported = new Map<Misconfiguration, number>();
  return function report(error: unknown): void {
    if (!(error instanceof PingOneError) || error.misconfiguration === undefined) return;
    const cause = error.misconfiguration;
    misconfigurationChannel.publish({
      cause,
      operation: error.operation,
      status: error.status,
    } satisfies MisconfigurationMessage);
    const now = Date.now();
    if (now - (lastReported.get(cause) ?? -Infinity) < REPORT_EVERY_MS) return;
    lastReported.set(cause, now);
    (logger.error ?? logger.warn).call(logger, MISCONFIGURATION_FIXES[cause], {
      event: 'pingone_misconfigured',
      cause,
      operation: error.operation,
      status: error.status,
      code: error.code,
      id: error.id,
    });
  };
}
