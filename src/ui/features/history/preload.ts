/**
 * Starts loading History's code (its route chunk and chart.js) before the History tab is
 * tapped, so the tap only has to read data and draw. For the app shell: call it on idle after
 * the first screen is up, or on pointerenter/focus/touchstart of the History nav link. Only
 * dynamic imports here, so importing this file keeps chart.js out of the landing bundle.
 * Safe to call any number of times (module loads are cached; a failed load is retried).
 */
export function preloadHistory(): void {
  void import('./HistoryPage').catch(() => undefined);
  void import('./chart-loader').then((m) => m.loadChart()).catch(() => undefined);
}
