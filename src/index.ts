export { pingSession } from './middleware/ping-session';
export { requireSession } from './middleware/require-session';
export { ConfigError, PingOneError, TRANSPORT_ERROR_CODES } from './errors';
export type { ConfigErrorCode, PingOneErrorDetail } from './errors';
export type { ErrorResponseCode } from './http/send-error';
export type {
  AccessTokenSource,
  LogoutOptions,
  PingOneRegion,
  PingSessionOptions,
  RequireSessionOptions,
} from './options';
export type * from './session';
