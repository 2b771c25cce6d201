import type { Response } from 'express';
import type { ErrorResponseCode } from '../core/error-responses';
import type { BodyProblem } from './read-fields';

/** A small JSON error that no cache keeps and that carries no detail of what went wrong inside. */
export function sendError(
  res: Response,
  status: number,
  error: ErrorResponseCode,
  more?: Record<string, string | number | readonly string[]>,
): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .json({ error, ...more });
}

/**
 * How long a client is asked to wait when PingOne cannot be asked: about a breaker's cool-down
 * or a rate-limit pause, short enough that a person retrying by hand is not held up.
 */
const RETRY_AFTER_SECONDS = 5;

/** `503 {"error":"pingone_unavailable"}` with `Retry-After`. */
export function sendUnavailable(res: Response): void {
  res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  sendError(res, 503, 'pingone_unavailable');
}

/** The answer to a body `readFields()` refused: `413`, `415` or `400`. */
export function refuseBody(res: Response, problem: BodyProblem): void {
  if (problem === 'too_large') return sendError(res, 413, 'payload_too_large');
  if (problem === 'unsupported_media_type') return sendError(res, 415, 'unsupported_media_type');
  sendError(res, 400, 'invalid_request');
}
