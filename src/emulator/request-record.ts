import type { IncomingHttpHeaders } from 'node:http';

/**
 * One request as the emulator received it, for tests that check the exact contract; typed
 * passwords and one-time codes in its body are redacted.
 */
export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The fault played instead of a real answer, if any: for example `status 503` or `reset`. */
  fault?: string;
  /** When it arrived, in epoch milliseconds. */
  at: number;
}

/** Keeps a request for tests to look at, dropping the oldest tenth once the record is full. */
export function remember(requests: RecordedRequest[], max: number, record: RecordedRequest): void {
  if (requests.length >= max) requests.splice(0, Math.max(1, Math.ceil(max / 10)));
  requests.push(record);
}

/** Fields a person types that the record must not keep: passwords and one-time codes. */
const TYPED_SECRETS = new Set(['password', 'currentPassword', 'newPassword', 'otp']);
const REDACTED = '[redacted]';

/** A body as recorded: a form's or a JSON object's typed secrets replaced. */
export function redacted(body: string, contentType: string | undefined): string {
  if (body === '') return body;
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(body);
    if (![...form.keys()].some((name) => TYPED_SECRETS.has(name))) return body;
    for (const name of TYPED_SECRETS) if (form.has(name)) form.set(name, REDACTED);
    return form.toString();
  }
  if (!media.endsWith('json')) return body;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return body;
    const fields = parsed as Record<string, unknown>;
    if (!Object.keys(fields).some((name) => TYPED_SECRETS.has(name))) return body;
    for (const name of TYPED_SECRETS) if (name in fields) fields[name] = REDACTED;
    return JSON.stringify(fields);
  } catch {
    return body;
  }
}
