/**
 * The date and number formats of History's first screen, named once. Building an Intl
 * formatter is slow (tens of milliseconds each on a slow phone) and the app keeps every one it
 * builds, so History's are built while the person is still on another screen. Sharing these
 * objects keeps the warm-up and the screen on the same cached formatters.
 */
import type { I18n } from '../../i18n/i18n';

/** Chart ticks and practice bars: "Nov 3" (day numbers are UTC dates). */
export const DAY_TICK: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', timeZone: 'UTC' };
/** Chart ticks over more than about half a year: "Nov 3, 25". */
export const DAY_TICK_YEAR: Intl.DateTimeFormatOptions = { ...DAY_TICK, year: '2-digit' };
/** When an entry in the list was made. */
export const ENTRY_WHEN: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
/** Means, scores and axis values. */
export const ONE_DECIMAL: Intl.NumberFormatOptions = { maximumFractionDigits: 1 };

type Formats = Pick<I18n, 'formatDate' | 'formatNumber'>;

const WARM: ReadonlyArray<(f: Formats) => unknown> = [
  (f) => f.formatDate(new Date(0), DAY_TICK),
  (f) => f.formatDate(new Date(0), DAY_TICK_YEAR),
  (f) => f.formatDate(new Date(0), ENTRY_WHEN),
  (f) => f.formatNumber(0, ONE_DECIMAL),
  (f) => f.formatNumber(0),
];

/** Builds History's formatters, one per idle period so none of them is a long task. */
export function warmHistoryFormats(f: Formats): void {
  const idle = (fn: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 5000 }) : setTimeout(fn, 50));
  let i = 0;
  const next = () => {
    const warm = WARM[i++];
    if (!warm) return;
    warm(f);
    idle(next);
  };
  idle(next);
}
