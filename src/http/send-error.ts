import type { Response } from 'express';

/** The `error` codes the library answers with itself. Stable: clients may branch on them. */
export type ErrorResponseCode =
  | 'unauthenticated'
  | 'pingone_unavailable'
  | 'logout_failed'
  | 'method_not_allowed'
  | 'cross_site_request';

/** A small JSON error that no cache keeps and that carries no detail of what went wrong inside. */
export function sendError(res: Response, status: number, error: ErrorResponseCode): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error });
}
