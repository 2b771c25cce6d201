import type { SessionStore } from '../cache/session-store';
import { ConfigError, type ConfigErrorCode } from '../errors';
import {
  DEFAULTS,
  ENVIRONMENT_VARIABLES,
  type AccessTokenSource,
  type CacheOptions,
  type CircuitBreakerOptions,
  type RetryOptions,
  type LogoutOptions,
  type PingSessionLogger,
  type PingSessionOptions,
  type SignInOptions,
} from '../options';
import type { OriginPolicy } from '../http/request-origin';
import { adaptLogger } from './logger';
import { REGIONS } from './regions';
import {
  checkBaseUrl,
  checkCookieDomain,
  checkCookieName,
  checkEnvironmentId,
  checkKeySecret,
  checkBoolean,
  checkKnownKeys,
  checkLogger,
  checkOptionsObject,
  checkOrigins,
  checkOneOf,
  checkRegion,
  checkReturnTo,
  checkSessionStore,
  checkSitePath,
  checkTimeoutMs,
  checkWholeNumber,
  toAbsoluteHttpUrl,
} from './validations';

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

export interface ResolvedLogout extends OriginPolicy {
  path: string;
  returnTo: string;
  clearCookies: string[];
  allowedReturnTo: ReadonlySet<string>;
  everywhere: boolean;
}

export interface ResolvedSignIn extends OriginPolicy {
  clientId: string;
  /** Secret: never log or serialize it. */
  clientSecret: string | undefined;
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  redirectUri: string | undefined;
  scope: string;
  path: string;
  returnTo: string;
  allowedReturnTo: ReadonlySet<string>;
}

export interface ResolvedCache {
  max: number;
  ttlMs: number;
  negativeTtlMs: number;
  negativeMax: number;
  /** A store shared with other instances, in front of which this process keeps its memory layer. */
  store: SessionStore | undefined;
  /** Secret: never log or serialize it. */
  keySecret: string | undefined;
  storeTimeoutMs: number;
  unheardTtlMs: number;
  staleIfErrorMs: number;
}

export interface ResolvedRetry {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  budgetMs: number;
}

export interface ResolvedUnknownTokenBudget {
  burst: number;
  perMinute: number;
  clients: number;
}

export interface ResolvedCircuitBreaker {
  failureRate: number;
  minimumCalls: number;
  windowMs: number;
  cooldownMs: number;
}

export interface ResolvedOptions {
  environmentId: string;
  apiPath: string;
  authPath: string;
  credentials: Credentials;
  cookieName: string;
  maxTokenLength: number;
  cookieDomain: string | undefined;
  cookiePath: string;
  timeoutMs: number;
  onUpstreamError: 'degrade' | 'fail-closed' | 'fail-open';
  retry: ResolvedRetry | false;
  circuitBreaker: ResolvedCircuitBreaker | false;
  maxConcurrentUpstream: number;
  maxQueuedUpstream: number;
  unknownTokenBudget: ResolvedUnknownTokenBudget | false;
  logout: ResolvedLogout | false;
  signIn: ResolvedSignIn | false;
  cache: ResolvedCache | false;
  logger: PingSessionLogger;
}

const OPTION_NAMES: readonly (keyof PingSessionOptions)[] = [
  'environmentId',
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
const SIGN_IN_OPTION_NAMES: readonly (keyof SignInOptions)[] = [
  'clientId',
  'clientSecret',
  'tokenEndpointAuthMethod',
  'redirectUri',
  'scope',
  'path',
  'returnTo',
  'allowedOrigins',
  'allowNoOrigin',
  'allowedReturnTo',
];
const LOGOUT_OPTION_NAMES: readonly (keyof LogoutOptions)[] = [
  'path',
  'everywhere',
  'returnTo',
  'clearCookies',
  'allowedOrigins',
  'allowNoOrigin',
  'allowedReturnTo',
];
const CACHE_OPTION_NAMES: readonly (keyof CacheOptions)[] = [
  'max',
  'ttlMs',
  'negativeTtlMs',
  'negativeMax',
  'store',
  'keySecret',
  'storeTimeoutMs',
  'unheardTtlMs',
  'staleIfErrorMs',
];
const RETRY_OPTION_NAMES: readonly (keyof RetryOptions)[] = [
  'maxAttempts',
  'baseDelayMs',
  'maxDelayMs',
  'budgetMs',
];
const BREAKER_OPTION_NAMES: readonly (keyof CircuitBreakerOptions)[] = [
  'failureRate',
  'minimumCalls',
  'windowMs',
  'cooldownMs',
];
const SILENT: PingSessionLogger = { warn() {}, info() {} };

type Env = Record<string, string | undefined>;

/**
 * Turns what the user gave (options first, then `PINGONE_*` environment variables, then
 * {@link DEFAULTS}) into checked settings, once, at start-up.
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
  const fromEnv = (name: Exclude<keyof typeof ENVIRONMENT_VARIABLES, `signIn${string}`>) =>
    options[name] ?? emptyToUndefined(env[ENVIRONMENT_VARIABLES[name]]);

  const region = checkRegion(fromEnv('region') ?? DEFAULTS.region);
  return {
    environmentId: checkEnvironmentId(fromEnv('environmentId')),
    apiPath: checkBaseUrl(
      'apiPath',
      ENVIRONMENT_VARIABLES.apiPath,
      fromEnv('apiPath') ?? REGIONS[region].apiPath,
    ),
    authPath: checkBaseUrl(
      'authPath',
      ENVIRONMENT_VARIABLES.authPath,
      fromEnv('authPath') ?? REGIONS[region].authPath,
    ),
    credentials: resolveCredentials(options, env),
    cookieName: checkCookieName('cookieName', options.cookieName ?? DEFAULTS.cookieName),
    maxTokenLength: checkWholeNumber(
      'maxTokenLength',
      options.maxTokenLength ?? DEFAULTS.maxTokenLength,
      16,
      16_384,
      'ERR_PINGONE_MAX_TOKEN_LENGTH',
    ),
    cookieDomain: checkCookieDomain(options.cookieDomain),
    cookiePath: checkSitePath(
      'cookiePath',
      options.cookiePath ?? DEFAULTS.cookiePath,
      'ERR_PINGONE_COOKIE_ATTRIBUTES',
    ),
    timeoutMs: checkTimeoutMs(options.timeoutMs ?? DEFAULTS.timeoutMs),
    onUpstreamError: checkOneOf(
      'onUpstreamError',
      options.onUpstreamError ?? DEFAULTS.onUpstreamError,
      ['degrade', 'fail-closed', 'fail-open'],
      'ERR_PINGONE_ON_UPSTREAM_ERROR',
    ),
    retry: resolveRetry(options.retry),
    circuitBreaker: resolveCircuitBreaker(options.circuitBreaker),
    maxConcurrentUpstream: checkWholeNumber(
      'maxConcurrentUpstream',
      options.maxConcurrentUpstream ?? DEFAULTS.maxConcurrentUpstream,
      1,
      10_000,
      'ERR_PINGONE_RESILIENCE',
    ),
    maxQueuedUpstream: checkWholeNumber(
      'maxQueuedUpstream',
      options.maxQueuedUpstream ?? DEFAULTS.maxQueuedUpstream,
      0,
      1_000_000,
      'ERR_PINGONE_RESILIENCE',
    ),
    unknownTokenBudget: resolveNumbers(
      'unknownTokenBudget',
      options.unknownTokenBudget,
      ['burst', 'perMinute', 'clients'],
      DEFAULTS.unknownTokenBudget,
      { burst: [1, 1_000_000], perMinute: [0, 1_000_000], clients: [1, 10_000_000] },
    ),
    logout: resolveLogout(options.logout),
    signIn: resolveSignIn(options.signIn, env),
    cache: resolveCache(options.cache),
    logger: adaptLogger(checkLogger(options.logger ?? console) || SILENT),
  };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/**
 * Credentials given as options are taken as a whole: the environment is read only when no
 * credential option was given, so a `PINGONE_CLIENT_ID` left in the shell cannot mix with an
 * `accessToken` passed in code.
 */
function resolveCredentials(options: PingSessionOptions, env: Env): Credentials {
  const given =
    options.accessToken !== undefined ||
    options.clientId !== undefined ||
    options.clientSecret !== undefined;
  const accessToken: AccessTokenSource | undefined = given
    ? options.accessToken
    : emptyToUndefined(env[ENVIRONMENT_VARIABLES.accessToken]);
  const clientId = given ? options.clientId : emptyToUndefined(env[ENVIRONMENT_VARIABLES.clientId]);
  const clientSecret = given
    ? options.clientSecret
    : emptyToUndefined(env[ENVIRONMENT_VARIABLES.clientSecret]);
  const authMethod = checkOneOf(
    'tokenEndpointAuthMethod',
    options.tokenEndpointAuthMethod ?? DEFAULTS.tokenEndpointAuthMethod,
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

function resolveLogout(logout: PingSessionOptions['logout']): ResolvedLogout | false {
  if (logout === false) return false;
  const given = checkOptionsObject('logout', logout, LOGOUT_OPTION_NAMES, 'ERR_PINGONE_LOGOUT');
  const clearCookies = given.clearCookies ?? DEFAULTS.logout.clearCookies;
  if (!Array.isArray(clearCookies)) {
    throw new ConfigError('ERR_PINGONE_LOGOUT', 'logout.clearCookies must be an array of names.');
  }
  return {
    path: checkSitePath('logout.path', given.path ?? DEFAULTS.logout.path, 'ERR_PINGONE_LOGOUT'),
    returnTo: checkReturnTo(
      'logout.returnTo',
      given.returnTo ?? DEFAULTS.logout.returnTo,
      'ERR_PINGONE_LOGOUT',
    ),
    clearCookies: clearCookies.map((name, i) => checkCookieName(`logout.clearCookies[${i}]`, name)),
    everywhere: checkBoolean(
      'logout.everywhere',
      given.everywhere ?? DEFAULTS.logout.everywhere,
      'ERR_PINGONE_LOGOUT',
    ),
    ...resolveOriginPolicy('logout', given, 'ERR_PINGONE_LOGOUT'),
  };
}

/** Who may post to a route and where it may send the browser back to: logout and sign-in alike. */
function resolveOriginPolicy(
  where: 'logout' | 'signIn',
  given: Pick<LogoutOptions, 'allowedOrigins' | 'allowNoOrigin' | 'allowedReturnTo'>,
  code: ConfigErrorCode,
): OriginPolicy & { allowedReturnTo: ReadonlySet<string> } {
  return {
    allowedOrigins: checkOrigins(`${where}.allowedOrigins`, given.allowedOrigins, code),
    allowNoOrigin: checkBoolean(`${where}.allowNoOrigin`, given.allowNoOrigin ?? false, code),
    allowedReturnTo: checkOrigins(`${where}.allowedReturnTo`, given.allowedReturnTo, code),
  };
}

function resolveSignIn(signIn: PingSessionOptions['signIn'], env: Env): ResolvedSignIn | false {
  const code = 'ERR_PINGONE_SIGN_IN';
  const envClientId = emptyToUndefined(env[ENVIRONMENT_VARIABLES.signInClientId]);
  if (signIn === false || (signIn === undefined && envClientId === undefined)) return false;
  const given = checkOptionsObject('signIn', signIn, SIGN_IN_OPTION_NAMES, code);
  // As with the worker's credentials, the environment is read only when no credential is given.
  const fromCode = given.clientId !== undefined || given.clientSecret !== undefined;
  const clientId = fromCode ? given.clientId : envClientId;
  const clientSecret = fromCode
    ? given.clientSecret
    : emptyToUndefined(env[ENVIRONMENT_VARIABLES.signInClientSecret]);
  if (typeof clientId !== 'string' || clientId.trim() === '') {
    throw new ConfigError(
      code,
      'signIn.clientId (or PINGONE_SIGNIN_CLIENT_ID) must be the client ID of a PingOne OIDC ' +
        'application with the authorization code grant; or set signIn: false.',
    );
  }
  if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret === '')) {
    throw new ConfigError(code, 'signIn.clientSecret must be a non-empty string, or left out.');
  }
  const authMethod = checkOneOf(
    'signIn.tokenEndpointAuthMethod',
    given.tokenEndpointAuthMethod ??
      (clientSecret === undefined ? 'none' : DEFAULTS.tokenEndpointAuthMethod),
    ['client_secret_basic', 'client_secret_post', 'none'],
    code,
  );
  if ((authMethod === 'none') !== (clientSecret === undefined)) {
    throw new ConfigError(
      code,
      authMethod === 'none'
        ? 'signIn.tokenEndpointAuthMethod "none" takes no clientSecret: leave it out.'
        : `signIn.tokenEndpointAuthMethod "${authMethod}" needs signIn.clientSecret (or PINGONE_SIGNIN_CLIENT_SECRET).`,
    );
  }
  const scope = given.scope ?? DEFAULTS.signIn.scope;
  if (
    typeof scope !== 'string' ||
    !scope.split(' ').includes('openid') ||
    /[^\x21-\x7e ]/.test(scope)
  ) {
    throw new ConfigError(
      code,
      'signIn.scope must be space-separated scopes that include "openid", such as "openid profile".',
    );
  }
  const resolved: ResolvedSignIn = {
    clientId,
    clientSecret,
    authMethod,
    redirectUri: given.redirectUri === undefined ? undefined : checkRedirectUri(given.redirectUri),
    scope,
    path: checkSitePath('signIn.path', given.path ?? DEFAULTS.signIn.path, code),
    returnTo: checkReturnTo('signIn.returnTo', given.returnTo ?? DEFAULTS.signIn.returnTo, code),
    ...resolveOriginPolicy('signIn', given, code),
  };
  return unlisted(resolved, 'clientSecret');
}

function checkRedirectUri(value: unknown): string {
  const url = toAbsoluteHttpUrl(value);
  if (url !== undefined) return url;
  throw new ConfigError(
    'ERR_PINGONE_SIGN_IN',
    'signIn.redirectUri must be an absolute http(s) URL registered on the application, without a fragment.',
  );
}

/**
 * Makes a secret property non-enumerable, so `JSON.stringify`, `console.log` and spreading the
 * resolved options never show it; code that names the property still reads it.
 */
function unlisted<T extends object>(value: T, key: keyof T): T {
  Object.defineProperty(value, key, { enumerable: false });
  return value;
}

function resolveCache(cache: PingSessionOptions['cache']): ResolvedCache | false {
  if (cache === false) return false;
  const given = checkOptionsObject('cache', cache, CACHE_OPTION_NAMES, 'ERR_PINGONE_CACHE');
  const number = (option: keyof typeof DEFAULTS.cache, min: number, max: number) =>
    checkWholeNumber(
      `cache.${option}`,
      given[option] ?? DEFAULTS.cache[option],
      min,
      max,
      'ERR_PINGONE_CACHE',
    );
  const store = checkSessionStore(given.store);
  const resolved: ResolvedCache = {
    max: number('max', 1, 10_000_000),
    ttlMs: number('ttlMs', 1, 3_600_000),
    negativeTtlMs: number('negativeTtlMs', 0, 3_600_000),
    negativeMax: number('negativeMax', 1, 10_000_000),
    store,
    keySecret: checkKeySecret(given.keySecret, store !== undefined),
    storeTimeoutMs: number('storeTimeoutMs', 1, 10_000),
    unheardTtlMs: number('unheardTtlMs', 1, 60_000),
    staleIfErrorMs: number('staleIfErrorMs', 0, 86_400_000),
  };
  return unlisted(resolved, 'keySecret');
}

/** An options object (or `false`) whose every key is a whole number with a default. */
function resolveNumbers<K extends string>(
  where: string,
  given: Partial<Record<K, number>> | false | undefined,
  names: readonly K[],
  defaults: Record<K, number>,
  ranges: Record<K, readonly [number, number]>,
): Record<K, number> | false {
  if (given === false) return false;
  const options = checkOptionsObject(where, given, names, 'ERR_PINGONE_RESILIENCE');
  const resolved = {} as Record<K, number>;
  for (const name of names) {
    const [min, max] = ranges[name];
    resolved[name] = checkWholeNumber(
      `${where}.${name}`,
      options[name] ?? defaults[name],
      min,
      max,
      'ERR_PINGONE_RESILIENCE',
    );
  }
  return resolved;
}

function resolveRetry(retry: PingSessionOptions['retry']): ResolvedRetry | false {
  return resolveNumbers('retry', retry, RETRY_OPTION_NAMES, DEFAULTS.retry, {
    maxAttempts: [1, 10],
    baseDelayMs: [1, 60_000],
    maxDelayMs: [1, 60_000],
    budgetMs: [1, 300_000],
  });
}

function resolveCircuitBreaker(
  breaker: PingSessionOptions['circuitBreaker'],
): ResolvedCircuitBreaker | false {
  if (breaker === false) return false;
  const { failureRate = DEFAULTS.circuitBreaker.failureRate, ...counts } = checkOptionsObject(
    'circuitBreaker',
    breaker,
    BREAKER_OPTION_NAMES,
    'ERR_PINGONE_RESILIENCE',
  );
  if (typeof failureRate !== 'number' || !(failureRate > 0 && failureRate < 1)) {
    throw new ConfigError(
      'ERR_PINGONE_RESILIENCE',
      'circuitBreaker.failureRate must be a share of calls between 0 and 1 (exclusive), such as 0.5.',
    );
  }
  const numbers = resolveNumbers(
    'circuitBreaker',
    counts,
    ['minimumCalls', 'windowMs', 'cooldownMs'],
    DEFAULTS.circuitBreaker,
    {
      minimumCalls: [1, 100_000],
      windowMs: [1000, 3_600_000],
      cooldownMs: [1, 3_600_000],
    },
  );
  return { failureRate, ...(numbers as Omit<ResolvedCircuitBreaker, 'failureRate'>) };
}
