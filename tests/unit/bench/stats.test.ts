// The benchmark verdict's rank test.
import { describe, expect, it } from 'vitest';
import { mannWhitneyGreater } from '../../bench/stats';

describe('mannWhitneyGreater', () => {
  it('gives the exact tail probability: 1 split in 20 puts three values above three others', () => {
    expect(mannWhitneyGreater([4, 5, 6], [1, 2, 3])).toBeCloseTo(1 / 20, 12);
    expect(mannWhitneyGreater([1, 2, 3], [4, 5, 6])).toBe(1);
    // Rank sum 4 + 5 + 6 - 1 = 14 is reached by 2 of the 20 splits.
    expect(mannWhitneyGreater([3, 5, 6], [1, 2, 4])).toBeCloseTo(2 / 20, 12);
  });

  it('does not call equal samples different, ties included', () => {
    expect(mannWhitneyGreater([7, 7, 8], [7, 7, 8])).toBeGreaterThan(0.5);
    expect(mannWhitneyGreater([5, 5, 5], [5, 5, 5])).toBe(1);
  });

  it('tells seven rounds apart only when they differ', () => {
    const yws = [7.5, 39.4, 7.9, 5.9, 13.6, 8.4, 9.3];
    expect(mannWhitneyGreater(yws.map((x) => x * 3), yws)).toBeLessThan(0.05);
    expect(mannWhitneyGreater(yws.map((x) => x + 0.01), yws)).toBeGreaterThan(0.3);
  });

  it('approximates the exact value within 0.01 where it falls back to the normal distribution', () => {
    const a = [5.2, 6.1, 6.3, 7.7, 8.0, 9.4, 11.2, 12.5, 14.1, 20.3];
    const b = [4.4, 5.0, 5.9, 6.2, 6.9, 7.1, 8.8, 9.0, 10.6, 13.0];
    const exact = mannWhitneyGreater(a, b);
    expect(exact).toBeGreaterThan(0.05);
    expect(exact).toBeLessThan(0.5);
    expect(Math.abs(mannWhitneyGreater(a, b, 0) - exact)).toBeLessThan(0.01);
  });
});
