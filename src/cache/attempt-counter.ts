import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { withTimeout } from './with-timeout';

/** How many attempts of one kind a key may make in a window. */
export interface AttemptLimit {
  /** Names the counter apart from others in a shared store, for example `signin-start`. */
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * Attempts per key in a fixed window: sign-in starts and guesses per address or username. Counted
 * before the attempt (so concurrent attempts count too) and given back when it turned out fine.
 * Backed by rate-limiter-flexible: memory, or Redis shared by every instance.
 */
export interface AttemptCounter {
  /** Counts one attempt: `0` when allowed, else the milliseconds until one is allowed again. */
  take(key: string): Promise<number>;
  /** Gives back an attempt that turned out fine. */
  giveBack(key: string): Promise<void>;
}

/** A store that counts attempts for every instance sharing it, as `RedisStore` does. */
export interface AttemptStore {
  attemptCounter(limit: AttemptLimit, timeoutMs: number): AttemptCounter;
}

export function isAttemptStore(store: object | undefined): store is AttemptStore {
  return typeof (store as Partial<AttemptStore> | undefined)?.attemptCounter === 'function';
}

/** Counted in this process's memory: for one instance, or as a shared counter's fallback. */
export function memoryAttemptCounter(limit: AttemptLimit): AttemptCounter {
  return limiterCounter(memoryLimiter(limit));
}

/**
 * Counted by `shared`; while it fails or takes longer than `timeoutMs` (its store down or
 * frozen), by this process's memory instead, so a sign-in neither hangs nor goes unbounded.
 */
export function sharedAttemptCounter(
  shared: RateLimiterAbstract,
  limit: AttemptLimit,
  timeoutMs: number,
): AttemptCounter {
  const local = memoryLimiter(limit);
  return {
    async take(key) {
      try {
        return await withTimeout(() => take(shared, key), timeoutMs);
      } catch {
        return take(local, key);
      }
    },
    async giveBack(key) {
      await withTimeout(() => shared.reward(key), timeoutMs).catch(() => local.reward(key));
    },
  };
}

function memoryLimiter({ name, limit, windowMs }: AttemptLimit): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: name, points: limit, duration: windowMs / 1000 });
}

function limiterCounter(limiter: RateLimiterAbstract): AttemptCounter {
  return {
    take: (key) => take(limiter, key),
    async giveBack(key) {
      await limiter.reward(key);
    },
  };
}

async function take(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return Math.max(1, refusal.msBeforeNext);
    throw refusal;
  }
}
