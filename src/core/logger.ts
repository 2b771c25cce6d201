/**
 * Receives operational messages as `(message, details)`: `console` and winston fit as they are;
 * a pino logger, whose order is `(fields, message)`, is recognised and adapted. `error` is used
 * for misconfigurations (`warn` when absent).
 */
export interface PingSessionLogger {
  /** Misconfigurations; `warn` is used when absent. */
  error?(message: string, details: LogDetails): void;
  warn(message: string, details: LogDetails): void;
  info(message: string, details: LogDetails): void;
}

/** The structured part of a log message. `event` is stable; branch or alert on it. */
export interface LogDetails {
  event:
    | 'session_token_rejected'
    | 'logout_refused'
    | 'signin_refused'
    | 'signin_failed'
    | 'signin_unsupported_step'
    | 'signin_answer_unrecognised'
    | 'signin_limited'
    | 'session_store_unavailable'
    | 'session_store_recovered'
    | 'session_store_entry_rejected'
    | 'session_store_unheard'
    | 'session_store_heard'
    | 'pingone_token_lifetime_invalid'
    | 'pingone_misconfigured'
    | 'unknown_token_budget_spent'
    | 'read_budget_spent'
    | 'pingone_circuit_open'
    | 'pingone_circuit_half_open'
    | 'pingone_circuit_closed';
  [field: string]: unknown;
}
