import { ConfigError } from '../core/errors';
import { readEnv, type Env } from '../config/env';
import { checkOneOf, unlisted } from '../config/validations';

/** How the server-held access token is obtained. Holds secrets: never log or serialize it. */
export type Credentials =
  | { kind: 'static'; accessToken: string }
  | { kind: 'function'; accessToken: () => string | Promise<string> }
  | {
      kind: 'client';
      clientId: string;
      clientSecret: string;
      authMethod: 'client_secret_basic' | 'client_secret_post';
    };

/** A worker access token, or a function that returns a current one. */
export type AccessTokenSource = string | (() => string | Promise<string>);

/** The options the worker's credentials come from. */
export interface CredentialOptionsInput {
  accessToken?: AccessTokenSource;
  clientId?: string;
  clientSecret?: string;
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

/**
 * Credentials given as options are taken as a whole: the environment is read only when no
 * credential option was given, so a `PINGONE_CLIENT_ID` left in the shell cannot mix with an
 * `accessToken` passed in code.
 */
export function resolveCredentials(
  options: CredentialOptionsInput,
  env: Env,
  defaultAuthMethod: 'client_secret_basic' | 'client_secret_post',
): Credentials {
  const given =
    options.accessToken !== undefined ||
    options.clientId !== undefined ||
    options.clientSecret !== undefined;
  const accessToken: AccessTokenSource | undefined = given
    ? options.accessToken
    : readEnv(env, 'accessToken');
  const clientId = given ? options.clientId : readEnv(env, 'clientId');
  const clientSecret = given ? options.clientSecret : readEnv(env, 'clientSecret');
  const authMethod = checkOneOf(
    'tokenEndpointAuthMethod',
    options.tokenEndpointAuthMethod ?? defaultAuthMethod,
    ['client_secret_basic', 'client_secret_post'],
    'ERR_PINGONE_TOKEN_ENDPOINT_AUTH_METHOD',
  );

  const hasClient = clientId !== undefined || clientSecret !== undefined;
  if (accessToken !== undefined && hasClient) {
    throw new ConfigError(
      'ERR_PINGONE_CREDENTIALS',
      'Give either accessToken or clientId + clientSecret, not both.',
    );
  }
  if (typeof accessToken === 'function') return { kind: 'function', accessToken };
  if (accessToken !== undefined) {
    if (typeof accessToken !== 'string' || accessToken.trim() === '') {
      throw new ConfigError(
        'ERR_PINGONE_CREDENTIALS',
        'accessToken must be a non-empty string or a function that returns one.',
      );
    }
    return unlisted({ kind: 'static', accessToken }, 'accessToken');
  }
  if (
    typeof clientId === 'string' &&
    clientId &&
    typeof clientSecret === 'string' &&
    clientSecret
  ) {
    return unlisted({ kind: 'client', clientId, clientSecret, authMethod }, 'clientSecret');
  }
  throw new ConfigError(
    'ERR_PINGONE_CREDENTIALS',
    hasClient
      ? 'clientId and clientSecret go together: give both (or PINGONE_CLIENT_ID and PINGONE_CLIENT_SECRET).'
      : 'No PingOne credentials: give clientId + clientSecret of a worker application ' +
          '(or PINGONE_CLIENT_ID and PINGONE_CLIENT_SECRET), or accessToken (or PINGONE_ACCESS_TOKEN).',
  );
}
