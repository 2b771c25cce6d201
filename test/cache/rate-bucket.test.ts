import { memoryRateBucket } from '../../src/cache/rate-bucket';
import { busiestSecond } from '../helpers/read-load';

/** Calls taken from a bucket asked every millisecond for `ms`, by when they were taken. */
function taken(intervalMs: number, toleranceMs: number, ms: number): number[] {
  let now = 0;
  const bucket = memoryRateBucket(intervalMs, () => now);
  const times: number[] = [];
  for (; now < ms; now += 1) {
    while (bucket.take(toleranceMs) === 0) times.push(now);
  }
  return times;
}

describe('a rate bucket', () => {
  it('takes at most the rate plus its burst in any one-second window, however the window falls', () => {
    // 9 a second with a burst of one: 10 in any second.
    const times = taken(1000 / 9, 1000 / 9, 10_000);
    expect(busiestSecond(times)).toBe(10);
    expect(times.length).toBeGreaterThanOrEqual(90);
  });

  it('keeps an even rate without tolerance', () => {
    const times = taken(100, 0, 5_000);
    expect(busiestSecond(times)).toBe(10);
    expect(times.slice(1).every((time, i) => time - times[i]! >= 100)).toBe(true);
  });

  it('lets a caller with tolerance pass when one without would wait, and says how long', () => {
    let now = 0;
    const bucket = memoryRateBucket(100, () => now);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(0)).toBe(100);
    expect(bucket.take(100)).toBe(0);
    expect(bucket.take(100)).toBe(100);
    now = 150;
    expect(bucket.take(0)).toBe(50);
  });
});
