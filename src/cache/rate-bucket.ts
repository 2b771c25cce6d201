/**
 * A rate with a little burst, as the generic cell rate algorithm keeps it: one number, the
 * theoretical arrival time (TAT) of the next call. A call is taken when the TAT is at most
 * `toleranceMs` ahead of now, and pushes it `intervalMs` further. Over any window of length W,
 * at most `W / intervalMs + toleranceMs / intervalMs + 1` calls are taken, however the window
 * falls: a fixed window would allow twice its count across the boundary of two windows, which
 * PingOne, whose windows are not ours, could answer with 429s.
 */
export interface RateBucket {
  /**
   * Takes one call if the bucket's debt stays within `toleranceMs`: answers `0`, else the
   * milliseconds until it would (at least 1), taking nothing. A caller with a higher tolerance
   * passes before one with a lower.
   */
  take(toleranceMs: number): number | Promise<number>;
}

/** A store that keeps a rate bucket for every instance sharing it, as `RedisStore` does. */
export interface RateBucketStore {
  /** The bucket named `name` (for example `session-reads`), taking one call every `intervalMs`. */
  rateBucket(name: string, intervalMs: number): RateBucket;
}

export function isRateBucketStore(store: object | undefined): store is RateBucketStore {
  return typeof (store as Partial<RateBucketStore> | undefined)?.rateBucket === 'function';
}

/** A bucket in this process's memory: for one instance, or as a shared bucket's fallback. */
export function memoryRateBucket(intervalMs: number, now = () => performance.now()): RateBucket {
  let arrival = 0;
  return {
    take(toleranceMs) {
      const at = now();
      const due = Math.max(arrival, at);
      const wait = due - at - toleranceMs;
      if (wait > 0) return Math.ceil(wait);
      arrival = due + intervalMs;
      return 0;
    },
  };
}
