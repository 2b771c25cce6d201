import type { Request, Response } from 'express';
import { misconfigurationChannel, type MisconfigurationMessage } from '../../core/channels';
import type { SignInErrorCode } from '../../core/error-responses';
import { PingOneError } from '../../core/errors';
import { MISCONFIGURATION_FIXES, type Misconfiguration } from '../../core/misconfiguration';
import { isBrowserNavigation } from '../../http/navigation';
import { sendError } from '../../http/send-error';
import type { HostedRoute } from './context';

/** A hosted sign-in that ends without a session: what the browser is told, and why. */
export class SignInRefused extends Error {
  constructor(
    readonly answer: SignInErrorCode,
    /** Told to the operator only. */
    readonly reason: string,
    readonly detail?: string,
    readonly misconfiguration?: Misconfiguration,
  ) {
    super(reason);
  }
}

const STATUS: Partial<Record<SignInErrorCode, number>> = {
  signin_expired: 400,
  signin_denied: 403,
  pingone_unavailable: 503,
};
const TEXT: Partial<Record<SignInErrorCode, string>> = {
  signin_expired: 'This sign-in expired or was already used.',
  signin_denied: 'The sign-in was cancelled or refused.',
  pingone_unavailable: 'PingOne is not answering right now.',
  signin_failed: 'The sign-in could not be completed.',
};

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * The answer to a callback that signs nobody in: a small page with a link that starts again (or
 * JSON with its URL), the operator told why. Never a 500, never PingOne's own words.
 */
export function answerFailure(
  route: HostedRoute,
  req: Request,
  res: Response,
  error: unknown,
  returnTo: string | undefined,
): void {
  const answer = answerOf(route, error);
  const retry = `${req.baseUrl}${route.signIn.path}?${new URLSearchParams({
    returnTo: returnTo ?? route.signIn.returnTo,
  })}`;
  const status = STATUS[answer] ?? 502;
  if (!isBrowserNavigation(req)) return sendError(res, status, answer, { retry });
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in</title></head>` +
        `<body><main><h1>Sign-in</h1><p id="signin-error">${escapeHtml(TEXT[answer] ?? TEXT.signin_failed!)}</p>` +
        `<p><a href="${escapeHtml(retry)}" id="signin-again">Sign in again</a></p></main></body></html>`,
    );
}

function answerOf(route: HostedRoute, error: unknown): SignInErrorCode {
  const { logger } = route.options;
  if (error instanceof PingOneError) return 'pingone_unavailable';
  if (!(error instanceof SignInRefused)) {
    logger.warn('Sign-in failed: an unexpected error.', {
      event: 'signin_failed',
      reason: 'unexpected',
      error: error instanceof Error ? error.name : typeof error,
    });
    return 'signin_failed';
  }
  const details = {
    event: 'signin_failed',
    reason: error.reason,
    ...(error.detail !== undefined && { detail: error.detail.slice(0, 64) }),
    ...(error.misconfiguration !== undefined && { cause: error.misconfiguration }),
  } as const;
  if (error.misconfiguration === undefined) {
    // Expired, replayed and cancelled sign-ins are a person's doing: info, not a warning.
    const log = error.answer === 'signin_failed' ? logger.warn : logger.info;
    log.call(logger, `Sign-in did not complete: ${error.reason}.`, details);
  } else {
    misconfigurationChannel.publish({
      cause: error.misconfiguration,
      operation: 'POST as/token',
      status: undefined,
    } satisfies MisconfigurationMessage);
    (logger.error ?? logger.warn).call(
      logger,
      `Sign-in failed: ${MISCONFIGURATION_FIXES[error.misconfiguration]}`,
      details,
    );
  }
  return error.answer;
}
