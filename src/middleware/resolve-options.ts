import {
  resolveCache,
  resolveUnknownTokenBudget,
  type ResolvedCache,
  type ResolvedUnknownTokenBudget,
} from '../cache/options';
import { resolveClientOptions, type ResolvedClientOptions } from '../client/options';
import { warnOfLocalPingOne } from '../client/location-options';
import { ConfigError } from '../core/errors';
import type { PingSessionLogger } from '../core/logger';
import type { Env } from '../config/env';
import { resolveLogger } from '../config/logger';
import { checkKnownKeys, checkOneOf } from '../config/validations';
import { resolveCookieOptions, type ResolvedCookieOptions } from '../http/cookie-options';
import { resolveLogout, type ResolvedLogout } from '../logout/options';
import { resolveSignIn, type ResolvedSignIn } from '../signin/options';
import type { PingSessionOptions } from './options';

/** Every option of pingSession(), checked and with its defaults: what the features are given. */
export interface ResolvedOptions extends ResolvedClientOptions, ResolvedCookieOptions {
  onUpstreamError: 'degrade' | 'fail-closed' | 'fail-open';
  unknownTokenBudget: ResolvedUnknownTokenBudget | false;
  logout: ResolvedLogout | false;
  signIn: ResolvedSignIn | false;
  cache: ResolvedCache | false;
  logger: PingSessionLogger;
}

/** In the order of PingSessionOptions, which is the order an unknown option's message lists. */
const OPTION_NAMES: readonly (keyof PingSessionOptions)[] = [
  'environmentId',
  'workerEnvironmentId',
  'region',
  'apiPath',
  'authPath',
  'accessToken',
  'clientId',
  'clientSecret',
  'tokenEndpointAuthMethod',
  'cookieName',
  'maxTokenLength',
  'cookieDomain',
  'cookiePath',
  'cookieSecure',
  'timeoutMs',
  'onUpstreamError',
  'retry',
  'circuitBreaker',
  'maxConcurrentUpstream',
  'maxQueuedUpstream',
  'unknownTokenBudget',
  'logout',
  'signIn',
  'cache',
  'logger',
];

/**
 * Turns what the user gave (options first, then `PINGONE_*` environment variables, then
 * each feature's defaults) into checked settings, once, at start-up.
 */
export function resolveOptions(
  options: PingSessionOptions = {},
  env: Env = process.env,
): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('ERR_PINGONE_UNKNOWN_OPTION', 'pingSession() takes an options object.');
  }
  if (typeof (options as { addFault?: unknown }).addFault === 'function') {
    // The emulator object has the fields by other names (url, authPath…): a common first try.
    throw new ConfigError(
      'ERR_PINGONE_UNKNOWN_OPTION',
      'pingSession() was given the emulator itself: pass emulator.options() instead.',
    );
  }
  checkKnownKeys('pingSession()', options, OPTION_NAMES);

  const client = resolveClientOptions(options, env);
  warnOfLocalPingOne([client.apiPath, client.authPath], env.NODE_ENV);
  const signIn = resolveSignIn(options.signIn, env, keySecretOf(options.cache));
  return {
    ...client,
    ...resolveCookieOptions(options, {
      publicUrl: signIn ? signIn.redirectUri : undefined,
      nodeEnv: env.NODE_ENV,
    }),
    onUpstreamError: checkOneOf(
      'onUpstreamError',
      options.onUpstreamError ?? 'degrade',
      ['degrade', 'fail-closed', 'fail-open'],
      'ERR_PINGONE_ON_UPSTREAM_ERROR',
    ),
    unknownTokenBudget: resolveUnknownTokenBudget(options.unknownTokenBudget),
    logout: resolveLogout(options.logout),
    signIn,
    cache: resolveCache(options.cache),
    logger: resolveLogger(options.logger),
  };
}

/** The shared cache's key secret, for features that derive their own keys from it. */
function keySecretOf(cache: PingSessionOptions['cache']): string | undefined {
  const secret = typeof cache === 'object' && cache !== null ? cache.keySecret : undefined;
  return typeof secret === 'string' ? secret : undefined;
}
