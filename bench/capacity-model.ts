/*
 * A discrete-event model of many app instances in front of PingOne: what `npm run simulate`
 * runs. Virtual time, no sockets. It follows the session cache's rules (src/cache/session-cache.ts)
 * and uses the read budget's own shape and rate bucket (src/cache/read-budget.ts,
 * rate-bucket.ts), so that a change there changes the model too.
 */
import { memoryRateBucket, type RateBucket } from '../src/cache/rate-bucket';
import { budgetShape, renewalToleranceMs, type BudgetShape } from '../src/cache/read-budget';

export interface ModelInputs {
  /** Signed-in users, each browsing for the whole run. */
  users: number;
  instances: number;
  ttlMs: number;
  /** Mean time between two requests of one user (exponential), to a random instance. */
  thinkMs: number;
  /** `cache.pingOneReadsPerSecond`, if any. */
  budget?: number;
  /** `cache.maxStaleMs`. Default: four times `ttlMs`. */
  maxStaleMs?: number;
  /** `redis`: one shared store (and bucket); `memory`: each instance on its own. */
  store: 'redis' | 'memory';
  /** Users arrive evenly over this long (their first reads); measuring starts after `warmupMs`. */
  rampMs: number;
  warmupMs: number;
  measureMs: number;
  /** Sessions ended at PingOne by other means (an administrator, another app) while measured. */
  endedSessions: number;
  seed?: number;
}

export interface ModelResult {
  requests: number;
  /** PingOne session reads per second while measured: mean, and the busiest second. */
  readsPerSecond: number;
  busiestSecond: number;
  /** Share of requests served past `ttlMs` because the budget had no room. */
  deferredShare: number;
  /** Requests that found no budget within a second (PingOne unavailable). */
  unavailable: number;
  /**
   * How long a session ended at PingOne kept being served, from its end to the last request
   * that still got it: p50, p99, max (ms) over the ended sessions.
   */
  endedServedMs: { p50: number; p99: number; max: number };
  /** Age of the answers served past their fresh life, p99 (ms). */
  deferredAgeP99Ms: number;
  redisOpsPerSecond: number;
  /** Sessions each instance holds in memory at the end (mean), and the shared store. */
  entriesPerInstance: number;
  entriesInStore: number;
}

const NONE = -1;

/** A seeded random number generator (mulberry32): the same inputs give the same numbers. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A binary heap of users by the time of their next request. */
class Schedule {
  readonly #times: Float64Array;
  readonly #users: Int32Array;
  #size = 0;

  constructor(capacity: number) {
    this.#times = new Float64Array(capacity);
    this.#users = new Int32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(time: number, user: number): void {
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#times[parent]! <= time) break;
      this.#times[i] = this.#times[parent]!;
      this.#users[i] = this.#users[parent]!;
      i = parent;
    }
    this.#times[i] = time;
    this.#users[i] = user;
  }

  /** The earliest request's time; its user is then `lastUser`. */
  pop(): number {
    const time = this.#times[0]!;
    this.lastUser = this.#users[0]!;
    const size = --this.#size;
    const movedTime = this.#times[size]!;
    const movedUser = this.#users[size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.#times[child + 1]! < this.#times[child]!) child += 1;
      if (this.#times[child]! >= movedTime) break;
      this.#times[i] = this.#times[child]!;
      this.#users[i] = this.#users[child]!;
      i = child;
    }
    this.#times[i] = movedTime;
    this.#users[i] = movedUser;
    return time;
  }

  lastUser = 0;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** The `p` percentile of a histogram of buckets `width` wide (the bucket's upper edge). */
function histogramPercentile(counts: Float64Array, p: number, width: number): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  let seen = 0;
  for (let i = 0; i < counts.length; i += 1) {
    seen += counts[i]!;
    if (total > 0 && seen >= p * total) return (i + 1) * width;
  }
  return 0;
}

export function runModel(inputs: ModelInputs): ModelResult {
  const { users, instances, ttlMs, thinkMs, store } = inputs;
  const maxStaleMs = inputs.maxStaleMs ?? ttlMs * 4;
  const rand = random(inputs.seed ?? 1);
  const shared = store === 'redis';
  const budgeted = inputs.budget !== undefined;
  const keepMs = budgeted ? maxStaleMs : ttlMs;
  let now = 0;

  // When each instance (and the store) got its answer for each user; NONE: holds none.
  const memory = Array.from({ length: instances }, () => new Float64Array(users).fill(NONE));
  const stored = new Float64Array(shared ? users : 0).fill(NONE);
  // Ended at PingOne at this time (Infinity: not ended); a read after it answers no session.
  const endedAt = new Float64Array(users).fill(Infinity);
  const lastServedAfterEnd = new Float64Array(users).fill(NONE);
  // Once an instance read "no session" it refuses the token (kept as a negative entry).
  const refusedBy = Array.from({ length: instances }, () => new Uint8Array(users));
  const storeRefuses = new Uint8Array(shared ? users : 0);

  const shape: BudgetShape | undefined = budgeted ? budgetShape(inputs.budget!) : undefined;
  const clock = () => now;
  const buckets: RateBucket[] = !shape
    ? []
    : shared
      ? [memoryRateBucket(shape.intervalMs, clock)]
      : Array.from({ length: instances }, () => memoryRateBucket(shape.intervalMs, clock));
  const renewalsFrom = new Float64Array(instances);

  const measureFrom = inputs.warmupMs;
  const measureTo = inputs.warmupMs + inputs.measureMs;
  const readsBySecond = new Uint32Array(Math.ceil(inputs.measureMs / 1000) + 2);
  let requests = 0;
  let reads = 0;
  let deferred = 0;
  let unavailable = 0;
  let redisOps = 0;
  // Ages of deferred answers, by 100 ms.
  const deferredAges = new Float64Array(Math.ceil(maxStaleMs / 100) + 1);

  const measuring = () => now >= measureFrom && now < measureTo;
  /** How long the last lookup kept its request waiting. */
  let answerDelayMs = 0;
  const take = (instance: number, toleranceMs: number): number => {
    if (shared && measuring()) redisOps += 1;
    return buckets[shared ? 0 : instance]!.take(toleranceMs) as number;
  };
  const countRead = (at: number) => {
    if (at >= measureFrom && at < measureTo) {
      reads += 1;
      readsBySecond[Math.floor((at - measureFrom) / 1000)]! += 1;
    }
  };

  /** A read of PingOne at `at`: the answer every layer keeps. */
  const read = (instance: number, user: number, at: number): boolean => {
    countRead(at);
    if (at >= endedAt[user]!) {
      memory[instance]![user] = NONE;
      refusedBy[instance]![user] = 1;
      if (shared) storeRefuses[user] = 1;
      if (shared && measuring()) redisOps += 1;
      return false;
    }
    memory[instance]![user] = at;
    if (shared) {
      stored[user] = at;
      if (measuring()) redisOps += 1;
    }
    return true;
  };

  /** Whether the request got the session. */
  const lookup = (instance: number, user: number): boolean => {
    if (refusedBy[instance]![user]) return false;
    const held = memory[instance]![user]!;
    if (held !== NONE && now - held < ttlMs) return true;
    let fromStore = NONE;
    if (shared) {
      if (measuring()) redisOps += 1;
      if (storeRefuses[user]) {
        refusedBy[instance]![user] = 1;
        return false;
      }
      fromStore = stored[user]!;
      if (fromStore !== NONE && now - fromStore < ttlMs) {
        memory[instance]![user] = fromStore;
        return true;
      }
    }
    if (!shape) return read(instance, user, now);
    const newest = Math.max(held, fromStore);
    const renewable = newest !== NONE && now - newest < maxStaleMs;
    if (renewable) {
      const tolerance = renewalToleranceMs(shape, now - newest, maxStaleMs);
      const wait = now + tolerance < renewalsFrom[instance]! ? 1 : take(instance, tolerance);
      if (wait === 0) return read(instance, user, now);
      if (now + tolerance >= renewalsFrom[instance]!) {
        renewalsFrom[instance] = now + wait + tolerance;
      }
      memory[instance]![user] = newest;
      if (measuring()) {
        deferred += 1;
        deferredAges[Math.floor((now - newest) / 100)]! += 1;
      }
      return true;
    }
    // A needed read waits for the rate, up to a second, as ReadBudget's does; the user's next
    // request comes only after the answer.
    const wait = take(instance, shape.neededToleranceMs);
    if (wait > 0 && (wait > 1000 || take(instance, shape.neededToleranceMs + wait) > 0)) {
      answerDelayMs = 1000;
      if (measuring()) unavailable += 1;
      return false;
    }
    answerDelayMs = wait;
    return read(instance, user, now + wait);
  };

  const schedule = new Schedule(users);
  const nextRequest = () => -thinkMs * Math.log(1 - rand());
  for (let user = 0; user < users; user += 1) {
    schedule.push((user / users) * inputs.rampMs, user);
  }
  const ended = Math.min(inputs.endedSessions, users);
  for (let i = 0; i < ended; i += 1) {
    const user = Math.floor(rand() * users);
    endedAt[user] = measureFrom + rand() * inputs.measureMs * 0.5;
  }

  while (schedule.size > 0) {
    now = schedule.pop();
    if (now >= measureTo) break;
    const user = schedule.lastUser;
    const instance = Math.floor(rand() * instances);
    answerDelayMs = 0;
    const served = lookup(instance, user);
    if (measuring()) requests += 1;
    if (served && now >= endedAt[user]!) lastServedAfterEnd[user] = now;
    schedule.push(now + answerDelayMs + nextRequest(), user);
  }

  const endedServed: number[] = [];
  for (let user = 0; user < users; user += 1) {
    if (endedAt[user] === Infinity) continue;
    const last = lastServedAfterEnd[user]!;
    endedServed.push(last === NONE ? 0 : last - endedAt[user]!);
  }
  endedServed.sort((a, b) => a - b);
  let entries = 0;
  for (const held of memory)
    for (const at of held) if (at !== NONE && now - at < keepMs) entries += 1;
  let inStore = 0;
  for (const at of stored) if (at !== NONE && now - at < keepMs) inStore += 1;
  const seconds = inputs.measureMs / 1000;
  return {
    requests,
    readsPerSecond: reads / seconds,
    busiestSecond: Math.max(...readsBySecond),
    deferredShare: requests === 0 ? 0 : deferred / requests,
    unavailable,
    endedServedMs: {
      p50: percentile(endedServed, 0.5),
      p99: percentile(endedServed, 0.99),
      max: endedServed.at(-1) ?? 0,
    },
    deferredAgeP99Ms: histogramPercentile(deferredAges, 0.99, 100),
    redisOpsPerSecond: redisOps / seconds,
    entriesPerInstance: entries / instances,
    entriesInStore: inStore,
  };
}
