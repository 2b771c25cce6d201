import type { Response } from 'express';
import type { SignInErrorCode } from '../signin/sign-in-state';

/** The `error` codes the library answers with itself. Stable: clients may branch on them. */
export type ErrorResponseCode =
  | 'unauthenticated'
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
  more?: Record<string, string | number>,
): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .json({ error, ...more });
}
