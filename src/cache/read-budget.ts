import { readBudgetChannel, type ReadBudgetMessage } from '../core/channels';
import type { PingSessionLogger } from '../core/logger';
import { withTimeout } from './guarded-store';
import { memoryRateBucket, type RateBucket, type RateBucketStore } from './rate-bucket';

export type ReadPriority = ReadBudgetMessage['priority'];

/** A needed read waits this long at most for the budget; then PingOne counts as unavailable. */
const NEEDED_WAIT_MS = 1000;
/** The logger hears of a spent budget at most this often. */
const TELL_EVERY_MS = 60_000;
/** While the shared bucket fails, renewals are not tried for this long. */
const SHARED_FAILED_PAUSE_MS = 1000;

/**
 * PingOne session reads, at most `perSecond` in any one second across every instance sharing the
 * bucket. The rate is a tenth below the budget, and that tenth is a burst only reads that are
 * needed may use: a read with nothing servable held (a first read, one past `maxStaleMs`) goes
 * ahead of a renewal of a session held, and when the budget is spent it waits for the rate, up to
 * a second. A renewal is taken only at the rate, and refused at once when it would wait: the
 * cache serves the session it holds instead, and no renewal is tried in this process until the
 * bucket has room, which costs the hot path one comparison.
 */
export class ReadBudget {
  readonly #shared: RateBucket | undefined;
  readonly #local: RateBucket;
  readonly #neededToleranceMs: number;
  readonly #timeoutMs: number;
  readonly #perSecond: number;
  readonly #logger: PingSessionLogger;
  /** Renewals are refused without asking until then: the bucket had no room. */
  #renewalsFrom = 0;
  #toldAt = -Infinity;

  constructor(
    perSecond: number,
    store: RateBucketStore | undefined,
    timeoutMs: number,
    logger: PingSessionLogger,
  ) {
    const burst = perSecond >= 2 ? Math.ceil(perSecond / 10) : 0;
    const intervalMs = 1000 / (perSecond - burst);
    this.#neededToleranceMs = burst * intervalMs;
    this.#shared = store?.rateBucket('session-reads', intervalMs);
    this.#local = memoryRateBucket(intervalMs);
    this.#timeoutMs = timeoutMs;
    this.#perSecond = perSecond;
    this.#logger = logger;
  }

  /** Whether a renewal now would be refused: the budget was spent a moment ago. */
  defersRenewals(): boolean {
    return performance.now() < this.#renewalsFrom;
  }

  /** Spends one read; false when the budget has none for a read of this priority. */
  async spend(priority: ReadPriority): Promise<boolean> {
    const started = performance.now();
    const granted = priority === 'renewal' ? await this.#renew(started) : await this.#need(started);
    if (readBudgetChannel.hasSubscribers) {
      readBudgetChannel.publish({
        priority,
        granted,
        waitedMs: performance.now() - started,
      } satisfies ReadBudgetMessage);
    }
    if (!granted) this.#tell(priority);
    return granted;
  }

  async #renew(now: number): Promise<boolean> {
    if (now < this.#renewalsFrom) return false;
    let wait: number;
    try {
      wait = await this.#take(this.#shared ?? this.#local, 0);
    } catch {
      // Without the shared count, a renewal could only add to other instances' reads.
      wait = SHARED_FAILED_PAUSE_MS;
    }
    if (wait === 0) return true;
    this.#renewalsFrom = Math.max(this.#renewalsFrom, performance.now() + wait);
    return false;
  }

  async #need(started: number): Promise<boolean> {
    for (;;) {
      let wait: number;
      try {
        wait = await this.#take(this.#shared ?? this.#local, this.#neededToleranceMs);
      } catch {
        // The shared count is away: a needed read is counted by this instance alone, so users
        // still sign in, and each instance keeps to the budget by itself meanwhile.
        wait = await this.#local.take(this.#neededToleranceMs);
      }
      if (wait === 0) return true;
      if (performance.now() + wait - started > NEEDED_WAIT_MS) return false;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async #take(bucket: RateBucket, toleranceMs: number): Promise<number> {
    return bucket === this.#local
      ? bucket.take(toleranceMs)
      : withTimeout(() => bucket.take(toleranceMs), this.#timeoutMs);
  }

  #tell(priority: ReadPriority): void {
    const now = performance.now();
    if (now - this.#toldAt < TELL_EVERY_MS) return;
    this.#toldAt = now;
    this.#logger.warn(
      priority === 'renewal'
        ? 'The PingOne read budget is spent; sessions checked within maxStaleMs are served without a read.'
        : 'The PingOne read budget is spent; a session that had to be read counts as PingOne unavailable.',
      { event: 'read_budget_spent', priority, perSecond: this.#perSecond },
    );
  }
}
