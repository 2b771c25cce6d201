/** The `error` codes the sign-in route answers with. Stable: pages and clients branch on them. */
export type SignInErrorCode =
  | 'invalid_credentials'
  | 'invalid_otp'
  | 'password_rejected'
  | 'locked'
  | 'flow_expired'
  | 'wrong_step'
  | 'unsupported_step'
  | 'signin_failed'
  | 'signin_expired'
  | 'signin_denied'
  | 'invalid_request'
  | 'pingone_unavailable'
  | 'too_many_attempts';

export const SIGN_IN_ERROR_CODES: ReadonlySet<string> = new Set<SignInErrorCode>([
  'invalid_credentials',
  'invalid_otp',
  'password_rejected',
  'locked',
  'flow_expired',
  'wrong_step',
  'unsupported_step',
  'signin_failed',
  'signin_expired',
  'signin_denied',
  'invalid_request',
  'pingone_unavailable',
  'too_many_attempts',
]);

/** The `error` codes the library answers with itself. Stable: clients may branch on them. */
export type ErrorResponseCode =
  | 'unauthenticated'
  | 'step_up_required'
  | 'pingone_unavailable'
  | 'logout_failed'
  | 'method_not_allowed'
  | 'cross_site_request'
  | 'invalid_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | SignInErrorCode;
