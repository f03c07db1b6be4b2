// Reconnect delays: exponential, capped, with "equal jitter" (a random point in the upper
// half of the window). The jitter spreads the reconnects of many devices after a relay
// restart; keeping half the window fixed means a retry never comes sooner than d/2.

export interface BackoffOptions {
  /** Delay window of the first retry. */
  baseMs: number;
  /** Largest window: a device offline for days retries at least this often. */
  maxMs: number;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000, random: Math.random };

/** The window of retry `attempt` (0-based): base * 2^attempt, capped at max. */
export function backoffWindow(attempt: number, options: Pick<BackoffOptions, 'baseMs' | 'maxMs'> = DEFAULT_BACKOFF): number {
  // 2^attempt overflows to Infinity long after the cap; Math.min keeps it finite.
  return Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
}

/** The delay before retry `attempt`: uniform in [window / 2, window). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const window = backoffWindow(attempt, options);
  return Math.floor(window / 2 + options.random() * (window / 2));
}

/** A token bucket for outgoing pushes, so the client stays under the relay's announced rate. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token if one is there. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token will be there (0 if one is). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}
