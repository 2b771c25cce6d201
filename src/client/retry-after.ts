/**
 * A `Retry-After` value (RFC 9110: whole seconds, or an HTTP date) as milliseconds from `now`;
 * `undefined` when absent or unreadable, `0` for a date already past.
 */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse reads "-5" as a year; an HTTP date always names its day and month.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
