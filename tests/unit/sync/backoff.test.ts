import { describe, expect, it } from 'vitest';
import { TokenBucket, backoffDelay, backoffWindow } from '../../../src/sync/backoff';
import { seededRandom } from './client-fixtures';

describe('reconnect backoff', () => {
  it('doubles the window per attempt up to the cap', () => {
    const opts = { baseMs: 1000, maxMs: 60_000 };
    expect([0, 1, 2, 3, 5, 6, 7, 50, 5000].map((a) => backoffWindow(a, opts))).toEqual([1000, 2000, 4000, 8000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('keeps every delay in [window/2, window) with jitter (seeded, many draws)', () => {
    const random = seededRandom(42);
    const opts = { baseMs: 1000, maxMs: 300_000, random };
    for (let attempt = 0; attempt < 40; attempt++) {
      const window = backoffWindow(attempt, opts);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, opts);
        expect(d).toBeGreaterThanOrEqual(window / 2);
        expect(d).toBeLessThan(window);
      }
    }
  });

  it('spreads devices: the same attempt gives different delays', () => {
    const opts = { baseMs: 1000, maxMs: 300_000, random: seededRandom(7) };
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(4, opts)));
    expect(delays.size).toBeGreaterThan(15);
  });

  it('the extremes of random stay inside the bounds', () => {
    expect(backoffDelay(3, { baseMs: 1000, maxMs: 60_000, random: () => 0 })).toBe(4000);
    expect(backoffDelay(3, { baseMs: 1000, maxMs: 60_000, random: () => 0.999999 })).toBe(7999);
  });
});

describe('push rate', () => {
  it('allows a burst, then one push per 1/rate seconds', () => {
    const bucket = new TokenBucket(20, 20, 0);
    let sent = 0;
    while (bucket.take(0)) sent++;
    expect(sent).toBe(20);
    expect(bucket.waitMs(0)).toBe(50);
    expect(bucket.take(49)).toBe(false);
    expect(bucket.take(50)).toBe(true);
    // A second later there is a full second's worth again, never more than the burst.
    let later = 0;
    while (bucket.take(10_000)) later++;
    expect(later).toBe(20);
  });
});
