/**
 * Runs `fn` when the browser is idle, or after `timeout` ms at the latest (a busy page must
 * still make progress), with the time left in that idle period (0 when it timed out).
 */
export function whenIdle(fn: (timeLeft: () => number) => void, timeout = 1000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback((deadline) => fn(() => deadline.timeRemaining()), { timeout });
  else setTimeout(() => fn(() => 0), 50);
}
