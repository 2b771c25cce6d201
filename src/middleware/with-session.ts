import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ConfigError } from '../core/errors';
import type { RequireSessionOptions } from './require-session-options';
import type { PingSession } from '../core/session';
import { requireSession } from './require-session';

/**
 * A request that has a PingOne session: what a {@link withSession} handler receives. The type
 * parameters are Express's own `Request` ones.
 */
export type SignedInRequest<
  P = Request['params'],
  ResBody = unknown,
  ReqBody = unknown,
  ReqQuery = Request['query'],
  Locals extends Record<string, unknown> = Record<string, unknown>,
> = Request<P, ResBody, ReqBody, ReqQuery, Locals> & { pingSession: PingSession };

/** A route handler that runs only for signed-in requests; it may return a promise. */
export type SignedInHandler<
  P = Request['params'],
  ResBody = unknown,
  ReqBody = unknown,
  ReqQuery = Request['query'],
  Locals extends Record<string, unknown> = Record<string, unknown>,
> = (
  req: SignedInRequest<P, ResBody, ReqBody, ReqQuery, Locals>,
  res: Response<ResBody, Locals>,
  next: NextFunction,
) => unknown;

/**
 * A protected route handler in one: {@link requireSession} (with the same options) in front of
 * `handler`, which sees `req.pingSession` typed as present — no `!`. A promise the handler
 * returns that rejects goes to `next(error)`, on Express 4 as on 5.
 *
 * ```ts
 * app.get('/profile', withSession((req, res) => res.json({ user: req.pingSession.user.id })));
 * app.post('/password', withSession({ maxAuthAgeSeconds: 300 }, changePassword));
 * ```
 */
export function withSession<
  P = Request['params'],
  ResBody = unknown,
  ReqBody = unknown,
  ReqQuery = Request['query'],
  Locals extends Record<string, unknown> = Record<string, unknown>,
>(
  handler: SignedInHandler<P, ResBody, ReqBody, ReqQuery, Locals>,
): RequestHandler<P, ResBody, ReqBody, ReqQuery, Locals>;
export function withSession<
  P = Request['params'],
  ResBody = unknown,
  ReqBody = unknown,
  ReqQuery = Request['query'],
  Locals extends Record<string, unknown> = Record<string, unknown>,
>(
  options: RequireSessionOptions,
  handler: SignedInHandler<P, ResBody, ReqBody, ReqQuery, Locals>,
): RequestHandler<P, ResBody, ReqBody, ReqQuery, Locals>;
export function withSession(
  optionsOrHandler: RequireSessionOptions | SignedInHandler,
  maybeHandler?: SignedInHandler,
): RequestHandler {
  const [options, handler] =
    typeof optionsOrHandler === 'function'
      ? [{}, optionsOrHandler]
      : [optionsOrHandler, maybeHandler];
  if (typeof handler !== 'function') {
    throw new ConfigError(
      'ERR_PINGONE_HANDLER',
      'withSession(): pass the route handler, as withSession(handler) or withSession(options, handler).',
    );
  }
  const guard = requireSession(options);

  return function withSessionHandler(req, res, next) {
    guard(req, res, (error?: unknown) => {
      if (error !== undefined) return next(error);
      let result: unknown;
      try {
        result = handler(req as SignedInRequest, res, next);
      } catch (thrown) {
        return next(thrown);
      }
      if (result instanceof Promise) {
        // As Express 5 does for handlers it calls itself; Express 4 would leave it unhandled.
        result.then(undefined, (rejected: unknown) =>
          next(rejected ?? new Error('withSession(): the handler rejected without a reason.')),
        );
      }
    });
  };
}
