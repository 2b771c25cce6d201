export { pingSession } from './middleware/ping-session';
export type { PingSessionMiddleware } from './middleware/ping-session';
export { requireSession } from './middleware/require-session';
export { withSession } from './middleware/with-session';
export type { SignedInHandler, SignedInRequest } from './middleware/with-session';
export { endSession, listSessions } from './account/request-account';
export { MemoryStore } from './cache/memory-store';
export type { MemoryStoreOptions } from './cache/memory-store';
export type { SessionStore, StoreListener, StoredLookup } from './cache/session-store';
export type { FlowStore } from './cache/flow-store';
export type { SignInDevice } from './signin/flow-records';
export type { PingSignInState, SignInErrorCode, SignInStep } from './signin/sign-in-state';
export { AccountError, ConfigError, PingOneError, TRANSPORT_ERROR_CODES } from './errors';
export { CHANNELS } from './diagnostics/channels';
export type {
  BreakerMessage,
  LogoutMessage,
  LookupMessage,
  MisconfigurationMessage,
  PingOneCallMessage,
  PingOneCallStartMessage,
  StoreErrorMessage,
  TokenRefreshMessage,
} from './diagnostics/channels';
export type { AccountErrorCode, ConfigErrorCode, PingOneErrorDetail } from './errors';
export type { ErrorResponseCode } from './http/send-error';
export type {
  AccessTokenSource,
  CacheOptions,
  CircuitBreakerOptions,
  LogDetails,
  LogoutOptions,
  PingSessionLogger,
  PingOneRegion,
  PingSessionOptions,
  RequireSessionOptions,
  RetryOptions,
  SignInOptions,
  UnknownTokenBudgetOptions,
} from './options';
export type * from './session';
export type { PingUser } from './user';
export type { PingSessionStatus } from './middleware/request-session';
