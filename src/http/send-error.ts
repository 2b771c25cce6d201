import type { Response } from 'express';
import type { SignInErrorCode } from '../signin/sign-in-state';

/** The `error` codes the library answers with itself. Stable: clients may branch on them. */
export type ErrorResponseCode =
  | 'unauthenticated'
  | 'step_up_required'
  | 'pingone_unavailable'
  | 'logout_failed'
  | 'method_not_allowed'
  | 'cross_site_request'
  | 'invalid_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | SignInErrorCode;

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
