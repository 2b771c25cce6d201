import { parseJson, type UpstreamResponse } from '../../client/http';
import type { FlowAction } from '../../client/sign-on-client';
import { misconfigurationChannel, type MisconfigurationMessage } from '../../core/channels';
import type { SignInErrorCode } from '../../core/error-responses';
import { PingOneError } from '../../core/errors';
import type { PingSessionLogger } from '../../core/logger';
import { MISCONFIGURATION_FIXES } from '../../core/misconfiguration';
import type { FlowRecord } from './flow-records';
import { failure, pingOneAnswer, signInMisconfiguration, SignInFailure } from './pingone-answers';

/** What a post comes to: the next step, a signed-in browser, or an error. */
export type Outcome =
  | { kind: 'step'; record: FlowRecord }
  | {
      kind: 'completed';
      returnTo: string;
      /** PingOne's new session token and its cookie's expiry; none when the browser's stays. */
      session?: { token: string; expires: Date | undefined };
    }
  | {
      kind: 'error';
      httpStatus: number;
      error: SignInErrorCode;
      status?: string;
      retryAfterSeconds?: number;
    };

const UNAVAILABLE: Outcome = { kind: 'error', httpStatus: 503, error: 'pingone_unavailable' };

/** Detail codes known to mean "not that password"; others are logged as they come. */
const WRONG_PASSWORD_CODES = new Set(['INVALID_CREDENTIALS', 'INVALID_VALUE']);
const LOCKED = 'PASSWORD_LOCKED_OUT';

/**
 * What a refused action means for the person, from PingOne's status and codes. PingOne documents
 * neither the wrong-password nor the lockout answer: any `400` to a password is taken as a wrong
 * password (the flow kept, the person may try again) unless it carries a lockout marker, and a
 * detail code not seen before is logged with PingOne's error `id` (REAL-TENANT.md M4).
 */
export function refusal(
  action: FlowAction,
  response: UpstreamResponse,
  logger: PingSessionLogger,
): Outcome {
  if (response.status === 429 || response.status >= 500) return UNAVAILABLE;
  const answer = pingOneAnswer(response);
  const details = answer?.details ?? [];
  const codes = new Set([answer?.code, ...details.map((detail) => detail.code)]);
  if (codes.has(LOCKED)) {
    const seconds = details.find((d) => d.code === LOCKED)?.innerError?.secondsUntilUnlock;
    return locked(seconds);
  }
  if (codes.has('INVALID_CREDENTIALS')) {
    return { kind: 'error', httpStatus: 401, error: 'invalid_credentials' };
  }
  if (response.status === 400 && action === 'usernamePassword') {
    const unknown = details.map((d) => d.code).filter((c) => !WRONG_PASSWORD_CODES.has(c ?? ''));
    if (unknown.length > 0) {
      logger.info('PingOne refused a password with a code this route does not know.', {
        event: 'signin_answer_unrecognised',
        codes: unknown.map((code) => String(code).slice(0, 64)),
        ...(answer?.id !== undefined && { id: answer.id }),
      });
    }
    return { kind: 'error', httpStatus: 401, error: 'invalid_credentials' };
  }
  if (response.status === 400 && action === 'otp') {
    return { kind: 'error', httpStatus: 401, error: 'invalid_otp' };
  }
  if (response.status === 400 && action === 'passwordReset') {
    return { kind: 'error', httpStatus: 400, error: 'password_rejected' };
  }
  throw failure(`${action}_refused`, response);
}

/**
 * An `error` PingOne is reported to put in a `200` flow body instead of refusing with a status
 * (a lockout, a wrong password): what it means for the person, or `undefined` for none.
 */
export function errorInFlow(action: FlowAction, response: UpstreamResponse): Outcome | undefined {
  const error = (parseJson(response.body) as { error?: unknown } | undefined)?.error as
    | {
        code?: unknown;
        details?: { code?: unknown; innerError?: { secondsUntilUnlock?: unknown } }[];
      }
    | undefined;
  if (typeof error !== 'object' || error === null) return undefined;
  const details = Array.isArray(error.details) ? error.details : [];
  const codes = new Set([error.code, ...details.map((detail) => detail?.code)]);
  if (codes.has(LOCKED)) {
    return locked(details.find((d) => d?.code === LOCKED)?.innerError?.secondsUntilUnlock);
  }
  if (action === 'usernamePassword') {
    return { kind: 'error', httpStatus: 401, error: 'invalid_credentials' };
  }
  if (action === 'otp') return { kind: 'error', httpStatus: 401, error: 'invalid_otp' };
  return undefined;
}

function locked(seconds: unknown): Outcome {
  return {
    kind: 'error',
    httpStatus: 423,
    error: 'locked',
    ...(typeof seconds === 'number' && { retryAfterSeconds: Math.ceil(seconds) }),
  };
}

/**
 * What a sign-in that threw comes to, told to the operator: PingOne or the flow store away is
 * `503` (the person may try again); anything PingOne answered that the route cannot use is `502`,
 * logged with the fix when it reveals a set-up error.
 */
export function outcomeOfError(error: unknown, logger: PingSessionLogger): Outcome {
  if (error instanceof SignInFailure) {
    const response = error.response;
    if (response !== undefined && (response.status === 429 || response.status >= 500)) {
      return UNAVAILABLE;
    }
    logFailure(error, logger);
    return { kind: 'error', httpStatus: 502, error: 'signin_failed' };
  }
  if (error instanceof PingOneError) return UNAVAILABLE;
  // The flow store failed (timed out, or down): nothing was lost but this attempt.
  logger.warn('Sign-in failed: the store of sign-in flows did not answer.', {
    event: 'signin_failed',
    reason: 'flow_store_unavailable',
  });
  return UNAVAILABLE;
}

function logFailure(error: SignInFailure, logger: PingSessionLogger): void {
  const response = error.response;
  const pingOne = response && pingOneAnswer(response);
  const call = { authorize_refused: 'authorize', code_refused: 'redeem' } as const;
  const step = call[error.reason as keyof typeof call];
  const cause = step && response && signInMisconfiguration(step, response);
  const details = {
    event: 'signin_failed',
    reason: error.reason,
    ...(cause !== undefined && { cause }),
    ...(response && { status: response.status }),
    ...(pingOne?.code !== undefined && { code: pingOne.code }),
    ...(pingOne?.id !== undefined && { id: pingOne.id }),
  } as const;
  if (cause === undefined) {
    logger.warn('Sign-in failed: PingOne answered what this route cannot use.', details);
    return;
  }
  misconfigurationChannel.publish({
    cause,
    operation: step === 'authorize' ? 'GET as/authorize' : 'POST as/token',
    status: response?.status,
  } satisfies MisconfigurationMessage);
  const log = logger.error ?? logger.warn;
  log.call(logger, `Sign-in failed: ${MISCONFIGURATION_FIXES[cause]}`, details);
}
