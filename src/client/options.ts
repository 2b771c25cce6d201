import { ConfigError } from '../core/errors';
import { ENVIRONMENT_VARIABLES, readEnv, type Env } from '../config/env';
import { checkOptionsObject, checkWholeNumber, resolveNumbers } from '../config/validations';
import {
  resolveCredentials,
  type Credentials,
  type CredentialOptionsInput,
} from './credential-options';
import { checkBaseUrl, checkEnvironmentId, checkRegion } from './location-options';
import { REGIONS, type PingOneRegion } from './regions';

/*
 * The options of the PingOne client: where PingOne is, the worker's credentials, and how calls
 * behave when PingOne is slow or away. Their documentation for users is on PingSessionOptions.
 */

/** Options of {@link PingSessionOptions.retry}. */
export interface RetryOptions {
  /** Most attempts of one call, the first included. Default: `3`. */
  maxAttempts?: number;
  /** First backoff ceiling; it doubles per retry, and each wait is random below it. Default: `100`. */
  baseDelayMs?: number;
  /** Highest backoff ceiling. Default: `2000`. */
  maxDelayMs?: number;
  /**
   * Longest time one lookup or sign-out may take end to end: the wait for a slot, for an access
   * token (your `accessToken` function included), for a `Retry-After`, and every attempt. Past it
   * the call fails with `ERR_PINGONE_TIMEOUT`. With `retry: false` the budget is `timeoutMs`.
   * Default: `10000`.
   */
  budgetMs?: number;
}

/** Options of {@link PingSessionOptions.circuitBreaker}. */
export interface CircuitBreakerOptions {
  /**
   * Share of failed calls (network errors, timeouts, 408, 5xx; not 429, which pauses calls for
   * its `Retry-After` instead) over `windowMs`, above which the circuit opens: more than 0, less
   * than 1. Default: `0.5`.
   */
  failureRate?: number;
  /** Calls within `windowMs` below which the circuit never opens, whatever failed. Default: `20`. */
  minimumCalls?: number;
  /** The window the failure rate is measured over, in milliseconds. Default: `10000`. */
  windowMs?: number;
  /** How long an open circuit fails calls at once before a trial call. Default: `10000`. */
  cooldownMs?: number;
}

export interface ResolvedRetry {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  budgetMs: number;
}

export interface ResolvedCircuitBreaker {
  failureRate: number;
  minimumCalls: number;
  windowMs: number;
  cooldownMs: number;
}

export interface ResolvedClientOptions {
  environmentId: string;
  /** Where the worker's token is asked for: `environmentId` unless the worker lives elsewhere. */
  workerEnvironmentId: string;
  apiPath: string;
  authPath: string;
  credentials: Credentials;
  timeoutMs: number;
  retry: ResolvedRetry | false;
  circuitBreaker: ResolvedCircuitBreaker | false;
  maxConcurrentUpstream: number;
  maxQueuedUpstream: number;
}

/** The options of {@link PingSessionOptions} this feature reads. */
export interface ClientOptionsInput extends CredentialOptionsInput {
  environmentId?: string;
  workerEnvironmentId?: string;
  region?: PingOneRegion;
  apiPath?: string;
  authPath?: string;
  timeoutMs?: number;
  retry?: RetryOptions | false;
  circuitBreaker?: CircuitBreakerOptions | false;
  maxConcurrentUpstream?: number;
  maxQueuedUpstream?: number;
}

export const CLIENT_DEFAULTS = {
  region: 'NA',
  tokenEndpointAuthMethod: 'client_secret_basic',
  timeoutMs: 5000,
  retry: {
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 2_000,
    budgetMs: 10_000,
  },
  circuitBreaker: {
    failureRate: 0.5,
    minimumCalls: 20,
    windowMs: 10_000,
    cooldownMs: 10_000,
  },
  maxConcurrentUpstream: 64,
  maxQueuedUpstream: 256,
} as const;

export const CLIENT_OPTION_NAMES: readonly (keyof ClientOptionsInput)[] = [
  'environmentId',
  'workerEnvironmentId',
  'region',
  'apiPath',
  'authPath',
  'accessToken',
  'clientId',
  'clientSecret',
  'tokenEndpointAuthMethod',
  'timeoutMs',
  'retry',
  'circuitBreaker',
  'maxConcurrentUpstream',
  'maxQueuedUpstream',
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

/** The client's options, from what was given, then `PINGONE_*` variables, then the defaults. */
export function resolveClientOptions(given: ClientOptionsInput, env: Env): ResolvedClientOptions {
  const fromEnv = (
    name: 'environmentId' | 'workerEnvironmentId' | 'region' | 'apiPath' | 'authPath',
  ) => given[name] ?? readEnv(env, name);
  const region = checkRegion(fromEnv('region') ?? CLIENT_DEFAULTS.region);
  const environmentId = checkEnvironmentId(fromEnv('environmentId'));
  const worker = fromEnv('workerEnvironmentId');
  return {
    environmentId,
    workerEnvironmentId:
      worker === undefined
        ? environmentId
        : checkEnvironmentId(worker, 'workerEnvironmentId (or PINGONE_WORKER_ENVIRONMENT_ID)'),
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
    credentials: resolveCredentials(given, env, CLIENT_DEFAULTS.tokenEndpointAuthMethod),
    timeoutMs: checkTimeoutMs(given.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs),
    retry: resolveRetry(given.retry),
    circuitBreaker: resolveCircuitBreaker(given.circuitBreaker),
    maxConcurrentUpstream: checkWholeNumber(
      'maxConcurrentUpstream',
      given.maxConcurrentUpstream ?? CLIENT_DEFAULTS.maxConcurrentUpstream,
      1,
      10_000,
      'ERR_PINGONE_RESILIENCE',
    ),
    maxQueuedUpstream: checkWholeNumber(
      'maxQueuedUpstream',
      given.maxQueuedUpstream ?? CLIENT_DEFAULTS.maxQueuedUpstream,
      0,
      1_000_000,
      'ERR_PINGONE_RESILIENCE',
    ),
  };
}

function checkTimeoutMs(value: unknown): number {
  return checkWholeNumber('timeoutMs', value, 1, 120_000, 'ERR_PINGONE_TIMEOUT_MS');
}

function resolveRetry(retry: RetryOptions | false | undefined): ResolvedRetry | false {
  return resolveNumbers(
    'retry',
    retry,
    RETRY_OPTION_NAMES,
    CLIENT_DEFAULTS.retry,
    {
      maxAttempts: [1, 10],
      baseDelayMs: [1, 60_000],
      maxDelayMs: [1, 60_000],
      budgetMs: [1, 300_000],
    },
    'ERR_PINGONE_RESILIENCE',
  );
}

function resolveCircuitBreaker(
  breaker: CircuitBreakerOptions | false | undefined,
): ResolvedCircuitBreaker | false {
  if (breaker === false) return false;
  const { failureRate = CLIENT_DEFAULTS.circuitBreaker.failureRate, ...counts } =
    checkOptionsObject('circuitBreaker', breaker, BREAKER_OPTION_NAMES, 'ERR_PINGONE_RESILIENCE');
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
    CLIENT_DEFAULTS.circuitBreaker,
    {
      minimumCalls: [1, 100_000],
      windowMs: [1000, 3_600_000],
      cooldownMs: [1, 3_600_000],
    },
    'ERR_PINGONE_RESILIENCE',
  );
  return { failureRate, ...(numbers as Omit<ResolvedCircuitBreaker, 'failureRate'>) };
}
