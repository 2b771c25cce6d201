import { randomUUID } from 'node:crypto';

/** Error bodies in PingOne's shape: `{ id, code, message, details? }`. */
export const pingOneErrors = {
  invalidToken: () => ({
    status: 401,
    body: {
      id: randomUUID(),
      code: 'ACCESS_FAILED',
      message: 'The request could not be completed. You do not have access to this resource.',
      details: [
        {
          code: 'INVALID_TOKEN',
          message: 'The request could not be completed. The access token is invalid or expired.',
        },
      ],
    },
  }),
  notFound: () => ({
    status: 404,
    body: {
      id: randomUUID(),
      code: 'NOT_FOUND',
      message: 'The request could not be completed. The requested resource was not found.',
    },
  }),
  missingSessionToken: () => ({
    status: 400,
    body: {
      id: randomUUID(),
      code: 'INVALID_REQUEST',
      message: 'The request could not be completed. No session token cookie was sent.',
      details: [{ code: 'REQUIRED_VALUE', target: 'ST', message: 'A session token is required.' }],
    },
  }),
  unsupportedMediaType: () => ({
    status: 415,
    body: {
      id: randomUUID(),
      code: 'INVALID_REQUEST',
      message: 'The request could not be completed. The Content-Type is not supported.',
    },
  }),
  /** `400 INVALID_DATA` with one detail, as PingOne answers a flow action it refuses. */
  invalidData: (target: string, code: string, message: string, innerError?: object) => ({
    status: 400,
    body: {
      id: randomUUID(),
      code: 'INVALID_DATA',
      message:
        'The request could not be completed. One or more validation errors were in the request.',
      details: [{ code, target, message, ...(innerError && { innerError }) }],
    },
  }),
  invalidRequest: (message: string) => ({
    status: 400,
    body: { id: randomUUID(), code: 'INVALID_REQUEST', message },
  }),
  /**
   * A path no PingOne service serves: a `404` without PingOne's error body, as the host's edge
   * answers before any service sees the request. Its exact body is UNCONFIRMED; what matters is
   * that it is not PingOne's `NOT_FOUND`, which means "no such session" (a wrong `apiPath` must
   * not look like a working one).
   */
  noSuchPath: () => ({
    status: 404,
    body: { message: 'Not Found' },
  }),
  /** What the flow API is reported to answer an `Accept` that admits only `application/json`. */
  notAcceptable: () => ({
    status: 406,
    body: {
      id: randomUUID(),
      code: 'NOT_ACCEPTABLE',
      message: 'The request could not be completed. The Accept header is not supported.',
    },
  }),
  methodNotAllowed: () => ({
    status: 405,
    body: {
      id: randomUUID(),
      code: 'METHOD_NOT_ALLOWED',
      message: 'The request could not be completed. The method is not allowed.',
    },
  }),
};

export interface EmulatorAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string | string[]>;
}
