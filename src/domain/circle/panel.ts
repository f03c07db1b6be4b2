/**
 * The clinician's panel: one row per care circle, sorted by need. Built from figures that
 * storage already keeps per circle, so a row costs a pass over a few short lists and the
 * sort is O(n log n) with keys computed once per row.
 */
import { phq9Band, type SeverityBand } from '../instruments/index';
import type { IsoTime } from '../records';
import { PHQ9_RISE_AT, type RedFlagLevel } from '../red-flags';
import { changeFromBaseline, type ChangeFromBaseline } from '../trends';
import { parseIsoTime } from '../validate-fields';
import { alertLevel, type Alert } from './alerts';
import { compareNumbers, compareText } from './shape-checks';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Overall weekly adherence below this ranks a patient as needing attention. */
export const LOW_ADHERENCE_BELOW = 0.5;

export interface ScorePoint { at: IsoTime; score: number }

export interface PanelInput {
  circleId: string;
  patientName: string;
  /** Alerts no clinician has acknowledged (see openAlerts). */
  openAlerts: readonly Alert[];
  /** Live PEG scores, oldest first; the first is the baseline. */
  peg: readonly ScorePoint[];
  /** Live PHQ-9 totals, oldest first. */
  phq9: readonly ScorePoint[];
  /** Overall adherence ratio of the last full week; null with nothing prescribed. */
  adherence: number | null;
  /** Latest diary entry, practice log or assessment. */
  lastDataAt: IsoTime | null;
}

/**
 * Why a row sits where it does, most pressing first. Open red flags of every level come
 * before signals that are not red flags: a single worse PEG is not yet a flag (CLINICAL.md
 * asks for two in a row), and the low-level flag ('no-data') is one the clinic asked for.
 */
export const PANEL_NEEDS = ['urgent', 'high', 'low-alert', 'worsening', 'low-adherence', 'ok'] as const;
export type PanelNeed = (typeof PANEL_NEEDS)[number];

export interface LatestScore {
  score: number;
  at: IsoTime;
  /** Change of the latest against the first (the baseline). */
  change: ChangeFromBaseline;
  direction: ChangeFromBaseline['direction'];
  /** latest - previous; null with only one score. */
  fromPrevious: number | null;
  /** PEG: 30% or more worse than baseline. PHQ-9: up 5 or more since the previous. */
  worsening: boolean;
}

export interface LatestPhq9 extends LatestScore { band: SeverityBand }

export interface PanelRow {
  circleId: string;
  patientName: string;
  need: PanelNeed;
  openAlerts: Record<RedFlagLevel, number>;
  latestPeg: LatestScore | null;
  latestPhq9: LatestPhq9 | null;
  adherence: number | null;
  dataAsOf: IsoTime | null;
  /** Whole days since the latest data (0 for today or a clock ahead); null with no data. */
  daysSinceData: number | null;
}

function latestOf(instrument: 'peg' | 'phq9', points: readonly ScorePoint[]): Omit<LatestScore, 'worsening'> | null {
  const latest = points[points.length - 1];
  const first = points[0];
  if (latest === undefined || first === undefined) return null;
  const previous = points.length > 1 ? points[points.length - 2] : undefined;
  const change = changeFromBaseline(instrument, first.score, latest.score);
  return {
    score: latest.score,
    at: latest.at,
    change,
    direction: change.direction,
    // In tenths, like changeFromBaseline, so 5.7 - 5.6 is 0.1.
    fromPrevious: previous === undefined ? null : (Math.round(latest.score * 10) - Math.round(previous.score * 10)) / 10,
  };
}

/** One panel row: what the clinician needs to see about a circle at `now`. */
export function panelRow(input: PanelInput, now: Date): PanelRow {
  const openAlerts: Record<RedFlagLevel, number> = { urgent: 0, high: 0, low: 0 };
  for (const alert of input.openAlerts) openAlerts[alertLevel(alert)] += 1;

  const peg = latestOf('peg', input.peg);
  // The same 30% (or 1 point from a baseline of 0) as the red-flag rule, without "sustained".
  const latestPeg = peg === null ? null : { ...peg, worsening: peg.change.direction === 'worse' && peg.change.meaningful };
  const phq9 = latestOf('phq9', input.phq9);
  const latestPhq9 = phq9 === null ? null
    : { ...phq9, worsening: phq9.fromPrevious !== null && phq9.fromPrevious >= PHQ9_RISE_AT, band: phq9Band(phq9.score) };

  const lowAdherence = input.adherence !== null && input.adherence < LOW_ADHERENCE_BELOW;
  const need: PanelNeed = openAlerts.urgent > 0 ? 'urgent'
    : openAlerts.high > 0 ? 'high'
      : openAlerts.low > 0 ? 'low-alert'
        : latestPeg?.worsening === true || latestPhq9?.worsening === true ? 'worsening'
          : lowAdherence ? 'low-adherence'
            : 'ok';

  const dataMs = parseIsoTime(input.lastDataAt);
  return {
    circleId: input.circleId,
    patientName: input.patientName,
    need,
    openAlerts,
    latestPeg,
    latestPhq9,
    adherence: input.adherence,
    dataAsOf: dataMs === null ? null : input.lastDataAt,
    daysSinceData: dataMs === null ? null : Math.max(0, Math.floor((now.getTime() - dataMs) / DAY_MS)),
  };
}

const NEED_RANK: Record<PanelNeed, number> = Object.fromEntries(PANEL_NEEDS.map((n, i) => [n, i])) as Record<PanelNeed, number>;

/**
 * Rows by need (PANEL_NEEDS order), then longest without data first (never any data
 * first of all), then patient name (case-folded, then exact; code-unit order, the same on
 * every device), then circle id. Returns a new array.
 */
export function sortPanel(rows: readonly PanelRow[]): PanelRow[] {
  return sortPanelBy(rows, (row) => row);
}

/** Items that each carry a panel row, in sortPanel's order. Returns a new array. */
export function sortPanelBy<T>(items: readonly T[], rowOf: (item: T) => PanelRow): T[] {
  return items
    .map((item) => {
      const row = rowOf(item);
      // panelRow keeps dataAsOf only when parseIsoTime accepts it: a plain parse is enough here
      // (500 rows at once), and anything unparseable still sorts as "no data".
      const ms = row.dataAsOf === null ? Number.NaN : Date.parse(row.dataAsOf);
      return { item, row, rank: NEED_RANK[row.need], dataMs: Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms, folded: row.patientName.toLowerCase() };
    })
    .sort((a, b) => a.rank - b.rank
      || compareNumbers(a.dataMs, b.dataMs)
      || compareText(a.folded, b.folded)
      || compareText(a.row.patientName, b.row.patientName)
      || compareText(a.row.circleId, b.row.circleId))
    .map((k) => k.item);
}
