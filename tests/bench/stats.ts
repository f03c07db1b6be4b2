// Statistics for the benchmark verdicts. On 2 shared cores one relay's p99 moves by 2-3x
// from one round to the next, so "Paceline's p99 is no higher than @y/websocket-server's"
// is judged on all rounds of both, not on one figure each.

/** Mid-ranks (1-based) of the values, ties sharing the mean of their ranks. */
function midRanks(values: number[]): number[] {
  const value = (i: number) => values[i] as number;
  const order = values.map((_, i) => i).sort((x, y) => value(x) - value(y));
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && value(order[end + 1] as number) === value(order[start] as number)) end++;
    for (let k = start; k <= end; k++) ranks[order[k] as number] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Assignments enumerated at most; beyond them the normal approximation serves. */
const EXACT_LIMIT = 2_000_000;

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * One-sided Mann-Whitney U test: the probability, were `a` and `b` drawn from one
 * distribution, of a rank sum for `a` at least as large as the one observed. Small means
 * `a` tends to be larger. Exact (every split of the pooled values enumerated, ties at
 * mid-ranks) up to EXACT_LIMIT splits, else the normal approximation with a continuity
 * correction.
 */
export function mannWhitneyGreater(a: number[], b: number[], exactLimit = EXACT_LIMIT): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return Number.NaN;
  const ranks = midRanks([...a, ...b]);
  const observed = ranks.slice(0, n).reduce((s, r) => s + r, 0);
  const total = binomial(n + m, n);
  if (total > exactLimit) {
    const mean = (n * (n + m + 1)) / 2;
    const sd = Math.sqrt((n * m * (n + m + 1)) / 12);
    const z = (observed - mean - 0.5) / sd;
    return 0.5 * erfc(z / Math.SQRT2);
  }
  let atLeast = 0;
  // Every n-subset of the pooled ranks, by recursion over positions.
  const walk = (from: number, left: number, sum: number): void => {
    if (left === 0) {
      if (sum >= observed - 1e-9) atLeast++;
      return;
    }
    for (let i = from; i <= ranks.length - left; i++) walk(i + 1, left - 1, sum + (ranks[i] as number));
  };
  walk(0, n, 0);
  return atLeast / total;
}

/** Complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
