import { ensureStrings, type I18n } from '../../i18n/i18n';
import { warmHistoryFormats } from './history-formats';

let warmed = false;

/**
 * Starts loading History's code (its route chunk and chart.js) and its strings before the
 * History tab is tapped, so the tap only has to read data and draw; with `formats`, History's
 * date and number formatters are built too. For the app shell: call it on idle after the
 * first screen is up, or on pointerenter/focus/touchstart of the History nav link. Only
 * dynamic imports of the screen here, so importing this file keeps chart.js out of the
 * landing bundle. Safe to call any number of times (module loads are cached; a failed load is retried).
 */
export function preloadHistory(formats?: Pick<I18n, 'formatDate' | 'formatNumber'>): void {
  void import('./HistoryPage').catch(() => undefined);
  void import('./chart-loader').then((m) => m.loadChart()).catch(() => undefined);
  void ensureStrings(['history']).catch(() => undefined);
  if (formats && !warmed) {
    warmed = true;
    warmHistoryFormats(formats);
  }
}
