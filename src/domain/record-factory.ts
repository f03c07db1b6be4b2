import { parseRecord, validateInput, withComputedScore, type DiaryInput, type PracticeItemInput, type PracticeLogInput, type AssessmentInput } from './validate';
import type { AssessmentResponse, DiaryEntry, EnteredBy, JournalRecord, PracticeItem, PracticeLog, Result } from './records';

/** A new diary entry from form fields: id, schema version and times filled, then validated. */
export function createDiaryEntry(fields: DiaryInput, now: Date, enteredBy: EnteredBy = 'patient'): Result<DiaryEntry> {
  return validateInput('diary', fields, now, enteredBy);
}

/** A new practice item from form fields, validated. */
export function createPracticeItem(fields: PracticeItemInput, now: Date, enteredBy: EnteredBy = 'patient'): Result<PracticeItem> {
  return validateInput('practice-item', fields, now, enteredBy);
}

/** A new practice log from form fields, validated. */
export function createPracticeLog(fields: PracticeLogInput, now: Date, enteredBy: EnteredBy = 'patient'): Result<PracticeLog> {
  return validateInput('practice', fields, now, enteredBy);
}

/** A new assessment response from answers, scored and validated. */
export function createAssessment(fields: AssessmentInput, now: Date, enteredBy: EnteredBy = 'patient'): Result<AssessmentResponse> {
  return validateInput('assessment', fields, now, enteredBy);
}

/** Fields a revision may not touch: identity, kind and history. */
const FIXED = ['id', 'kind', 'schemaVersion', 'createdAt', 'updatedAt', 'deletedAt'] as const;
type FixedKey = (typeof FIXED)[number];

/** Changes to a record; a key set to undefined removes that optional field. */
export type RecordChanges<T extends JournalRecord> = { [K in Exclude<keyof T, FixedKey>]?: T[K] | undefined };

/**
 * An edited copy of a record (updatedAt = now), validated. Unknown keys survive; an
 * assessment is re-scored from its answers so the score can never go stale.
 */
export function reviseRecord<T extends JournalRecord>(record: T, changes: RecordChanges<T>, now: Date): Result<T> {
  const next: Record<string, unknown> = { ...record };
  for (const [key, value] of Object.entries(changes)) {
    if ((FIXED as readonly string[]).includes(key)) continue;
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  next['updatedAt'] = now.toISOString();
  if (next['kind'] === 'assessment') withComputedScore(next);
  const parsed = parseRecord(next, now);
  return parsed.ok ? { ok: true, value: parsed.value as T } : parsed;
}

/** A deleted copy (soft delete: deletedAt set, kept for audit); an earlier deletion time is kept. */
export function markDeleted<T extends JournalRecord>(record: T, now: Date): T {
  const stamp = now.toISOString();
  return { ...record, deletedAt: record.deletedAt ?? stamp, updatedAt: stamp };
}

/** A restored copy: deletedAt removed, updatedAt bumped. */
export function markRestored<T extends JournalRecord>(record: T, now: Date): T {
  const { deletedAt: _deleted, ...rest } = record;
  return { ...rest, updatedAt: now.toISOString() } as T;
}
