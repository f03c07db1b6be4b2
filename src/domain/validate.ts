import { newId } from './ids';
import { isInstrumentId, scoreResponse } from './instruments/index';
import { checkRecord } from './record-checks';
import {
  RECORD_SCHEMA_VERSION,
  type AssessmentResponse, type DiaryEntry, type EnteredBy, type JournalRecord, type PracticeItem,
  type PracticeLog, type RecordBase, type RecordKind, type Result, type IsoTime,
} from './records';
import { isPlainObject } from './validate-fields';

/**
 * Validates a stored or imported value as a journal record. Returns every problem found.
 * Unknown extra keys are kept in the returned copy (a newer app may have written them).
 */
export function parseRecord(value: unknown, now?: Date): Result<JournalRecord> {
  if (!isPlainObject(value)) return { ok: false, error: [{ field: '', code: 'wrongType' }] };
  const errors = checkRecord(value, now);
  if (errors.length > 0) return { ok: false, error: errors };
  // Shallow copy: the caller may keep and change its own object; nested arrays are shared.
  return { ok: true, value: { ...value } as unknown as JournalRecord };
}

type BaseKeys = keyof RecordBase | 'kind';

/** What a person types into the diary form; `at` defaults to now. */
export type DiaryInput = Partial<Omit<DiaryEntry, BaseKeys>> & { at?: IsoTime };
/** What a person types when setting up a practice. */
export type PracticeItemInput = Partial<Omit<PracticeItem, BaseKeys>> & { at?: IsoTime };
/** What a person types when logging a practice. */
export type PracticeLogInput = Partial<Omit<PracticeLog, BaseKeys>> & { at?: IsoTime };
/** What a person answers in a questionnaire; the score is always computed, never typed. */
export type AssessmentInput = Partial<Omit<AssessmentResponse, BaseKeys | 'score'>> & { at?: IsoTime };

export interface InputByKind {
  diary: DiaryInput;
  'practice-item': PracticeItemInput;
  practice: PracticeLogInput;
  assessment: AssessmentInput;
}
export type RecordOfKind<K extends RecordKind> = Extract<JournalRecord, { kind: K }>;

const TRIMMED_FIELDS = new Set(['name', 'practiceName', 'dose']);

/** Form values as a person left them: undefined and blank optional strings mean "not given". */
function cleanInput(fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(fields)) {
    const value = typeof raw === 'string' && TRIMMED_FIELDS.has(key) ? raw.trim() : raw;
    if (value === undefined || value === null || value === '') continue;
    out[key] = value;
  }
  return out;
}

/**
 * Builds a complete record from form fields (new id, schema version, times) and validates it.
 * Errors name the record's fields, so a form can show each one next to its input.
 */
export function validateInput<K extends RecordKind>(
  kind: K, fields: InputByKind[K], now: Date, enteredBy: EnteredBy = 'patient',
): Result<RecordOfKind<K>> {
  const stamp = now.toISOString();
  const cleaned = cleanInput(fields);
  const candidate: Record<string, unknown> = {
    ...cleaned,
    id: newId(now.getTime()),
    schemaVersion: RECORD_SCHEMA_VERSION,
    kind,
    at: cleaned['at'] ?? stamp,
    createdAt: stamp,
    updatedAt: stamp,
    enteredBy,
  };
  delete candidate['deletedAt'];
  if (kind === 'assessment') withComputedScore(candidate);
  const parsed = parseRecord(candidate, now);
  return parsed.ok ? { ok: true, value: parsed.value as RecordOfKind<K> } : parsed;
}

/**
 * Sets `score` from the answers. When they do not score, a placeholder 0 stands in so that
 * the errors reported are the answers' own, not a confusing "score required".
 */
export function withComputedScore(candidate: Record<string, unknown>): void {
  const { instrument, answers } = candidate;
  const scored = isInstrumentId(instrument) && Array.isArray(answers) ? scoreResponse(instrument, answers) : null;
  candidate['score'] = scored?.ok ? scored.value.score : 0;
}

/** Validates diary form fields into a full DiaryEntry. */
export function validateDiaryInput(fields: DiaryInput, now: Date, enteredBy: EnteredBy = 'patient'): Result<DiaryEntry> {
  return validateInput('diary', fields, now, enteredBy);
}

/** Validates practice set-up form fields into a full PracticeItem. */
export function validatePracticeItemInput(fields: PracticeItemInput, now: Date, enteredBy: EnteredBy = 'patient'): Result<PracticeItem> {
  return validateInput('practice-item', fields, now, enteredBy);
}

/** Validates practice log form fields into a full PracticeLog. */
export function validatePracticeLogInput(fields: PracticeLogInput, now: Date, enteredBy: EnteredBy = 'patient'): Result<PracticeLog> {
  return validateInput('practice', fields, now, enteredBy);
}

/** Validates questionnaire answers into a full, scored AssessmentResponse. */
export function validateAssessmentInput(fields: AssessmentInput, now: Date, enteredBy: EnteredBy = 'patient'): Result<AssessmentResponse> {
  return validateInput('assessment', fields, now, enteredBy);
}
