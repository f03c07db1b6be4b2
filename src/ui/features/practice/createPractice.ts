/**
 * Data access for the practice screen: live lists of practice items and logs, and the
 * writes (through the journal store) that the components call. Components never touch
 * storage directly.
 */
import { createMemo, createSignal, type Accessor } from 'solid-js';
import {
  localMidnight, reviseRecord, weekStart, weeklyAdherence, createPracticeLog,
  type PracticeItem, type PracticeLog, type PracticeLogInput, type RecordChanges, type Result, type ValidationError,
  type WeeklyAdherence, type JournalRecord,
} from '../../../domain';
import { listRecords } from '../../../storage/journal-queries';
import type { StoreError } from '../../../storage/errors';
import type { JournalStore } from '../../../storage/journal-store';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';

/** Why a write failed, as something a form can show: field problems, or one message key. */
export type SaveError =
  | { kind: 'fields'; errors: ValidationError[] }
  | { kind: 'message'; key: 'practice.errors.saveFailed' | 'practice.errors.storageFull' | 'practice.errors.readOnly' };

export type SaveResult<T> = Result<T, SaveError>;

const RECENT_LIMIT = 30;

function storeErrorToSave(error: StoreError): SaveError {
  switch (error.code) {
    case 'invalid-record': return { kind: 'fields', errors: error.errors };
    case 'storage-full': return { kind: 'message', key: 'practice.errors.storageFull' };
    case 'read-only': return { kind: 'message', key: 'practice.errors.readOnly' };
    default: return { kind: 'message', key: 'practice.errors.saveFailed' };
  }
}

/** The local Monday of `now`, as 'YYYY-MM-DD', and the ISO instant it starts at. */
function currentWeek(now: Date): { week: string; fromIso: string } {
  const week = weekStart(now.toISOString()) ?? '';
  const start = localMidnight(week) ?? now;
  return { week, fromIso: start.toISOString() };
}

export interface PracticeData {
  /** Every non-deleted practice item (active and archived); undefined while loading. */
  items: Accessor<PracticeItem[] | undefined>;
  active: Accessor<PracticeItem[]>;
  archived: Accessor<PracticeItem[]>;
  /** Recent logs, newest first. */
  recent: Accessor<PracticeLog[] | undefined>;
  /** This week's adherence per item and overall (domain weeklyAdherence). */
  adherence: Accessor<WeeklyAdherence & { week: string }>;
  failed: Accessor<boolean>;
  /** Saves a new or revised record; resolves once it is committed on the device. */
  save<T extends JournalRecord>(record: T): Promise<SaveResult<T>>;
  /** One tap: logs `item` as done now. */
  logDone(item: PracticeItem): Promise<SaveResult<PracticeLog>>;
  /** Validates and saves a new log from form fields. */
  logWith(item: PracticeItem, fields: PracticeLogInput): Promise<SaveResult<PracticeLog>>;
  revise<T extends JournalRecord>(record: T, changes: RecordChanges<T>): Promise<SaveResult<T>>;
  remove(record: JournalRecord): Promise<SaveResult<JournalRecord>>;
  restore(record: JournalRecord): Promise<SaveResult<JournalRecord>>;
}

/** The practice feature's data, for the current circle. Call inside a component. */
export function createPractice(): PracticeData {
  const { db, circleId, journal, role } = useAppData();
  // A caregiver logging on the patient's behalf: the entry says so wherever it appears.
  const enteredBy = role === 'caregiver' ? 'caregiver' as const : 'patient' as const;
  const [failedFlag, setFailed] = createSignal(false);
  const onError = () => setFailed(true);

  const items = createLiveQuery(
    async () => (await listRecords(db, circleId, 'practice-item')) as PracticeItem[],
    onError,
  );
  // The week is worked out inside the query so a screen left open past Sunday midnight
  // moves to the new week on the next change.
  const weekLogs = createLiveQuery(async () => {
    const { week, fromIso } = currentWeek(new Date());
    return { week, logs: (await listRecords(db, circleId, 'practice', { from: fromIso })) as PracticeLog[] };
  }, onError);
  const recent = createLiveQuery(
    async () => (await listRecords(db, circleId, 'practice', { reverse: true, limit: RECENT_LIMIT })) as PracticeLog[],
    onError,
  );

  const active = createMemo(() => (items() ?? []).filter((i) => i.archivedAt === undefined));
  const archived = createMemo(() => (items() ?? []).filter((i) => i.archivedAt !== undefined));
  const adherence = createMemo(() => {
    const data = weekLogs();
    const week = data?.week ?? currentWeek(new Date()).week;
    return { week, ...weeklyAdherence(items() ?? [], data?.logs ?? [], week) };
  });

  async function save<T extends JournalRecord>(record: T): Promise<SaveResult<T>> {
    try {
      const store = await journal();
      const result = await store.put(record);
      if (!result.ok) return { ok: false, error: storeErrorToSave(result.error) };
      if (record.kind === 'practice') performance.mark('paceline:practice-saved');
      return { ok: true, value: result.value as T };
    } catch (e) {
      console.error('practice save failed', e);
      return { ok: false, error: { kind: 'message', key: 'practice.errors.saveFailed' } };
    }
  }

  async function logWith(item: PracticeItem, fields: PracticeLogInput): Promise<SaveResult<PracticeLog>> {
    const built = createPracticeLog(
      { ...fields, practiceId: item.id, practiceName: item.name, category: item.category },
      new Date(),
      enteredBy,
    );
    if (!built.ok) return { ok: false, error: { kind: 'fields', errors: built.error } };
    return save(built.value);
  }

  return {
    items,
    active,
    archived,
    recent,
    adherence,
    failed: () => failedFlag() && items() === undefined,
    save,
    logDone: (item) => logWith(item, { status: 'done', ...(item.minutes === undefined ? {} : { minutes: item.minutes }) }),
    logWith,
    revise: async (record, changes) => {
      const revised = reviseRecord(record, changes, new Date());
      if (!revised.ok) return { ok: false, error: { kind: 'fields', errors: revised.error } };
      return save(revised.value);
    },
    remove: (record) => storeCall((store) => store.remove(record.kind, record.id)),
    restore: (record) => storeCall((store) => store.restore(record.kind, record.id)),
  };

  async function storeCall(run: (store: JournalStore) => Promise<Result<JournalRecord, StoreError>>): Promise<SaveResult<JournalRecord>> {
    try {
      const result = await run(await journal());
      return result.ok ? result : { ok: false, error: storeErrorToSave(result.error) };
    } catch (e) {
      console.error('practice change failed', e);
      return { ok: false, error: { kind: 'message', key: 'practice.errors.saveFailed' } };
    }
  }
}
