/**
 * Data access for the diary feature: the only place its components reach storage.
 * Reads use the Yjs-free query module so the landing screen stays light; writes load the
 * journal store lazily through useAppData().journal().
 */
import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';
import { getRecord, listRecords } from '../../../storage/journal-queries';
import { readCheckinSchedule } from '../../../storage/checkin-schedule';
import type { StoreError } from '../../../storage/errors';
import type { RecordChanges } from '../../../domain/record-factory';
import type { DueAssessment } from '../../../domain/schedule';
import { addLocalDays } from '../../../domain/local-dates';
import type { DiaryEntry, InstrumentId, JournalRecord, Result, ValidationError } from '../../../domain/records';
import type { ReadFormDraft } from '../../../storage/form-drafts';
import { copyDraft, draftToInput, toLocalInput, type DiaryDraft } from './diary-draft';

/** Why a write did not happen: the person's input (shown per field) or the device's storage. */
export type DiaryFailure =
  | { kind: 'invalid'; errors: ValidationError[] }
  | { kind: 'storage'; code: StoreError['code'] };

type Written = Result<DiaryEntry, DiaryFailure>;

function fromStore(result: Result<JournalRecord, StoreError>): Written {
  if (result.ok) return { ok: true, value: result.value as DiaryEntry };
  const e = result.error;
  return e.code === 'invalid-record' ? { ok: false, error: { kind: 'invalid', errors: e.errors } } : { ok: false, error: { kind: 'storage', code: e.code } };
}

async function guarded(write: () => Promise<Written>): Promise<Written> {
  try {
    return await write();
  } catch (e) {
    // The store reports expected failures as values; anything thrown (e.g. the Yjs chunk
    // failing to load) still must not lose the form, so it becomes a storage failure.
    console.error('diary write failed', e);
    return { ok: false, error: { kind: 'storage', code: 'storage-failed' } };
  }
}

/**
 * A module loaded on first use. The promise is kept: a repeated dynamic import() still goes
 * through the module loader on every call, which costs milliseconds on the tap-to-saved
 * path. A failed load is tried again next time.
 */
function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load().catch((e: unknown) => {
    loading = undefined;
    throw e;
  }));
}

// Record validation brings the instrument tables with it; the journal store needs the same
// code, so it is loaded with the store rather than in the landing bundle.
const loadFactory = loadOnce(() => import('../../../domain/record-factory'));
// The draft check is not needed for the first screen either.
const loadDraftStore = loadOnce(() => import('./today-draft-store'));

/** Save, revise, delete and restore diary entries. */
export function createDiary() {
  const { journal, role } = useAppData();
  return {
    /** Loads what a save needs ahead of the first tap (call when the screen is idle). */
    warm(): void {
      void loadFactory().catch(() => undefined);
    },

    /** Validates the form and writes a new entry; marks 'paceline:diary-saved' once committed. */
    save(draft: DiaryDraft, now: Date = new Date()): Promise<Written> {
      return guarded(async () => {
        const { input, errors } = draftToInput(draft, now);
        const created = (await loadFactory()).createDiaryEntry(input, now, role === 'caregiver' ? 'caregiver' : 'patient');
        if (errors.length > 0 || !created.ok) {
          return { ok: false, error: { kind: 'invalid', errors: [...errors, ...(created.ok ? [] : created.error)] } };
        }
        const store = await journal();
        // The benchmark splits tap-to-committed into form work and the storage commit.
        performance.mark('paceline:diary-put');
        const result = await store.put(created.value);
        performance.mark('paceline:diary-saved');
        return fromStore(result);
      });
    },

    /** Validates the edited form against the stored entry and writes the revision. */
    revise(entry: DiaryEntry, draft: DiaryDraft, now: Date = new Date()): Promise<Written> {
      return guarded(async () => {
        const { input, errors } = draftToInput(draft, now);
        const { at, ...rest } = input;
        // A cleared or unchanged time field keeps the entry's own time (to the second).
        const keepTime = at === undefined || draft.at === toLocalInput(new Date(entry.at));
        const changes: RecordChanges<DiaryEntry> = keepTime ? rest : { ...rest, at };
        const revised = (await loadFactory()).reviseRecord(entry, changes, now);
        if (errors.length > 0 || !revised.ok) {
          return { ok: false, error: { kind: 'invalid', errors: [...errors, ...(revised.ok ? [] : revised.error)] } };
        }
        return fromStore(await (await journal()).put(revised.value));
      });
    },

    /** Soft delete (kept for audit and undo). */
    remove(id: string): Promise<Written> {
      return guarded(async () => fromStore(await (await journal()).remove('diary', id)));
    },

    /** Undo a delete. */
    restore(id: string): Promise<Written> {
      return guarded(async () => fromStore(await (await journal()).restore('diary', id)));
    },
  };
}

/** Local midnight of today, as a signal that moves on at the next midnight. */
function createToday(): Accessor<Date> {
  const midnight = () => addLocalDays(new Date(), 0);
  const [day, setDay] = createSignal(midnight());
  let timer: ReturnType<typeof setTimeout>;
  const schedule = () => {
    timer = setTimeout(() => { setDay(midnight()); schedule(); }, addLocalDays(new Date(), 1).getTime() - Date.now() + 1000);
  };
  schedule();
  onCleanup(() => clearTimeout(timer));
  return day;
}

/** A live query over today's records that restarts when the day changes. */
function createTodayQuery<T>(query: (from: string, to: string) => Promise<T>): Accessor<T | undefined> {
  const day = createToday();
  const live = createMemo(() => {
    const start = day();
    return createLiveQuery(() => query(start.toISOString(), addLocalDays(start, 1).toISOString()));
  });
  return () => live()();
}

/** Today's diary entries, newest first; updates when any tab or screen changes them. */
export function createTodayEntries(): Accessor<DiaryEntry[] | undefined> {
  const { db, circleId } = useAppData();
  return createTodayQuery(async (from, to) => (await listRecords(db, circleId, 'diary', { from, to, reverse: true })) as DiaryEntry[]);
}

/** How many practice logs there are today. */
export function createPracticeCountToday(): Accessor<number | undefined> {
  const { db, circleId } = useAppData();
  return createTodayQuery(async (from, to) => (await listRecords(db, circleId, 'practice', { from, to })).length);
}

/** One entry by id: `null` when it does not exist (or is not a diary entry). */
export function createEntry(id: Accessor<string>): Accessor<{ entry: DiaryEntry | null } | undefined> {
  const { db } = useAppData();
  const live = createMemo(() => {
    const current = id();
    return createLiveQuery(async () => {
      const record = await getRecord(db, current);
      return { entry: record?.kind === 'diary' ? record : null };
    });
  });
  return () => live()();
}

export interface CheckinStatus {
  due: DueAssessment[];
  /** The soonest upcoming check-in when none is due. */
  next: { instrument: InstrumentId; on: Date } | null;
}

/** Check-ins due now (cadence from settings, last answers from storage), and the next one. */
export function createCheckinStatus(): Accessor<CheckinStatus | undefined> {
  const { db, circleId } = useAppData();
  return createLiveQuery(async () => {
    const schedule = await readCheckinSchedule(db, circleId);
    let next: CheckinStatus['next'] = null;
    for (const instrument of Object.keys(schedule.cadence) as InstrumentId[]) {
      const on = schedule.nextDue(instrument);
      if (on && (!next || on < next.on)) next = { instrument, on };
    }
    return { due: schedule.due, next };
  });
}

/**
 * The unfinished entry of Today's form, kept on this device (storage/form-drafts.ts). Writes
 * run one after another, so a draft kept just before a save can never land after the save
 * dropped it (a reload would then offer an entry already saved).
 */
export function createTodayDraft() {
  const { db } = useAppData();
  let queue: Promise<void> = Promise.resolve();
  const write = (op: (store: Awaited<ReturnType<typeof loadDraftStore>>) => Promise<void>): Promise<void> =>
    (queue = queue.then(async () => op(await loadDraftStore())).catch((e: unknown) => console.error('diary draft could not be stored', e)));
  return {
    read: async (): Promise<ReadFormDraft<DiaryDraft>> => (await loadDraftStore()).readTodayDraft(db),
    /** Keeps the form as it is now; a blank form drops the draft instead. */
    keep: (draft: DiaryDraft, now: Date = new Date()): Promise<void> => {
      const copy = copyDraft(draft);
      return write((store) => store.keepTodayDraft(db, copy, now));
    },
    drop: (): Promise<void> => write((store) => store.dropTodayDraft(db)),
  };
}
