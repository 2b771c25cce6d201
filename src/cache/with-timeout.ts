class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
  readonly code = 'ETIMEDOUT';
}

interface Waiting {
  deadline: number;
  /** Until the call settles: the promise's, which holds its answer once it has one. */
  reject: ((error: Error) => void) | undefined;
}

/**
 * Calls waiting with one timeout, in the order they started, which is the order of their
 * deadlines: one timer, armed for the oldest, serves them all. A timer per call (a `setTimeout`
 * and its `clearTimeout` on every store lookup) cost more than the rest of the timeout's work.
 */
class Deadlines {
  readonly #timeoutMs: number;
  #waiting: Waiting[] = [];
  #first = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  add(reject: (error: Error) => void): Waiting {
    const waiting: Waiting = { deadline: performance.now() + this.#timeoutMs, reject };
    // Calls mostly settle in the order they started: those at the head that have are let go
    // now, not when the timer comes, so that no answer is kept for the length of the timeout
    // (long enough, under load, for the collector to move it to the old generation).
    const queue = this.#waiting;
    while (this.#first < queue.length && queue[this.#first]!.reject === undefined) this.#first += 1;
    if (this.#first === queue.length) {
      queue.length = 0;
      this.#first = 0;
    }
    queue.push(waiting);
    if (this.#timer === undefined) this.#arm(this.#timeoutMs);
    return waiting;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#expire(), Math.max(1, Math.ceil(ms)));
    // A call still waiting has its own socket (or promise) keeping the process up if it needs to.
    this.#timer.unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    const waiting = this.#waiting;
    while (this.#first < waiting.length) {
      const oldest = waiting[this.#first]!;
      const { reject } = oldest;
      if (reject !== undefined && oldest.deadline > now) break;
      this.#first += 1;
      if (reject !== undefined) {
        oldest.reject = undefined;
        reject(new StoreTimeoutError(`no answer within ${this.#timeoutMs} ms`));
      }
    }
    if (this.#first === waiting.length) {
      this.#waiting = [];
      this.#first = 0;
      return;
    }
    if (this.#first > 1024) {
      this.#waiting = waiting.slice(this.#first);
      this.#first = 0;
    }
    this.#arm(this.#waiting[this.#first]!.deadline - now);
  }
}

const deadlines = new Map<number, Deadlines>();

/**
 * `call`'s outcome, or a rejection once `timeoutMs` passes without one. A call that throws
 * synchronously, answers late or rejects late is settled here too: the losing side of the race is
 * never an unhandled rejection.
 */
export function withTimeout<T>(call: () => T | Promise<T>, timeoutMs: number): Promise<T> {
  let queue = deadlines.get(timeoutMs);
  if (queue === undefined) deadlines.set(timeoutMs, (queue = new Deadlines(timeoutMs)));
  const line = queue;
  return new Promise<T>((resolve, reject) => {
    const waiting = line.add(reject);
    let result: T | Promise<T>;
    try {
      result = call();
    } catch (error) {
      waiting.reject = undefined;
      reject(error);
      return;
    }
    // Settling a promise a second time does nothing: past its deadline, the answer is dropped.
    Promise.resolve(result).then(
      (value) => {
        waiting.reject = undefined;
        resolve(value);
      },
      (error: unknown) => {
        waiting.reject = undefined;
        reject(error);
      },
    );
  });
}
