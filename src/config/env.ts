/** The environment variables {@link pingSession} reads for options it was not given. */
export const ENVIRONMENT_VARIABLES = {
  environmentId: 'PINGONE_ENVIRONMENT_ID',
  region: 'PINGONE_REGION',
  apiPath: 'PINGONE_API_PATH',
  authPath: 'PINGONE_AUTH_PATH',
  accessToken: 'PINGONE_ACCESS_TOKEN',
  workerEnvironmentId: 'PINGONE_WORKER_ENVIRONMENT_ID',
  clientId: 'PINGONE_CLIENT_ID',
  clientSecret: 'PINGONE_CLIENT_SECRET',
  signInClientId: 'PINGONE_SIGNIN_CLIENT_ID',
  signInClientSecret: 'PINGONE_SIGNIN_CLIENT_SECRET',
  signInMode: 'PINGONE_SIGNIN_MODE',
  signInRedirectUri: 'PINGONE_SIGNIN_REDIRECT_URI',
  signInCookieSecret: 'PINGONE_SIGNIN_COOKIE_SECRET',
} as const;

export type Env = Record<string, string | undefined>;

/** A variable's value; one that is set but empty counts as not set. */
export function readEnv(env: Env, name: keyof typeof ENVIRONMENT_VARIABLES): string | undefined {
  const value = env[ENVIRONMENT_VARIABLES[name]];
  return value === '' ? undefined : value;
}
