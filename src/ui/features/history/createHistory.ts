/**
 * History's data access: live queries over the derived tables (no Yjs), and remove/restore/
 * revise through the lazily loaded journal store. Components reach storage only through here.
 */
import { createMemo, createSignal, type Accessor } from 'solid-js';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';
import { listRecords, listWeeks, lastAt } from '../../../storage/journal-queries';
import { getSetting } from '../../../storage/profile';
import type { WeekRow } from '../../../storage/db';
import { reviseRecord, type RecordChanges } from '../../../domain/record-factory';
import type { AssessmentResponse, DiaryEntry, JournalRecord, PracticeLog, RecordKind, Result, ValidationError } from '../../../domain/records';
import type { RangeBounds } from './history-range';

/** Kinds History lists (practice items are set-up, not entries). */
export const LISTED_KINDS = ['diary', 'practice', 'assessment'] as const satisfies readonly RecordKind[];
export type ListedRecord = DiaryEntry | PracticeLog | AssessmentResponse;

export interface ChartData {
  /** The range this data was read for (kept together so a chart never mixes two ranges). */
  range: RangeBounds;
  grain: 'day' | 'week';
  /** Daily ranges only: diary entries in range, oldest first. */
  diary: DiaryEntry[];
  /** Weekly sums for the range (practice always; pain and sleep on weekly ranges). */
  weeks: WeekRow[];
  /** Check-ins in range, oldest first (a few hundred over five years). */
  assessments: AssessmentResponse[];
  /** PEG baseline: the setting, else the first PEG ever; undefined with no PEG at all. */
  pegBaseline: number | undefined;
}

export type ActionError = { kind: 'store'; message: string } | { kind: 'invalid'; errors: ValidationError[] };

/** Live chart data for a range: five years read ~260 week rows, never every diary entry. */
export function createChartData(range: Accessor<RangeBounds>): Accessor<ChartData | undefined> {
  const { db, circleId } = useAppData();
  // One live query per range: createLiveQuery subscribes once, so rebuild it when the range changes.
  const query = createMemo(() => {
    const r = range();
    return createLiveQuery(async (): Promise<ChartData> => {
      const [diary, weeks, assessments, setting, firstPeg] = await Promise.all([
        r.grain === 'day' ? listRecords(db, circleId, 'diary', { from: r.from }) : Promise.resolve([]),
        listWeeks(db, circleId, r.fromWeek),
        listRecords(db, circleId, 'assessment', { from: r.from }),
        getSetting(db, 'pegBaseline'),
        firstPegScore(),
      ]);
      return {
        range: r,
        grain: r.grain,
        diary: diary as DiaryEntry[],
        weeks,
        assessments: assessments as AssessmentResponse[],
        pegBaseline: setting ?? firstPeg,
      };
    });
  });
  async function firstPegScore(): Promise<number | undefined> {
    // Check-ins are few (about 400 in five years); read them in pages until the first PEG.
    let from: string | undefined;
    for (;;) {
      const page = (await listRecords(db, circleId, 'assessment', { from, limit: 100 })) as AssessmentResponse[];
      const peg = page.find((a) => a.instrument === 'peg');
      if (peg) return peg.score;
      if (page.length < 100) return undefined;
      from = page[page.length - 1]!.at;
      if (page[0]!.at === from) return undefined; // 100 records at one instant: stop rather than loop
    }
  }
  return () => query()();
}

/** Newest-first entries of a range, `limit` at most (the list grows with "Show more"). */
export function createEntries(range: Accessor<RangeBounds>, limit: Accessor<number>): Accessor<ListedRecord[] | undefined> {
  const { db, circleId } = useAppData();
  const query = createMemo(() => {
    const r = range();
    const n = limit();
    // One more than shown tells the list whether "Show more" has anything to show.
    return createLiveQuery(async () => (await listRecords(db, circleId, [...LISTED_KINDS], { from: r.from, reverse: true, limit: n + 1 })) as ListedRecord[]);
  });
  return () => query()();
}

/** True once anything was ever logged (diary, practice or check-in); undefined while loading. */
export function createHasAnyEntry(): Accessor<boolean | undefined> {
  const { db, circleId } = useAppData();
  const any = createLiveQuery(async () => {
    const found = await Promise.all(LISTED_KINDS.map((k) => lastAt(db, circleId, k)));
    return found.some((at) => at !== undefined);
  });
  return any;
}

/** Delete, undo and edit actions; each resolves to a Result, never throws at the UI. */
export function createHistoryActions() {
  const { journal } = useAppData();
  const [busy, setBusy] = createSignal(false);
  async function run(op: () => Promise<Result<JournalRecord, { message: string }>>): Promise<Result<JournalRecord, ActionError>> {
    setBusy(true);
    try {
      const result = await op();
      return result.ok ? result : { ok: false, error: { kind: 'store', message: result.error.message } };
    } catch (e) {
      return { ok: false, error: { kind: 'store', message: e instanceof Error ? e.message : String(e) } };
    } finally {
      setBusy(false);
    }
  }
  return {
    busy,
    remove: (record: ListedRecord) => run(async () => (await journal()).remove(record.kind, record.id)),
    restore: (record: ListedRecord) => run(async () => (await journal()).restore(record.kind, record.id)),
    /** Edit a practice log's status, minutes and note; invalid input changes nothing. */
    async revisePractice(log: PracticeLog, changes: RecordChanges<PracticeLog>): Promise<Result<JournalRecord, ActionError>> {
      const store = await journal();
      // Revise the stored copy, not the list's (another tab or device may have changed it).
      const current = (store.get('practice', log.id) as PracticeLog | undefined) ?? log;
      const revised = reviseRecord(current, changes, new Date());
      if (!revised.ok) return { ok: false, error: { kind: 'invalid', errors: revised.error } };
      return run(() => store.put(revised.value));
    },
  };
}
