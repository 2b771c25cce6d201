import type { ResolvedClientOptions } from './options';
import { PingOneError, TRANSPORT_ERROR_CODES } from '../core/errors';

/**
 * When a call to PingOne, and everything it waits for (a slot, an access token, a `Retry-After`,
 * every attempt), must be over: `retry.budgetMs` from now, or `timeoutMs` with retries off.
 */
export function deadlineFrom(options: Pick<ResolvedClientOptions, 'retry' | 'timeoutMs'>): number {
  return Date.now() + (options.retry ? options.retry.budgetMs : options.timeoutMs);
}

/**
 * `pending`'s outcome, or a timeout {@link PingOneError} once `deadline` passes, whichever comes
 * first; `onExpired` is told when the deadline wins, so the work can be dropped. The losing side
 * is still settled here, so a late rejection is never unhandled.
 */
export function beforeDeadline<T>(
  pending: Promise<T>,
  deadline: number,
  operation: string,
  onExpired?: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        onExpired?.();
        reject(new PingOneError({ operation, code: TRANSPORT_ERROR_CODES.timeout }));
      },
      Math.max(0, deadline - Date.now()),
    );
    pending.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
