import { readBudgetChannel, type ReadBudgetMessage } from '../core/channels';
import type { PingSessionLogger } from '../core/logger';
import { withTimeout } from './with-timeout';
import { memoryRateBucket, type RateBucket, type RateBucketStore } from './rate-bucket';

export type ReadPriority = ReadBudgetMessage['priority'];

/** A needed read waits this long at most for the budget; then PingOne counts as unavailable. */
const NEEDED_WAIT_MS = 1000;
/** The logger hears of a spent budget at most this often. */
const TELL_EVERY_MS = 60_000;
/** While the shared bucket fails, renewals are not tried for this long. */
const SHARED_FAILED_PAUSE_MS = 1000;

/**
 * The time the budget keeps: a monotonic clock for the rate, the epoch for the age of answers
 * (`checkedAt`), and a way to wait. Tests step one by hand; the process's own is the default.
 */
export interface BudgetClock {
  now(): number;
  epochNow(): number;
  sleep(ms: number): Promise<void>;
}

const processClock: BudgetClock = {
  now: () => performance.now(),
  epochNow: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface ReadBudgetOptions {
  /** Reads a second, across every instance sharing `store`. */
  perSecond: number;
  maxStaleMs: number;
  /** Where instances share the bucket; without one, this instance counts alone. */
  store: RateBucketStore | undefined;
  /** How long the shared bucket may take to answer before this instance counts alone. */
  timeoutMs: number;
  logger: PingSessionLogger;
  clock?: BudgetClock;
}

/** How a budget of `perSecond` reads is kept: see {@link ReadBudget}. */
export interface BudgetShape {
  /** Between two reads at the rate. */
  intervalMs: number;
  /** How far ahead of the rate a needed read may go: the burst. */
  neededToleranceMs: number;
}

export function budgetShape(perSecond: number): BudgetShape {
  const burst = perSecond >= 2 ? Math.ceil(perSecond / 20) : 0;
  const margin = perSecond >= 4 ? Math.ceil(perSecond / 20) : 0;
  const intervalMs = 1000 / (perSecond - burst - margin);
  return { intervalMs, neededToleranceMs: burst * intervalMs };
}

/** A renewal's share of the burst: up to half of it, as the answer held nears `maxStaleMs`. */
export function renewalToleranceMs(shape: BudgetShape, ageMs: number, maxStaleMs: number): number {
  const staleness = Math.min(1, Math.max(0, ageMs / maxStaleMs));
  return (shape.neededToleranceMs * staleness) / 2;
}

/**
 * PingOne session reads, at most `perSecond` in any one second across every instance sharing the
 * bucket. The rate is 90% of the budget; 5% is a burst only reads that are needed may use; the
 * last 5% is left for the network, which may bring reads taken apart closer together at PingOne.
 * A needed read (nothing servable held: a first read, one past `maxStaleMs`) thus goes ahead of a
 * renewal of a session held, and when the budget is spent it waits for the rate, up to a second.
 * A renewal is refused at once when it would wait: the cache serves the session it holds
 * instead, and no renewal is tried in this process until the bucket could have room, which costs
 * the hot path one comparison. The older the answer held, the more of the burst its renewal may
 * use, up to half of it as it nears `maxStaleMs`: the sessions nearest to having to be read are
 * renewed first, and few ever reach it, while a needed read waiting for the rate still passes
 * before any renewal.
 */
export class ReadBudget {
  readonly #shared: RateBucket | undefined;
  readonly #local: RateBucket;
  readonly #shape: BudgetShape;
  readonly #maxStaleMs: number;
  readonly #timeoutMs: number;
  readonly #perSecond: number;
  readonly #logger: PingSessionLogger;
  readonly #clock: BudgetClock;
  /** Until then, the bucket has no room for a renewal without tolerance. */
  #renewalsFrom = 0;
  #toldAt = -Infinity;

  constructor({ perSecond, maxStaleMs, store, timeoutMs, logger, clock }: ReadBudgetOptions) {
    this.#clock = clock ?? processClock;
    this.#shape = budgetShape(perSecond);
    this.#maxStaleMs = maxStaleMs;
    this.#shared = store?.rateBucket('session-reads', this.#shape.intervalMs);
    this.#local = memoryRateBucket(this.#shape.intervalMs, this.#clock.now);
    this.#timeoutMs = timeoutMs;
    this.#perSecond = perSecond;
    this.#logger = logger;
  }

  /**
   * Whether a renewal of an answer PingOne gave at `checkedAt` (epoch milliseconds) would be
   * refused now: the budget was spent a moment ago.
   */
  defersRenewalOf(checkedAt: number): boolean {
    return this.#clock.now() + this.#renewalTolerance(checkedAt) < this.#renewalsFrom;
  }

  /**
   * Spends one read; false when the budget has none for a read of this priority. A renewal
   * gives when the answer it would replace was given (`checkedAt`, epoch milliseconds).
   */
  async spend(priority: ReadPriority, checkedAt = 0): Promise<boolean> {
    const started = this.#clock.now();
    const granted =
      priority === 'renewal'
        ? await this.#renew(started, this.#renewalTolerance(checkedAt))
        : await this.#need(started);
    if (readBudgetChannel.hasSubscribers) {
      readBudgetChannel.publish({
        priority,
        granted,
        waitedMs: this.#clock.now() - started,
      } satisfies ReadBudgetMessage);
    }
    if (!granted) this.#tell(priority);
    return granted;
  }

  #renewalTolerance(checkedAt: number): number {
    return renewalToleranceMs(this.#shape, this.#clock.epochNow() - checkedAt, this.#maxStaleMs);
  }

  async #renew(now: number, toleranceMs: number): Promise<boolean> {
    if (now + toleranceMs < this.#renewalsFrom) return false;
    let wait: number;
    try {
      wait = await this.#take(this.#shared ?? this.#local, toleranceMs);
    } catch {
      // Without the shared count, a renewal could only add to other instances' reads.
      wait = SHARED_FAILED_PAUSE_MS;
    }
    if (wait === 0) return true;
    this.#renewalsFrom = Math.max(this.#renewalsFrom, this.#clock.now() + wait + toleranceMs);
    return false;
  }

  /**
   * A needed read that would wait books its place: taken with its wait added to its tolerance,
   * it holds the bucket's next slot (renewals and later reads go after it) and is made when the
   * slot comes. Waiting and asking again instead would be a race that renewals could win.
   */
  async #need(started: number): Promise<boolean> {
    const tolerance = this.#shape.neededToleranceMs;
    for (;;) {
      const wait = await this.#needed(tolerance);
      if (wait === 0) return true;
      if (this.#clock.now() + wait - started > NEEDED_WAIT_MS) return false;
      if ((await this.#needed(tolerance + wait)) === 0) {
        await this.#clock.sleep(wait);
        return true;
      }
    }
  }

  async #needed(toleranceMs: number): Promise<number> {
    try {
      return await this.#take(this.#shared ?? this.#local, toleranceMs);
    } catch {
      // The shared count is away: a needed read is counted by this instance alone, so users
      // still sign in, and each instance keeps to the budget by itself meanwhile.
      return this.#local.take(toleranceMs);
    }
  }

  async #take(bucket: RateBucket, toleranceMs: number): Promise<number> {
    return bucket === this.#local
      ? bucket.take(toleranceMs)
      : withTimeout(() => bucket.take(toleranceMs), this.#timeoutMs);
  }

  #tell(priority: ReadPriority): void {
    const now = this.#clock.now();
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
