import type { Request } from 'express';

/** Why a request body was refused. */
export type BodyProblem = 'too_large' | 'unsupported_media_type' | 'invalid_request';

/** Fields of a small form: names to strings, each at most this long, with no control character. */
const MAX_FIELD_LENGTH = 1024;
// Control characters are exactly what this must find.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * The string fields of a small `application/x-www-form-urlencoded` or `application/json` body (an
 * empty body is no fields), read here with a size limit, so the route works whatever body parsers
 * the app mounts, before or after it. A body a parser already read is taken from `req.body`: its
 * fields (`express.json()`, `express.urlencoded()`), or its text (`express.text()`,
 * `express.raw()`), parsed here. A body something else consumed is refused at once (`415`):
 * waiting on a stream that has ended would hold the request for ever.
 */
export async function readFields(
  req: Request,
  limitBytes: number,
): Promise<Record<string, string> | { problem: BodyProblem }> {
  const parsed: unknown = req.body;
  if (typeof parsed === 'object' && parsed !== null && !Buffer.isBuffer(parsed)) {
    return checkFields(Object.entries(parsed));
  }
  if (typeof parsed === 'string' || Buffer.isBuffer(parsed)) {
    const text = Buffer.isBuffer(parsed) ? parsed : Buffer.from(parsed, 'utf8');
    if (text.length > limitBytes) return { problem: 'too_large' };
    return fieldsOf(text.toString('utf8'), req);
  }
  // No declared length and not chunked: no body, and nothing to wait for.
  const length = req.headers['content-length'];
  if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
    return {};
  }
  if (req.readableEnded) return { problem: 'unsupported_media_type' };
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) return { problem: 'too_large' };
  const text = await readText(req, limitBytes);
  if (text === undefined) return { problem: 'too_large' };
  return fieldsOf(text, req);
}

/** The fields of a body's text, by its declared media type. */
function fieldsOf(text: string, req: Request): Record<string, string> | { problem: BodyProblem } {
  if (text === '') return {};
  const media = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/x-www-form-urlencoded') {
    const entries = [...new URLSearchParams(text)];
    const names = new Set(entries.map(([name]) => name));
    return names.size === entries.length ? checkFields(entries) : { problem: 'invalid_request' };
  }
  if (media === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { problem: 'invalid_request' };
    }
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? checkFields(Object.entries(body))
      : { problem: 'invalid_request' };
  }
  return { problem: 'unsupported_media_type' };
}

function checkFields(
  entries: [string, unknown][],
): Record<string, string> | { problem: BodyProblem } {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of entries) {
    if (typeof value !== 'string' || value.length > MAX_FIELD_LENGTH || CONTROL.test(value)) {
      return { problem: 'invalid_request' };
    }
    fields[name] = value;
  }
  return fields;
}

/** The body as UTF-8, or `undefined` once it passes `limitBytes` (the rest is not kept). */
function readText(req: Request, limitBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}
