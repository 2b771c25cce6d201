import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { PingOneError, TRANSPORT_ERROR_CODES, type PingOneErrorDetail } from '../core/errors';
import type { Misconfiguration } from '../core/misconfiguration';

export interface UpstreamRequest {
  /** Names the call in errors, for example `GET sessions/me`. */
  operation: string;
  method: Method;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  headers: AxiosResponse['headers'];
  body: string;
}

/**
 * The one place that sends bytes to PingOne. Every answer comes back as text with its status
 * (callers decide what a status means); every failure to get an answer becomes a
 * {@link PingOneError} whose message holds no header value, so no token.
 */
export type UpstreamSend = (request: UpstreamRequest) => Promise<UpstreamResponse>;

export function createUpstream(): UpstreamSend {
  const client: AxiosInstance = axios.create({
    // Keep-alive saves a TLS handshake per session read.
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    // Counted after decompression: a gzip bomb stops here, not in memory.
    maxContentLength: MAX_RESPONSE_BYTES,
    headers: { 'User-Agent': 'express-pingone-session' },
  });
  // Each call names every header it sends; axios's default Accept would be one more.
  client.defaults.headers.common = {};

  return async function send(request) {
    const signal = AbortSignal.timeout(request.timeoutMs);
    try {
      const response = await client.request<string>({
        method: request.method,
        url: request.url,
        headers: request.headers,
        data: request.body,
        signal,
      });
      return {
        status: response.status,
        headers: response.headers,
        body: typeof response.data === 'string' ? response.data : '',
      };
    } catch (error) {
      // The axios error holds the request config, headers included: it must not escape.
      throw new PingOneError({ operation: request.operation, code: transportCode(error, signal) });
    }
  };
}

/**
 * Longest answer taken from PingOne, decompressed. A session is about 2 KB and a flow object
 * less; anything past this is not what PingOne sends.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** Errors of a connection that was never made: the request surely did not reach PingOne. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function transportCode(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return TRANSPORT_ERROR_CODES.timeout;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // axios's own error for an answer over maxContentLength: a bad answer, not a failed connection.
  if (typeof message === 'string' && message.startsWith('maxContentLength')) {
    return TRANSPORT_ERROR_CODES.badResponse;
  }
  return typeof code === 'string' && CONNECT_ERRORS.has(code)
    ? TRANSPORT_ERROR_CODES.connect
    : TRANSPORT_ERROR_CODES.network;
}

/** Parses a JSON body, or `undefined` when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The {@link PingOneError} for an error answer, with PingOne's code, id and details when sent. */
export function errorFromResponse(
  operation: string,
  response: UpstreamResponse,
  misconfiguration?: Misconfiguration,
): PingOneError {
  const body = parseJson(response.body);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const retryAfter = response.headers['retry-after'];
  return new PingOneError({
    operation,
    status: response.status,
    code:
      typeof fields.code === 'string'
        ? fields.code
        : typeof fields.error === 'string'
          ? fields.error
          : TRANSPORT_ERROR_CODES.httpStatus,
    id: typeof fields.id === 'string' ? fields.id : undefined,
    details: Array.isArray(fields.details) ? (fields.details as PingOneErrorDetail[]) : undefined,
    retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
    misconfiguration,
  });
}

/** An answer that is not what PingOne sends (HTML, broken JSON, a body of the wrong shape). */
export function badResponseError(operation: string, response: UpstreamResponse): PingOneError {
  return new PingOneError({
    operation,
    status: response.status,
    code: TRANSPORT_ERROR_CODES.badResponse,
  });
}

/** RFC 6749 section 2.3.1: each part is form-encoded before the Basic encoding. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const pair = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

/** `application/json`, `application/hal+json` and the like, whatever the parameters. */
export function isJsonResponse(response: UpstreamResponse): boolean {
  const type = response.headers['content-type'];
  return typeof type === 'string' && /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type);
}
