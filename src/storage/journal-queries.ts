/**
 * Read-only queries over the derived tables. Must not import yjs: the landing route uses
 * these without loading the Yjs chunk.
 */
import type { JournalRecord, RecordKind } from '../domain/records';
import { prefixRange, type LatestScoreRow, type PacelineDB, type RecordRow, type WeekRow } from './db';

export interface ListOptions {
  /** Inclusive lower bound on `at` (ISO). */
  from?: string;
  /** Exclusive upper bound on `at` (ISO), so consecutive ranges never count a record twice. */
  to?: string;
  includeDeleted?: boolean;
  limit?: number;
  /** Newest first. */
  reverse?: boolean;
}

function kindRange(db: PacelineDB, circleId: string, kind: RecordKind, from?: string, to?: string) {
  const [lower, upper] = prefixRange(circleId, kind);
  return db.records
    .where('[circleId+kind+at]')
    .between(from === undefined ? lower : [circleId, kind, from], to === undefined ? upper : [circleId, kind, to], true, to === undefined);
}

/** Records of one kind (or several, merged by time) in a time range, oldest first unless reversed. */
export async function listRecords(
  db: PacelineDB,
  circleId: string,
  kind: RecordKind | readonly RecordKind[],
  options: ListOptions = {},
): Promise<JournalRecord[]> {
  const kinds = typeof kind === 'string' ? [kind] : [...kind];
  const keep = (r: RecordRow) => options.includeDeleted === true || r.deleted === 0;
  const limit = options.limit;
  // Deleted rows are dropped here, not with a Dexie filter(): a filter makes Dexie walk a
  // cursor one row per event-loop turn, where a plain range (or range + limit) is one getAll.
  const read = (k: RecordKind, n?: number) => {
    let coll = kindRange(db, circleId, k, options.from, options.to);
    if (options.reverse) coll = coll.reverse();
    if (n !== undefined) coll = coll.limit(n);
    return coll.toArray();
  };
  const perKind = await Promise.all(kinds.map(async (k) => {
    if (limit === undefined) return (await read(k)).filter(keep);
    if (limit <= 0) return [];
    // Each kind's list is already ordered; a limit per kind bounds the merge below. Read that
    // many, and read more only while deleted rows left the page short.
    for (let n = limit; ; n *= 2) {
      const rows = await read(k, n);
      const kept = rows.filter(keep);
      if (kept.length >= limit || rows.length < n) return kept.slice(0, limit);
    }
  }));
  let rows = perKind.flat();
  if (perKind.length > 1) {
    rows.sort((a, b) => compareRows(a, b) * (options.reverse ? -1 : 1));
    if (options.limit !== undefined) rows = rows.slice(0, options.limit);
  }
  return rows.map((r) => r.record);
}

function compareRows(a: RecordRow, b: RecordRow): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** One record by id (deleted ones too: the caller decides what to show). */
export async function getRecord(db: PacelineDB, id: string): Promise<JournalRecord | undefined> {
  return (await db.records.get(id))?.record;
}

/** Weekly aggregates, oldest first; weeks are local Mondays 'YYYY-MM-DD', bounds inclusive. */
export async function listWeeks(db: PacelineDB, circleId: string, fromWeek?: string, toWeek?: string): Promise<WeekRow[]> {
  return db.weeks
    .where('[circleId+week]')
    .between(fromWeek === undefined ? [circleId] : [circleId, fromWeek], toWeek === undefined ? [circleId, []] : [circleId, toWeek], true, true)
    .toArray();
}

/** The latest score per instrument that has one. */
export async function getLatestScores(db: PacelineDB, circleId: string): Promise<LatestScoreRow[]> {
  return db.latestScores
    .where('[circleId+instrument]')
    .between(...prefixRange(circleId))
    .toArray();
}

/** `at` of the newest non-deleted record of a kind, or undefined (e.g. "last entry 3 days ago"). */
export async function lastAt(db: PacelineDB, circleId: string, kind: RecordKind): Promise<string | undefined> {
  const row = await kindRange(db, circleId, kind).reverse().filter((r) => r.deleted === 0).first();
  return row?.at;
}
