/**
 * PingOne's request limits, as the emulator plays them: at most `perSecond` calls in each
 * second (a fixed window); the calls past it are answered `429 REQUEST_LIMITED` with
 * `Retry-After: 1`.
 */
export class RateLimit {
  private windowStart = 0;
  private calls = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** Counts a call; true when it is past the limit. */
  exceeded(): boolean {
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.calls = 0;
    }
    this.calls += 1;
    return this.calls > this.perSecond;
  }
}
