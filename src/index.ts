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
export type { RateBucket, RateBucketStore } from './cache/rate-bucket';
export type { SignInDevice } from './signin/redirectless/flow-records';
export type { PingSignInState, SignInStep } from './signin/redirectless/sign-in-state';
export type { ErrorResponseCode, SignInErrorCode } from './core/error-responses';
export { AccountError, ConfigError, PingOneError, TRANSPORT_ERROR_CODES } from './core/errors';
export { CHANNELS } from './core/channels';
export type {
  BreakerMessage,
  LogoutMessage,
  LookupMessage,
  MisconfigurationMessage,
  PingOneCallMessage,
  PingOneCallStartMessage,
  ReadBudgetMessage,
  StoreErrorMessage,
  TokenRefreshMessage,
} from './core/channels';
export type { AccountErrorCode, ConfigErrorCode, PingOneErrorDetail } from './core/errors';
export type { PingSessionOptions } from './middleware/options';
export type { RequireSessionOptions } from './middleware/require-session-options';
export type { AccessTokenSource } from './client/credential-options';
export type { CircuitBreakerOptions, RetryOptions } from './client/options';
export type { PingOneRegion } from './client/regions';
export type { CacheOptions, UnknownTokenBudgetOptions } from './cache/options';
export type { LogoutOptions } from './logout/options';
export type { SignInOptions } from './signin/options';
export type { SignInLimitsOptions } from './signin/redirectless/limit-options';
export type { LogDetails, PingSessionLogger } from './core/logger';
export type * from './core/session';
export type { PingUser } from './core/user';
export type { PingSessionStatus } from './http/request-session';
