import { INSTRUMENT_DEFS } from './instruments/index';
import { mondayOf, toLocalDate, type LocalDate } from './local-dates';
import type { InstrumentId, IsoTime } from './records';
import { parseIsoTime } from './validate-fields';

export interface TrendPoint { at: IsoTime; value: number; deletedAt?: IsoTime }
export interface WeeklyMean { week: LocalDate; mean: number; n: number }
export interface DailyMean { day: LocalDate; mean: number; n: number }

/** Local-time Monday 00:00 (ISO week) of a moment, as 'YYYY-MM-DD'; null for a bad time. */
export function weekStart(iso: IsoTime): LocalDate | null {
  const ms = parseIsoTime(iso);
  return ms === null ? null : toLocalDate(mondayOf(new Date(ms)));
}

/** Local calendar date of a moment as 'YYYY-MM-DD'; null for a bad time. */
export function localDay(iso: IsoTime): LocalDate | null {
  const ms = parseIsoTime(iso);
  return ms === null ? null : toLocalDate(new Date(ms));
}

/** Unrounded means (charts round for display), skipping deleted, mistimed and non-finite points. */
function groupedMeans(points: readonly TrendPoint[], keyOf: (iso: IsoTime) => LocalDate | null): { key: LocalDate; mean: number; n: number }[] {
  const groups = new Map<LocalDate, { sum: number; n: number }>();
  for (const p of points) {
    if (p.deletedAt !== undefined || !Number.isFinite(p.value)) continue;
    const key = keyOf(p.at);
    if (key === null) continue;
    const g = groups.get(key) ?? { sum: 0, n: 0 };
    g.sum += p.value;
    g.n += 1;
    groups.set(key, g);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => ({ key, mean: g.sum / g.n, n: g.n }));
}

/** Mean value per local ISO week, oldest first. */
export function weeklyMeans(points: readonly TrendPoint[]): WeeklyMean[] {
  return groupedMeans(points, weekStart).map(({ key, mean, n }) => ({ week: key, mean, n }));
}

/** Mean value per local calendar day, oldest first. */
export function dailyMeans(points: readonly TrendPoint[]): DailyMean[] {
  return groupedMeans(points, localDay).map(({ key, mean, n }) => ({ day: key, mean, n }));
}

export interface ChangeFromBaseline {
  /** current - baseline (PEG: exact tenths). */
  absolute: number;
  /** absolute / baseline; null when the baseline is 0. */
  relative: number | null;
  /** Reaches the instrument's clinically meaningful change (false where none is defined). */
  meaningful: boolean;
  /** Lower is better on every instrument here. */
  direction: 'better' | 'worse' | 'same';
}

/**
 * Change of a score against its baseline, judged by CLINICAL.md's meaningful change:
 * PEG 30% relative (absolute 1.0 point when the baseline is 0), PHQ-9 5 points, GAD-7 4 points.
 * PHQ-2 and GAD-2 have none, so their changes are never called meaningful.
 */
export function changeFromBaseline(instrument: InstrumentId, baselineScore: number, currentScore: number): ChangeFromBaseline {
  // Scores have at most one decimal: working in tenths keeps 5.7 - 5.6 from becoming 0.1000000000000005.
  const baseTenths = Math.round(baselineScore * 10);
  const deltaTenths = Math.round(currentScore * 10) - baseTenths;
  const direction = deltaTenths < 0 ? 'better' : deltaTenths > 0 ? 'worse' : 'same';
  const mcid = INSTRUMENT_DEFS[instrument].meaningfulChange;
  let meaningful = false;
  if (mcid?.kind === 'absolute') meaningful = Math.abs(deltaTenths) >= mcid.points * 10;
  else if (mcid?.kind === 'relative') {
    meaningful = baseTenths === 0
      ? Math.abs(deltaTenths) >= Math.round(mcid.absoluteFallback * 10)
      : Math.abs(deltaTenths) * 100 >= baseTenths * Math.round(mcid.fraction * 100);
  }
  return {
    absolute: deltaTenths / 10,
    relative: baseTenths === 0 ? null : deltaTenths / baseTenths,
    meaningful,
    direction,
  };
}
