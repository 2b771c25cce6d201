export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition` holds, checking every 5 ms; fails the test after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/**
 * Stops `Date` (sockets and timers stay real) until `advance()` moves it, so that tests of rates
 * and budgets count events instead of racing the wall clock. Undo with `jest.useRealTimers()`.
 */
export function frozenClock(): { advance(ms: number): void } {
  jest.useFakeTimers({
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'setInterval',
      'clearTimeout',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  return { advance: (ms) => jest.setSystemTime(Date.now() + ms) };
}

/**
 * A clock only the test moves, for code that takes one (`BudgetClock`): `sleep` resolves when
 * `advance` passes its time, and `advance` lets the awaiting code run before it returns.
 */
export function manualClock(epoch = Date.UTC(2026, 0, 1)) {
  let now = 0;
  let sleepers: { at: number; wake: () => void }[] = [];
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    epochNow: () => epoch + now,
    sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
    /** Sleeps not yet over. */
    sleeping: () => sleepers.length,
    async advance(ms: number): Promise<void> {
      now += ms;
      const due = sleepers.filter((s) => s.at <= now);
      sleepers = sleepers.filter((s) => s.at > now);
      for (const sleeper of due) sleeper.wake();
      await settle();
    },
  };
}
