/** The panel's figures in words: need, PEG and PHQ-9 with their change, adherence, data as of. */
import type { LatestPhq9, LatestScore, PanelNeed } from '../../../domain/circle/panel';
import type { SeverityBand } from '../../../domain/instruments/types';
import { calendarDaysBetween } from '../../../domain/local-dates';
import { PHQ9_RISE_AT } from '../../../domain/red-flags';
import { parseIsoTime } from '../../../domain/validate-fields';
import type { I18n, MessageKey } from '../../i18n/i18n';

type Words = Pick<I18n, 't' | 'tn' | 'formatNumber' | 'formatDate'>;

export const NEED_KEY: Record<PanelNeed, MessageKey> = {
  urgent: 'clinician.needs.urgent',
  high: 'clinician.needs.high',
  'low-alert': 'clinician.needs.lowAlert',
  worsening: 'clinician.needs.worsening',
  'low-adherence': 'clinician.needs.lowAdherence',
  ok: 'clinician.needs.ok',
};

/** A symbol that goes with the words (never instead of them). */
export const NEED_ICON: Record<PanelNeed, string> = {
  urgent: '⚠', high: '▲', 'low-alert': '●', worsening: '↗', 'low-adherence': '◔', ok: '✓',
};

const BAND_KEY: Record<SeverityBand, MessageKey> = {
  minimal: 'clinician.bands.minimal',
  mild: 'clinician.bands.mild',
  moderate: 'clinician.bands.moderate',
  'moderately-severe': 'clinician.bands.moderatelySevere',
  severe: 'clinician.bands.severe',
};

export type Arrow = '↑' | '↓' | '→' | '';

export interface ScoreWords {
  value: string;
  /** The change in words (direction, size, whether it matters); '' with no score. */
  change: string;
  arrow: Arrow;
  /** Worse by a meaningful amount: the row styles it as a concern (the words say so too). */
  worse: boolean;
}

const one = (w: Words, n: number) => w.formatNumber(n, { maximumFractionDigits: 1 });

/** "6.5" and "30% worse than at the start (5), a meaningful change". */
export function pegWords(w: Words, peg: LatestScore | null): ScoreWords {
  if (!peg) return { value: w.t('clinician.peg.none'), change: '', arrow: '', worse: false };
  const value = one(w, peg.score);
  const c = peg.change;
  // The change is against the first PEG, the baseline.
  const base = one(w, Math.round((peg.score - c.absolute) * 10) / 10);
  if (peg.fromPrevious === null) return { value, change: w.t('clinician.peg.first'), arrow: '', worse: false };
  if (c.direction === 'same') return { value, change: w.t('clinician.peg.same', { base }), arrow: '→', worse: false };
  const size = c.relative === null
    ? w.t(c.direction === 'worse' ? 'clinician.peg.worsePoints' : 'clinician.peg.betterPoints', { points: one(w, Math.abs(c.absolute)), base })
    : w.t(c.direction === 'worse' ? 'clinician.peg.worse' : 'clinician.peg.better', {
      pct: w.formatNumber(Math.abs(c.relative), { style: 'percent', maximumFractionDigits: 0 }), base,
    });
  const matters = w.t(c.meaningful ? 'clinician.peg.meaningful' : 'clinician.peg.notMeaningful');
  return { value, change: `${size}, ${matters}`, arrow: c.direction === 'worse' ? '↑' : '↓', worse: c.direction === 'worse' && c.meaningful };
}

/** "14, moderate" and "up 5 since the previous one, a meaningful change". */
export function phq9Words(w: Words, phq9: LatestPhq9 | null): ScoreWords {
  if (!phq9) return { value: w.t('clinician.phq9.none'), change: '', arrow: '', worse: false };
  const value = `${w.formatNumber(phq9.score)}, ${w.t(BAND_KEY[phq9.band])}`;
  const d = phq9.fromPrevious;
  if (d === null) return { value, change: w.t('clinician.phq9.first'), arrow: '', worse: false };
  if (d === 0) return { value, change: w.t('clinician.phq9.same'), arrow: '→', worse: false };
  const size = w.t(d > 0 ? 'clinician.phq9.up' : 'clinician.phq9.down', { n: w.formatNumber(Math.abs(d)) });
  const meaningful = Math.abs(d) >= PHQ9_RISE_AT;
  return { value, change: meaningful ? `${size}, ${w.t('clinician.phq9.meaningful')}` : size, arrow: d > 0 ? '↑' : '↓', worse: d > 0 && meaningful };
}

export function adherenceWords(w: Words, adherence: number | null): string {
  return adherence === null
    ? w.t('clinician.adherence.none')
    : w.formatNumber(adherence, { style: 'percent', maximumFractionDigits: 0 });
}

/** "Data as of 3 Nov 2026 (12 days ago)", or "No data yet"; the age counts calendar days. */
export function dataAsOfWords(w: Words, dataAsOf: string | null, now: Date): string {
  const ms = parseIsoTime(dataAsOf);
  if (dataAsOf === null || ms === null) return w.t('clinician.noData');
  const days = Math.max(0, calendarDaysBetween(new Date(ms), now));
  const age = days === 0 ? w.t('clinician.age.today')
    : days === 1 ? w.t('clinician.age.yesterday')
      : w.tn('clinician.age.days', days);
  return `${w.t('clinician.dataAsOf', { date: w.formatDate(dataAsOf, { dateStyle: 'medium' }) })} (${age})`;
}

/**
 * Loads the locale data behind dates and numbers. The first Intl.DateTimeFormat of a page
 * costs 100-200 ms on a slow phone (measured at 4x CPU throttling), later ones about 1 ms:
 * paid while the panel's code, strings and rows are still loading, it is off the first render.
 */
export function warmIntl(locale: string): void {
  try {
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(0);
    new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(1.5);
  } catch {
    // A locale this browser lacks: the formatters will fall back the same way later.
  }
}

/** Builds (and caches) every formatter the rows use, so the first row does not pay for them. */
export function warmFormatters(w: Words, now: Date): void {
  dataAsOfWords(w, now.toISOString(), now);
  w.formatNumber(1.5, { maximumFractionDigits: 1 });
  w.formatNumber(0.5, { style: 'percent', maximumFractionDigits: 0 });
  w.formatNumber(1);
  w.tn('clinician.age.days', 2);
}
