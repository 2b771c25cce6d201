/**
 * PingOne answers that mean this server is set up wrong, not that a user has no session. Each is
 * an upstream error (the request is "unavailable", never "signed out"), counted by the breaker,
 * and logged once a minute with what to fix.
 */
export type Misconfiguration =
  | 'credentials'
  | 'environment'
  | 'worker_role'
  | 'api_path'
  | 'access_token'
  | 'access_token_function'
  | 'signin_client'
  | 'signin_credentials'
  | 'signin_policy';

/** What each misconfiguration means, and the fix. */
export const MISCONFIGURATION_FIXES: Record<Misconfiguration, string> = {
  credentials:
    "The token endpoint refused the worker application's credentials: check clientId and " +
    'clientSecret (PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET), tokenEndpointAuthMethod, and that ' +
    'the application is enabled.',
  environment:
    'The token endpoint does not exist: check environmentId (PINGONE_ENVIRONMENT_ID) and region, ' +
    'or authPath (PINGONE_AUTH_PATH).',
  worker_role:
    'PingOne refused to read or reset sessions, or to read users (403): give the worker ' +
    'application a role that can in this environment (such as Identity Data Admin).',
  api_path:
    "sessions/me answered 404 without PingOne's NOT_FOUND error: apiPath (PINGONE_API_PATH) does " +
    'not point at the PingOne API of this region, such as https://api.pingone.eu/v1.',
  access_token:
    'PingOne refused the access token for sessions/me even when freshly issued: the worker ' +
    'application (or your accessToken) belongs to another environment than environmentId, or ' +
    'the token has expired.',
  access_token_function:
    'Your accessToken function gave no usable token (not a non-empty string of header-safe ' +
    'characters; undefined, say): make it resolve to the worker access token. Nothing was sent ' +
    'to PingOne.',
  signin_client:
    'PingOne refused to start a sign-in for the sign-in application: check signIn.clientId ' +
    '(PINGONE_SIGNIN_CLIENT_ID), that the application is enabled and has the Authorization Code ' +
    'grant and a sign-on policy, and, when signIn.redirectUri is set, that it is one of the ' +
    "application's redirect URIs.",
  signin_policy:
    "PingOne answered the sign-in application's authorize in DaVinci's format: its policy is a " +
    'DaVinci flow, which the redirectless route cannot drive. Assign it a PingOne ' +
    "authentication policy, or use hosted mode (signIn.mode 'hosted'), where PingOne runs any policy.",
  signin_credentials:
    "The token endpoint refused the sign-in application's credentials: check signIn.clientSecret " +
    '(PINGONE_SIGNIN_CLIENT_SECRET) and signIn.tokenEndpointAuthMethod against the application ' +
    'in PingOne (its Configuration tab).',
};
