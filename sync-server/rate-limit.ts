// A token bucket per connection (a few numbers, no timers): `rate` tokens per second
// refill up to `burst`. Refused takes are counted so that a client that keeps pushing into
// an empty bucket can be closed rather than answered forever.

export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Takes refused since the last one that succeeded. */
  refusedInARow = 0;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes n tokens (default 1) if there are that many; `now` in milliseconds. */
  take(now: number, n = 1): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    if (this.tokens >= n) {
      this.tokens -= n;
      this.refusedInARow = 0;
      return true;
    }
    this.refusedInARow++;
    return false;
  }
}
