import { ConfigError } from '../core/errors';
import {
  checkOptionsObject,
  checkWholeNumber,
  resolveNumbers,
  unlisted,
} from '../config/validations';
import type { SessionStore } from './session-store';

/** Options of {@link PingSessionOptions.unknownTokenBudget}. */
export interface UnknownTokenBudgetOptions {
  /** Reads a client may spend at once. Default: `30`. */
  burst?: number;
  /** Reads given back to each client per minute, up to `burst`. Default: `60`. */
  perMinute?: number;
  /** Clients tracked at once; the least recently seen are forgotten first. Default: `10000`. */
  clients?: number;
}

/**
 * Options of the session cache. An entry lives `ttlMs`, never past the session's `expiresAt` nor
 * past `activeAt + idleTimeoutInMinutes`; so a session ended at PingOne by other means than this
 * app's logout is still accepted for at most `ttlMs`.
 */
export interface CacheOptions {
  /** Most entries held in this process's memory (least recently used go first). Default: `10000`. */
  max?: number;
  /** Longest time a session PingOne vouched for is reused without asking again. Default: `30000`. */
  ttlMs?: number;
  /**
   * Longest time `req.pingUser()`'s answer is reused without asking PingOne again, so that an
   * administrator's change to the user (a role, a disabled account) shows within it. Never across
   * sessions or sign-ons, nor past the session's end; `0` reads the user on every request that
   * asks. Default: `60000`.
   */
  userTtlMs?: number;
  /**
   * How long a token PingOne said has no session is remembered, so a flood of bad cookies is not
   * a flood of PingOne calls. `0` turns this off. Default: `5000`.
   */
  negativeTtlMs?: number;
  /**
   * Most tokens with no session held in memory, apart from the sessions (`max`), so that made-up
   * tokens never push a signed-in user's session out. Default: `10000`.
   */
  negativeMax?: number;
  /**
   * A store shared by several app instances, such as `RedisStore` from
   * `express-pingone-session/redis`. This process keeps its own in-memory layer in front of it,
   * which drops an entry as soon as any instance signs its token out. Default: memory only.
   */
  store?: SessionStore;
  /**
   * Secret (at least 32 characters) that keys the hash cache keys are made with, so that
   * instances sharing a store agree on keys. Required with a shared `store`.
   * Default: a random key for this process.
   */
  keySecret?: string;
  /**
   * Longest wait for the shared store, in milliseconds; a slower or failing store is skipped and
   * PingOne asked directly. Default: `100`.
   */
  storeTimeoutMs?: number;
  /**
   * While this instance cannot hear other instances' sign-outs (the shared store's pub/sub is
   * down) and for 5 s after it is back, a session is reused from memory for at most this long, so
   * a logout on another instance meanwhile takes effect here within it. Default: `1000`.
   */
  unheardTtlMs?: number;
  /**
   * When PingOne cannot be asked (down, timing out, circuit open), a session this process holds
   * that PingOne vouched for less than this long ago is served anyway, never past its
   * `expiresAt`. A trade of correctness for availability: a session ended meanwhile is accepted.
   * `0` turns it off. Default: `0`.
   */
  staleIfErrorMs?: number;
  /**
   * A budget of PingOne session reads per second, kept across every instance sharing the `store`
   * (a rate bucket in Redis; per instance without a shared store, or while it is down), at most
   * this many in any one second. When demand is higher, a session PingOne vouched for less than
   * `maxStaleMs` ago is served a while longer instead of being read again (never past the
   * session's end, never after a sign-out or an end of the session heard by this instance),
   * while reads that cannot wait (a session this instance holds no servable answer for) go first
   * and wait up to a second for the budget, then count as PingOne unavailable. Sign-ins and
   * sign-outs are not session reads and never wait for it. Set it below your licence's rate
   * for session reads; see docs/scale.md. Default: no budget.
   */
  pingOneReadsPerSecond?: number;
  /**
   * With `pingOneReadsPerSecond`: the oldest PingOne answer served while the budget is spent, so
   * a session ended at PingOne by other means than this app's logout is accepted for at most
   * this long. At least `ttlMs`. Default: four times `ttlMs`.
   */
  maxStaleMs?: number;
}

export interface ResolvedCache {
  max: number;
  ttlMs: number;
  userTtlMs: number;
  negativeTtlMs: number;
  negativeMax: number;
  /** A store shared with other instances, in front of which this process keeps its memory layer. */
  store: SessionStore | undefined;
  /** Secret: never log or serialize it. */
  keySecret: string | undefined;
  storeTimeoutMs: number;
  unheardTtlMs: number;
  staleIfErrorMs: number;
  /** `undefined`: no read budget. */
  pingOneReadsPerSecond: number | undefined;
  maxStaleMs: number;
}

export interface ResolvedUnknownTokenBudget {
  burst: number;
  perMinute: number;
  clients: number;
}

export const CACHE_DEFAULTS = {
  unknownTokenBudget: {
    burst: 30,
    perMinute: 60,
    clients: 10_000,
  },
  cache: {
    max: 10_000,
    ttlMs: 30_000,
    userTtlMs: 60_000,
    negativeTtlMs: 5_000,
    negativeMax: 10_000,
    storeTimeoutMs: 100,
    unheardTtlMs: 1000,
    staleIfErrorMs: 0,
  },
} as const;

const CACHE_OPTION_NAMES: readonly (keyof CacheOptions)[] = [
  'max',
  'ttlMs',
  'userTtlMs',
  'negativeTtlMs',
  'negativeMax',
  'store',
  'keySecret',
  'storeTimeoutMs',
  'unheardTtlMs',
  'staleIfErrorMs',
  'pingOneReadsPerSecond',
  'maxStaleMs',
];

export function resolveUnknownTokenBudget(
  budget: UnknownTokenBudgetOptions | false | undefined,
): ResolvedUnknownTokenBudget | false {
  return resolveNumbers(
    'unknownTokenBudget',
    budget,
    ['burst', 'perMinute', 'clients'],
    CACHE_DEFAULTS.unknownTokenBudget,
    { burst: [1, 1_000_000], perMinute: [0, 1_000_000], clients: [1, 10_000_000] },
    'ERR_PINGONE_RESILIENCE',
  );
}

export function resolveCache(cache: CacheOptions | false | undefined): ResolvedCache | false {
  if (cache === false) return false;
  const given = checkOptionsObject('cache', cache, CACHE_OPTION_NAMES, 'ERR_PINGONE_CACHE');
  const number = (option: keyof typeof CACHE_DEFAULTS.cache, min: number, max: number) =>
    checkWholeNumber(
      `cache.${option}`,
      given[option] ?? CACHE_DEFAULTS.cache[option],
      min,
      max,
      'ERR_PINGONE_CACHE',
    );
  const store = checkSessionStore(given.store);
  const ttlMs = number('ttlMs', 1, 3_600_000);
  const resolved: ResolvedCache = {
    max: number('max', 1, 10_000_000),
    ttlMs,
    userTtlMs: number('userTtlMs', 0, 86_400_000),
    negativeTtlMs: number('negativeTtlMs', 0, 3_600_000),
    negativeMax: number('negativeMax', 1, 10_000_000),
    store,
    keySecret: checkKeySecret(given.keySecret, store !== undefined),
    storeTimeoutMs: number('storeTimeoutMs', 1, 10_000),
    unheardTtlMs: number('unheardTtlMs', 1, 60_000),
    staleIfErrorMs: number('staleIfErrorMs', 0, 86_400_000),
    ...readBudgetOf(given, ttlMs),
  };
  return unlisted(resolved, 'keySecret');
}

/** The read budget, and how stale an answer it may serve: at least `ttlMs`. */
function readBudgetOf(
  given: CacheOptions,
  ttlMs: number,
): Pick<ResolvedCache, 'pingOneReadsPerSecond' | 'maxStaleMs'> {
  const { pingOneReadsPerSecond, maxStaleMs } = given;
  if (pingOneReadsPerSecond === undefined) {
    if (maxStaleMs !== undefined) {
      throw new ConfigError(
        'ERR_PINGONE_CACHE',
        'cache.maxStaleMs only applies with a read budget: set cache.pingOneReadsPerSecond too, or remove cache.maxStaleMs.',
      );
    }
    return { pingOneReadsPerSecond: undefined, maxStaleMs: ttlMs };
  }
  const perSecond = checkWholeNumber(
    'cache.pingOneReadsPerSecond',
    pingOneReadsPerSecond,
    1,
    1_000_000,
    'ERR_PINGONE_CACHE',
  );
  return {
    pingOneReadsPerSecond: perSecond,
    maxStaleMs: checkWholeNumber(
      'cache.maxStaleMs',
      maxStaleMs ?? ttlMs * 4,
      ttlMs,
      86_400_000,
      'ERR_PINGONE_CACHE',
    ),
  };
}

/** The hash key of shared cache entries: guessable, and keys could be tested against tokens. */
function checkKeySecret(value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length < 32) {
    throw new ConfigError(
      'ERR_PINGONE_CACHE',
      (value === undefined
        ? 'cache.keySecret is required with a shared cache.store, so that every instance makes the same keys. '
        : 'cache.keySecret must be a string of at least 32 characters. ') +
        'Give the same random secret to every instance, for example from `openssl rand -base64 32`.',
    );
  }
  return value;
}

function checkSessionStore(value: unknown): SessionStore | undefined {
  if (value === undefined) return undefined;
  const store = value as Partial<SessionStore> | null;
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.get !== 'function' ||
    typeof store.set !== 'function' ||
    typeof store.delete !== 'function'
  ) {
    throw new ConfigError(
      'ERR_PINGONE_CACHE',
      'cache.store must be a session store with get, set and delete methods, such as ' +
        "new RedisStore({ url }) from 'express-pingone-session/redis'.",
    );
  }
  return value as SessionStore;
}
