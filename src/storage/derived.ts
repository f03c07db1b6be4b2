/**
 * Writes to the derived tables (records, weeks, latestScores): incrementally for a set of
 * changed records, or rebuilt in full from the journal Y.Doc.
 */
import type { Table } from 'dexie';
import type * as Y from 'yjs';
import type { InstrumentId, JournalRecord } from '../domain/records';
import { prefixRange, type PacelineDB, type RecordRow } from './db';
import { checkStored, storedEntries, type RecordProblem } from './journal-doc';
import {
  DERIVED_VERSION, affects, aggregateWeeks, isLater, toLatestScoreRow, toRecordRow, weekQueryRange,
} from './derived-rows';

/** A record's new state in the document; null when absent or not understood (kept out of tables). */
export interface DerivedChange {
  id: string;
  record: JournalRecord | null;
  /**
   * What the document held before this change, when the writer knows it (null: nothing
   * valid). It lets the save path issue its reads and writes together instead of reading
   * the old row first; the stored row is still read and any week it names is recomputed.
   */
  previous?: JournalRecord | null;
}

/** The derived tables; every write transaction that touches them must include all three. */
export function derivedTables(db: PacelineDB): Table[] {
  return [db.records, db.weeks, db.latestScores] as unknown as Table[];
}

/**
 * Apply changed records to the derived tables. Call inside a rw transaction over
 * derivedTables(db): only the touched weeks and instruments are recomputed.
 */
export async function applyDerived(db: PacelineDB, circleId: string, changes: readonly DerivedChange[]): Promise<void> {
  if (changes.length === 0) return;
  // IndexedDB runs a transaction's requests in the order they are issued: this read sees the
  // rows as they were, and the recomputations issued after the put see the new rows.
  const beforeRead = db.records.bulkGet(changes.map((c) => c.id));
  const known = changes.every((c) => c.previous !== undefined && c.record !== null);
  const weeks = new Set<string>();
  const instruments = new Set<InstrumentId>();
  const puts: RecordRow[] = [];
  for (const change of changes) {
    if (change.record) {
      affects(change.record, weeks, instruments);
      puts.push(toRecordRow(circleId, change.record));
    }
    if (change.previous) affects(change.previous, weeks, instruments);
  }
  const put = db.records.bulkPut(puts);
  // With the old values known (a local save), the recomputations start in the same round trip.
  const early = known ? [recomputeWeeks(db, circleId, weeks), recomputeLatest(db, circleId, instruments)] : [];
  let before: Awaited<typeof beforeRead>;
  try {
    before = await beforeRead;
  } catch (err) {
    // The transaction failed: the requests already issued fail with it, and are settled here
    // rather than left as unhandled rejections.
    void Promise.allSettled([put, ...early]);
    throw err;
  }
  const lateWeeks = new Set<string>();
  const lateInstruments = new Set<InstrumentId>();
  const deletes: string[] = [];
  changes.forEach((change, i) => {
    const old = before[i];
    if (!old || old.circleId !== circleId) return;
    affects(old.record, lateWeeks, lateInstruments);
    if (!change.record) deletes.push(change.id);
  });
  const writes: Promise<unknown>[] = [put, ...early];
  if (deletes.length > 0) writes.push(db.records.bulkDelete(deletes));
  // Weeks and instruments the stored rows name beyond what was already recomputed (all of
  // them when the old values were not known; a rare race with another tab otherwise).
  const doneWeeks = known ? weeks : new Set<string>();
  const doneInstruments = known ? instruments : new Set<InstrumentId>();
  if (!known) { for (const w of weeks) lateWeeks.add(w); for (const i of instruments) lateInstruments.add(i); }
  writes.push(
    recomputeWeeks(db, circleId, new Set([...lateWeeks].filter((w) => !doneWeeks.has(w)))),
    recomputeLatest(db, circleId, new Set([...lateInstruments].filter((i) => !doneInstruments.has(i)))),
  );
  await Promise.all(writes);
}

async function rowsBetween(db: PacelineDB, circleId: string, kind: 'diary' | 'practice', from: string, to: string) {
  return db.records.where('[circleId+kind+at]').between([circleId, kind, from], [circleId, kind, to], true, true).toArray();
}

/** Recompute the given weeks from the records table (not from the doc: no full scan). */
async function recomputeWeeks(db: PacelineDB, circleId: string, weeks: ReadonlySet<string>): Promise<void> {
  if (weeks.size === 0) return;
  const sorted = [...weeks].sort();
  // A few weeks: one narrow range each. Many (an import): one range over the whole span.
  const ranges = sorted.length <= 4
    ? sorted.map(weekQueryRange)
    : [[weekQueryRange(sorted[0]!)[0], weekQueryRange(sorted[sorted.length - 1]!)[1]] as [string, string]];
  const rows: RecordRow[] = (
    await Promise.all(ranges.flatMap(([from, to]) => [rowsBetween(db, circleId, 'diary', from, to), rowsBetween(db, circleId, 'practice', from, to)]))
  ).flat();
  // Overlapping ranges can return a row twice: aggregate each id once.
  const unique = new Map(rows.map((r) => [r.id, r.record]));
  const agg = aggregateWeeks(circleId, unique.values(), weeks);
  const empty = sorted.filter((w) => !agg.has(w)).map((w) => [circleId, w] as [string, string]);
  await Promise.all([
    db.weeks.bulkPut([...agg.values()]),
    // Compound primary keys: the typed bulkDelete does not model them.
    empty.length > 0 ? (db.weeks as unknown as Table<unknown, [string, string]>).bulkDelete(empty) : undefined,
  ]);
}

/** Recompute the latest score of the given instruments, newest first by the index. */
async function recomputeLatest(db: PacelineDB, circleId: string, instruments: ReadonlySet<InstrumentId>): Promise<void> {
  for (const instrument of instruments) {
    const row = await db.records
      .where('[circleId+kind+at]')
      .between(...prefixRange(circleId, 'assessment'))
      .reverse()
      .filter((r) => r.deleted === 0 && r.record.kind === 'assessment' && r.record.instrument === instrument)
      .first();
    if (row && row.record.kind === 'assessment') await db.latestScores.put(toLatestScoreRow(circleId, row.record));
    else await (db.latestScores as unknown as Table<unknown, [string, string]>).delete([circleId, instrument]);
  }
}

/** What a rebuild wrote, and what it left out. */
export interface RebuildReport {
  records: number;
  problems: RecordProblem[];
}

/** Recompute records, weeks and latestScores of a circle from its journal doc, in one transaction. */
export async function rebuildDerived(db: PacelineDB, circleId: string, doc: Y.Doc): Promise<RebuildReport> {
  const rows: RecordRow[] = [];
  const problems: RecordProblem[] = [];
  const latest = new Map<InstrumentId, JournalRecord & { kind: 'assessment' }>();
  for (const { kind, id, value } of storedEntries(doc)) {
    const checked = checkStored(kind, id, value);
    if (!checked.ok) { problems.push(checked.problem); continue; }
    const record = checked.record;
    rows.push(toRecordRow(circleId, record));
    if (record.kind === 'assessment' && !record.deletedAt) {
      const prev = latest.get(record.instrument);
      if (!prev || isLater(record, prev)) latest.set(record.instrument, record);
    }
  }
  const weeks = aggregateWeeks(circleId, rows.map((r) => r.record));
  const docKey = `${circleId}/journal`;
  await db.transaction('rw', [...derivedTables(db), db.docMeta as unknown as Table], async () => {
    await db.records.where('[circleId+kind+at]').between(...prefixRange(circleId)).delete();
    await db.weeks.where('[circleId+week]').between(...prefixRange(circleId)).delete();
    await db.latestScores.where('[circleId+instrument]').between(...prefixRange(circleId)).delete();
    await db.records.bulkPut(rows);
    await db.weeks.bulkPut([...weeks.values()]);
    await db.latestScores.bulkPut([...latest.values()].map((r) => toLatestScoreRow(circleId, r)));
    const meta = await db.docMeta.get(docKey);
    if (meta) await db.docMeta.put({ ...meta, derivedVersion: DERIVED_VERSION });
  });
  return { records: rows.length, problems };
}
