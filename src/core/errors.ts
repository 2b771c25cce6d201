import type { Misconfiguration } from './misconfiguration';

/**
 * Codes a {@link ConfigError} can carry. Each names the option that is wrong; the message says how
 * to fix it. Branch on the code, never on the message text.
 */
export type ConfigErrorCode =
  | 'ERR_PINGONE_UNKNOWN_OPTION'
  | 'ERR_PINGONE_ENVIRONMENT_ID'
  | 'ERR_PINGONE_REGION'
  | 'ERR_PINGONE_API_PATH'
  | 'ERR_PINGONE_AUTH_PATH'
  | 'ERR_PINGONE_CREDENTIALS'
  | 'ERR_PINGONE_TOKEN_ENDPOINT_AUTH_METHOD'
  | 'ERR_PINGONE_COOKIE_NAME'
  | 'ERR_PINGONE_MAX_TOKEN_LENGTH'
  | 'ERR_PINGONE_COOKIE_ATTRIBUTES'
  | 'ERR_PINGONE_TIMEOUT_MS'
  | 'ERR_PINGONE_ON_UPSTREAM_ERROR'
  | 'ERR_PINGONE_LOGOUT'
  | 'ERR_PINGONE_SIGN_IN'
  | 'ERR_PINGONE_CACHE'
  | 'ERR_PINGONE_RESILIENCE'
  | 'ERR_PINGONE_LOGGER'
  | 'ERR_PINGONE_REDIS_STORE'
  | 'ERR_PINGONE_LOGIN_URL'
  | 'ERR_PINGONE_STEP_UP'
  | 'ERR_PINGONE_HANDLER'
  | 'ERR_PINGONE_NOT_READY';

/** Thrown at start-up by a factory given options it cannot work with. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(`${message} [${code}]`);
  }
}

/**
 * Codes of failures where PingOne gave no error body of its own. When PingOne did answer with an
 * error body, {@link PingOneError.code} is PingOne's code instead (`NOT_FOUND`, `ACCESS_FAILED`,
 * `REQUEST_LIMITED`, `UNEXPECTED_ERROR`...).
 */
export const TRANSPORT_ERROR_CODES = {
  /** No answer within `timeoutMs`, or the call's whole budget (`retry.budgetMs`) ran out. */
  timeout: 'ERR_PINGONE_TIMEOUT',
  /** No connection could be made (refused, DNS, unreachable): the request never left. */
  connect: 'ERR_PINGONE_CONNECT',
  /** The connection failed once made (reset, closed early). */
  network: 'ERR_PINGONE_NETWORK',
  /** An error status with no PingOne error body (a proxy's HTML page, for example). */
  httpStatus: 'ERR_PINGONE_HTTP_STATUS',
  /** An answer that is not what PingOne sends: HTML, broken JSON, a session without an `id`. */
  badResponse: 'ERR_PINGONE_BAD_RESPONSE',
  /** Not sent: PingOne's host failed repeatedly and the circuit breaker is cooling down. */
  circuitOpen: 'ERR_PINGONE_CIRCUIT_OPEN',
  /** Not sent: `maxConcurrentUpstream` calls were in flight and the queue behind them was full. */
  overloaded: 'ERR_PINGONE_OVERLOADED',
  /** Not sent: PingOne answered this kind of call `429`, and its `Retry-After` outlasts the budget. */
  rateLimited: 'ERR_PINGONE_RATE_LIMITED',
  /**
   * Not sent: the client's unknown-token budget is spent, and this server has not seen the token
   * valid lately. PingOne could not be asked, which is not "no session".
   */
  budgetSpent: 'ERR_PINGONE_BUDGET_SPENT',
} as const;

/** One entry of PingOne's error `details`. */
export interface PingOneErrorDetail {
  code?: string;
  target?: string;
  message?: string;
  innerError?: Record<string, unknown>;
}

export interface PingOneErrorInit {
  /** Which call failed, for example `GET sessions/me`. Never holds a token. */
  operation: string;
  code: string;
  status?: number;
  id?: string;
  details?: PingOneErrorDetail[];
  retryAfter?: string;
  misconfiguration?: Misconfiguration;
}

/**
 * A call to PingOne failed. Carries what PingOne said (HTTP `status`, its error `code`, the error
 * `id` its support asks for, and `details`) and never any token.
 */
export class PingOneError extends Error {
  override readonly name = 'PingOneError';
  readonly operation: string;
  readonly code: string;
  readonly status: number | undefined;
  readonly id: string | undefined;
  readonly details: PingOneErrorDetail[];
  readonly retryAfter: string | undefined;
  /**
   * Set when PingOne's answer means this server is set up wrong (credentials, environment, the
   * worker application's role, `apiPath`, the access token), not that PingOne is failing.
   */
  readonly misconfiguration: Misconfiguration | undefined;

  constructor(init: PingOneErrorInit) {
    const status = init.status === undefined ? '' : ` ${init.status}`;
    super(`PingOne ${init.operation} failed:${status} ${init.code}`);
    this.operation = init.operation;
    this.code = init.code;
    this.status = init.status;
    this.id = init.id;
    this.details = init.details ?? [];
    this.retryAfter = init.retryAfter;
    this.misconfiguration = init.misconfiguration;
  }
}

/** Codes an {@link AccountError} can carry. */
export type AccountErrorCode =
  /** The request has no valid session: there is no user to act for. */
  | 'ERR_PINGONE_NO_SESSION'
  /** The session ID is not one of the signed-in user's current sessions. */
  | 'ERR_PINGONE_NOT_YOUR_SESSION'
  /** `endSession()` was asked to end the request's own session: use the logout route for that. */
  | 'ERR_PINGONE_CURRENT_SESSION'
  /** `listSessions()`, `endSession()` or `req.pingUser()` without `pingSession()` before them. */
  | 'ERR_PINGONE_NOT_MOUNTED';

/**
 * A request to act on the signed-in user's account that cannot be done as asked. Nothing was sent
 * to PingOne. `status` is the HTTP status a route would answer with.
 */
export class AccountError extends Error {
  override readonly name = 'AccountError';

  constructor(
    readonly code: AccountErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(`${message} [${code}]`);
  }
}
