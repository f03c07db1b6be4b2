/**
 * Pure derivations from journal records to query rows: record rows, weekly sums and latest
 * scores. Shared by incremental writes and full rebuilds so both give identical tables.
 */
import type { InstrumentId, JournalRecord } from '../domain/records';
import { scoreResponse } from '../domain/instruments';
import { weekStart } from '../domain/trends';
import type { LatestScoreRow, RecordRow, WeekRow } from './db';

/** Bump when a derivation below changes: stored derived rows are then rebuilt on open. */
export const DERIVED_VERSION = 1;

/** The query row for one record. */
export function toRecordRow(circleId: string, record: JournalRecord): RecordRow {
  return { id: record.id, circleId, kind: record.kind, at: record.at, deleted: record.deletedAt ? 1 : 0, record };
}

/** What a record contributes to: its week (diary, practice) or its instrument (assessment). */
export function affects(record: JournalRecord, weeks: Set<string>, instruments: Set<InstrumentId>): void {
  if (record.kind === 'diary' || record.kind === 'practice') {
    // Validated records have a valid `at`, so weekStart is never null here.
    const week = weekStart(record.at);
    if (week !== null) weeks.add(week);
  } else if (record.kind === 'assessment') instruments.add(record.instrument);
}

export function emptyWeek(circleId: string, week: string): WeekRow {
  return {
    circleId, week,
    painSum: 0, painN: 0, sleepSum: 0, sleepN: 0, moodSum: 0, moodN: 0, fatigueSum: 0, fatigueN: 0,
    practiceDone: 0, practiceLogged: 0,
  };
}

/** Add one record to its week's sums; deleted records and other kinds add nothing. */
export function addToWeek(week: WeekRow, record: JournalRecord): void {
  if (record.deletedAt) return;
  if (record.kind === 'diary') {
    week.painSum += record.painNow;
    week.painN += 1;
    if (typeof record.sleepQuality === 'number') { week.sleepSum += record.sleepQuality; week.sleepN += 1; }
    if (typeof record.mood === 'number') { week.moodSum += record.mood; week.moodN += 1; }
    if (typeof record.fatigue === 'number') { week.fatigueSum += record.fatigue; week.fatigueN += 1; }
  } else if (record.kind === 'practice') {
    week.practiceLogged += 1;
    if (record.status === 'done') week.practiceDone += 1;
  }
}

/** Weekly rows for `weeks` (all weeks when omitted) from the given records; empty weeks are left out. */
export function aggregateWeeks(circleId: string, records: Iterable<JournalRecord>, weeks?: ReadonlySet<string>): Map<string, WeekRow> {
  const out = new Map<string, WeekRow>();
  for (const record of records) {
    if (record.deletedAt || (record.kind !== 'diary' && record.kind !== 'practice')) continue;
    const week = weekStart(record.at);
    if (week === null || (weeks && !weeks.has(week))) continue;
    let row = out.get(week);
    if (!row) out.set(week, (row = emptyWeek(circleId, week)));
    addToWeek(row, record);
  }
  return out;
}

/** Score as the domain scores it now; the stored score if the answers no longer score. */
export function currentScore(record: JournalRecord & { kind: 'assessment' }): number {
  const scored = scoreResponse(record.instrument, record.answers);
  return scored.ok ? scored.value.score : record.score;
}

/** Latest score row from a non-deleted assessment. */
export function toLatestScoreRow(circleId: string, record: JournalRecord & { kind: 'assessment' }): LatestScoreRow {
  return { circleId, instrument: record.instrument, at: record.at, score: currentScore(record), responseId: record.id };
}

/** True when `a` is the later response (by time, then id so ties resolve the same everywhere). */
export function isLater(a: JournalRecord, b: JournalRecord): boolean {
  return a.at > b.at || (a.at === b.at && a.id > b.id);
}

/**
 * The ISO time range to query for a local week, widened by a day on each side; callers filter
 * by weekStart() so the exact edge (DST, time zone) is the domain's decision, not ours.
 */
export function weekQueryRange(week: string): [string, string] {
  const [y, m, d] = week.split('-').map(Number) as [number, number, number];
  const from = new Date(y, m - 1, d - 1);
  const to = new Date(y, m - 1, d + 8);
  return [from.toISOString(), to.toISOString()];
}
