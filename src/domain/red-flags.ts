import { phq9Item9Positive, PHQ9_ITEM9_INDEX, scoreResponse } from './instruments/index';
import type { AssessmentResponse, InstrumentId, IsoTime } from './records';
import { parseIsoTime } from './validate-fields';

/** Stable ids of the rules in CLINICAL.md's red flag table. */
export const RED_FLAG_RULES = ['phq9-item9', 'phq9-high', 'phq9-rise', 'gad7-high', 'peg-worse-sustained', 'side-effect-severe', 'no-data'] as const;
export type RedFlagRuleId = (typeof RED_FLAG_RULES)[number];
export type RedFlagLevel = 'urgent' | 'high' | 'low';
export type Audience = 'patient' | 'clinician';

/** A rule that fired, with what raised it. Deterministic: the same data gives the same flag on every device. */
export interface RaisedFlag {
  ruleId: RedFlagRuleId;
  level: RedFlagLevel;
  audience: Audience[];
  /** Time of the data that raised it (not the evaluation time), so devices agree. */
  raisedAt: IsoTime;
  sourceIds: string[];
  values: Record<string, number>;
}

export const RED_FLAG_META: Record<RedFlagRuleId, { level: RedFlagLevel; audience: Audience[] }> = {
  'phq9-item9': { level: 'urgent', audience: ['patient', 'clinician'] },
  'phq9-high': { level: 'high', audience: ['clinician'] },
  'phq9-rise': { level: 'high', audience: ['clinician'] },
  'gad7-high': { level: 'high', audience: ['clinician'] },
  // Patient gets a prompt to message the team.
  'peg-worse-sustained': { level: 'high', audience: ['clinician', 'patient'] },
  // Patient sees the plan's instructions for side effects.
  'side-effect-severe': { level: 'high', audience: ['clinician', 'patient'] },
  'no-data': { level: 'low', audience: ['clinician'] },
};

export const PHQ9_HIGH_AT = 20;
export const PHQ9_RISE_AT = 5;
export const GAD7_HIGH_AT = 15;
/** PEG worse by 30%: score >= baseline * 1.3, compared as score*10 >= baseline*13 on tenths. */
export const PEG_WORSE_NUMERATOR = 13;
/** With a baseline of 0 a percentage is undefined: the absolute MID of 1.0 point (in tenths) stands in. */
export const PEG_ZERO_BASELINE_MID_TENTHS = 10;
export const DEFAULT_NO_DATA_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Anything with a time and an optional soft-delete mark (diary entries, practice logs). */
export interface TimedRecord { id?: string; at: IsoTime; deletedAt?: IsoTime }
export interface SideEffectReport { id: string; at: IsoTime; severity: 'mild' | 'moderate' | 'severe'; deletedAt?: IsoTime }

export interface RedFlagInput {
  assessments: readonly AssessmentResponse[];
  diary: readonly TimedRecord[];
  practice: readonly TimedRecord[];
  sideEffects?: readonly SideEffectReport[];
  now: Date;
  /** Days without diary or practice before 'no-data' fires (default 7). */
  noDataDays?: number;
  /** PEG baseline score; default: the first non-deleted PEG. */
  pegBaseline?: number;
  /** When the patient started: lets 'no-data' fire for someone who never logged anything. */
  startedAt?: IsoTime;
  /** Only data at or after this time may raise flags (earlier data still serves as history). */
  since?: Date;
}

/** The deterministic identity of a flag: the same flag raised on two devices gets the same key. */
export function flagKey(flag: Pick<RaisedFlag, 'ruleId' | 'sourceIds'>): string {
  return `${flag.ruleId}:${flag.sourceIds.join(',')}`;
}

function flag(ruleId: RedFlagRuleId, raisedAt: IsoTime, sourceIds: string[], values: Record<string, number>): RaisedFlag {
  const meta = RED_FLAG_META[ruleId];
  return { ruleId, level: meta.level, audience: [...meta.audience], raisedAt, sourceIds, values };
}

/** The urgent item-9 flag for one PHQ-9 response, for use the moment it is answered; else null. */
export function checkResponseForUrgent(response: AssessmentResponse): RaisedFlag | null {
  if (response.deletedAt !== undefined || response.instrument !== 'phq9') return null;
  if (!phq9Item9Positive(response.answers)) return null;
  return flag('phq9-item9', response.at, [response.id], { item9: response.answers[PHQ9_ITEM9_INDEX] ?? 0 });
}

interface Scored { response: AssessmentResponse; ms: number; score: number }

/** Live responses of one instrument, re-scored from their answers, oldest first (ties by id). */
function scoredSeries(assessments: readonly AssessmentResponse[], instrument: InstrumentId): Scored[] {
  const out: Scored[] = [];
  for (const response of assessments) {
    if (response.deletedAt !== undefined || response.instrument !== instrument) continue;
    const ms = parseIsoTime(response.at);
    const scored = scoreResponse(instrument, response.answers);
    // Unscoreable responses cannot be judged; validation keeps them out of storage.
    if (ms === null || !scored.ok) continue;
    out.push({ response, ms, score: scored.value.score });
  }
  return out.sort((a, b) => a.ms - b.ms || (a.response.id < b.response.id ? -1 : a.response.id > b.response.id ? 1 : 0));
}

function phq9Flags(series: Scored[], inWindow: (ms: number) => boolean): RaisedFlag[] {
  const flags: RaisedFlag[] = [];
  series.forEach((cur, i) => {
    if (!inWindow(cur.ms)) return;
    const urgent = checkResponseForUrgent(cur.response);
    if (urgent) flags.push(urgent);
    if (cur.score >= PHQ9_HIGH_AT) flags.push(flag('phq9-high', cur.response.at, [cur.response.id], { total: cur.score }));
    const prev = series[i - 1];
    if (prev && cur.score - prev.score >= PHQ9_RISE_AT) {
      flags.push(flag('phq9-rise', cur.response.at, [prev.response.id, cur.response.id],
        { previous: prev.score, total: cur.score, change: cur.score - prev.score }));
    }
  });
  return flags;
}

function gad7Flags(series: Scored[], inWindow: (ms: number) => boolean): RaisedFlag[] {
  return series
    .filter((cur) => inWindow(cur.ms) && cur.score >= GAD7_HIGH_AT)
    .map((cur) => flag('gad7-high', cur.response.at, [cur.response.id], { total: cur.score }));
}

/** True when a PEG (in tenths) is worse by 30% or more than the baseline (in tenths). */
export function pegWorse(scoreTenths: number, baselineTenths: number): boolean {
  if (baselineTenths <= 0) return scoreTenths >= PEG_ZERO_BASELINE_MID_TENTHS;
  return scoreTenths * 10 >= baselineTenths * PEG_WORSE_NUMERATOR;
}

/**
 * Every pair of consecutive PEGs (adjacent in time, whatever the gap) that are both worse
 * than baseline raises a flag keyed by that pair: evaluating all history gives the union of
 * what a device would have raised after each PEG, so a week-long streak re-alerts weekly.
 */
function pegFlags(series: Scored[], inWindow: (ms: number) => boolean, givenBaseline?: number): RaisedFlag[] {
  const first = series[0];
  const usable = givenBaseline !== undefined && Number.isFinite(givenBaseline) && givenBaseline >= 0 && givenBaseline <= 10;
  if (!usable && !first) return [];
  const baselineTenths = usable ? Math.round(givenBaseline * 10) : Math.round((first?.score ?? 0) * 10);
  const flags: RaisedFlag[] = [];
  for (let i = 1; i < series.length; i++) {
    const prev = series[i - 1];
    const cur = series[i];
    if (!prev || !cur || !inWindow(cur.ms)) continue;
    const prevTenths = Math.round(prev.score * 10);
    const curTenths = Math.round(cur.score * 10);
    if (pegWorse(prevTenths, baselineTenths) && pegWorse(curTenths, baselineTenths)) {
      flags.push(flag('peg-worse-sustained', cur.response.at, [prev.response.id, cur.response.id],
        { baseline: baselineTenths / 10, previous: prev.score, current: cur.score }));
    }
  }
  return flags;
}

function sideEffectFlags(reports: readonly SideEffectReport[], inWindow: (ms: number) => boolean): RaisedFlag[] {
  return reports
    .filter((r) => r.deletedAt === undefined && r.severity === 'severe')
    .filter((r) => { const ms = parseIsoTime(r.at); return ms !== null && inWindow(ms); })
    .map((r) => flag('side-effect-severe', r.at, [r.id], {}));
}

/**
 * 'no-data': no live diary entry and no live practice log (any status: logging a skip is
 * still engagement) for N whole days (24h periods) before now. It is measured from the
 * latest such record, or from startedAt for someone who never logged; with neither, there
 * is nothing to be absent from and it does not fire. The source is that latest record, so
 * one gap in logging is one flag on every device.
 */
function noDataFlag(input: RedFlagInput): RaisedFlag[] {
  // A broken setting must not silence the rule: anything but a positive number means the default.
  const configured = input.noDataDays;
  const days = configured !== undefined && Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_NO_DATA_DAYS;
  let lastMs: number | null = null;
  let lastSource: string | null = null;
  for (const r of [...input.diary, ...input.practice]) {
    if (r.deletedAt !== undefined) continue;
    const ms = parseIsoTime(r.at);
    if (ms === null || ms > input.now.getTime()) continue;
    if (lastMs === null || ms > lastMs) { lastMs = ms; lastSource = r.id ?? r.at; }
  }
  const started = input.startedAt === undefined ? null : parseIsoTime(input.startedAt);
  const fromMs = lastMs ?? started;
  if (fromMs === null) return [];
  const elapsed = input.now.getTime() - fromMs;
  if (elapsed < days * DAY_MS) return [];
  const raisedMs = fromMs + days * DAY_MS;
  if (input.since && raisedMs < input.since.getTime()) return [];
  return [flag('no-data', new Date(raisedMs).toISOString(), lastSource === null ? [] : [lastSource],
    { days: Math.floor(elapsed / DAY_MS), thresholdDays: days })];
}

/** Runs every red-flag rule over a patient's journal; deleted records never count. */
export function evaluateRedFlags(input: RedFlagInput): RaisedFlag[] {
  const sinceMs = input.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const inWindow = (ms: number): boolean => ms >= sinceMs;
  return [
    ...phq9Flags(scoredSeries(input.assessments, 'phq9'), inWindow),
    ...gad7Flags(scoredSeries(input.assessments, 'gad7'), inWindow),
    ...pegFlags(scoredSeries(input.assessments, 'peg'), inWindow, input.pegBaseline),
    ...sideEffectFlags(input.sideEffects ?? [], inWindow),
    ...noDataFlag(input),
  ];
}
