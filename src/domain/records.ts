/**
 * Journal records: the values stored (as plain JSON) inside the journal Y.Doc's maps.
 * Every shape carries `schemaVersion`; readers accept older versions (see parseRecord).
 */

/** ULID (26 chars, Crockford base32): sorts by creation time. */
export type Ulid = string;
/** ISO 8601 timestamp in UTC, e.g. 2026-11-23T09:16:26.000Z. */
export type IsoTime = string;

export const RECORD_SCHEMA_VERSION = 1 as const;

export type EnteredBy = 'patient' | 'caregiver';

/** Fields every journal record has. Edits replace whole fields; deletion sets deletedAt. */
export interface RecordBase {
  id: Ulid;
  schemaVersion: number;
  /** When the thing happened (user-editable), not when it was typed. */
  at: IsoTime;
  createdAt: IsoTime;
  updatedAt: IsoTime;
  deletedAt?: IsoTime;
  enteredBy: EnteredBy;
}

/** Body regions for the body map, front and back. */
export const BODY_AREAS = [
  'head', 'neck', 'jaw',
  'shoulder-left', 'shoulder-right', 'chest', 'abdomen',
  'upper-arm-left', 'upper-arm-right', 'forearm-left', 'forearm-right', 'hand-left', 'hand-right',
  'upper-back', 'lower-back', 'hip-left', 'hip-right', 'buttocks',
  'thigh-left', 'thigh-right', 'knee-left', 'knee-right',
  'lower-leg-left', 'lower-leg-right', 'foot-left', 'foot-right',
] as const;
export type BodyArea = (typeof BODY_AREAS)[number];

export const PAIN_QUALITIES = ['aching', 'burning', 'stabbing', 'throbbing', 'shooting', 'tingling', 'cramping', 'stiff'] as const;
export type PainQuality = (typeof PAIN_QUALITIES)[number];

export const TRIGGERS = ['activity', 'rest', 'weather', 'stress', 'poor-sleep', 'work', 'housework', 'travel', 'sitting', 'standing', 'menstruation', 'missed-medication'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const ACTIVITY_LEVELS = ['bed', 'resting', 'light', 'moderate', 'active'] as const;
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];

/** Daily pain diary entry. Only painNow is required: a pain-only entry is complete. */
export interface DiaryEntry extends RecordBase {
  kind: 'diary';
  /** Numeric rating scale 0-10 (LOINC 72514-3). */
  painNow: number;
  bodyAreas?: BodyArea[];
  painQualities?: PainQuality[];
  triggers?: Trigger[];
  /** Free-text triggers beyond the list. */
  triggerNote?: string;
  helped?: string;
  /** Sleep quality last night 0-10 (own item, not validated). */
  sleepQuality?: number;
  sleepHours?: number;
  mood?: number;
  fatigue?: number;
  activity?: ActivityLevel;
  note?: string;
}

/** Plan item kinds from CLINICAL.md's care plan vocabulary. */
export const PRACTICE_CATEGORIES = ['exercise', 'cbt', 'relaxation', 'pacing', 'sleep', 'medication', 'education'] as const;
export type PracticeCategory = (typeof PRACTICE_CATEGORIES)[number];

/** A practice the patient set up for themselves (until care plans exist). */
export interface PracticeItem extends RecordBase {
  kind: 'practice-item';
  name: string;
  category: PracticeCategory;
  /** Dose: minutes per session, or a free-text dose such as "3 sets of 10". */
  minutes?: number;
  dose?: string;
  timesPerWeek: number;
  instructions?: string;
  archivedAt?: IsoTime;
}

export const PRACTICE_STATUSES = ['done', 'partly', 'skipped'] as const;
export type PracticeStatus = (typeof PRACTICE_STATUSES)[number];

/** One logged home practice. */
export interface PracticeLog extends RecordBase {
  kind: 'practice';
  practiceId: Ulid;
  /** Name at the time of logging, so the log reads right if the item is renamed or removed. */
  practiceName: string;
  category: PracticeCategory;
  status: PracticeStatus;
  minutes?: number;
  /** How much it helped, 0-10. */
  helpfulness?: number;
  note?: string;
}

export const INSTRUMENTS = ['peg', 'phq9', 'phq2', 'gad7', 'gad2'] as const;
export type InstrumentId = (typeof INSTRUMENTS)[number];

/** An answered questionnaire. answers[i] is item i+1's value. */
export interface AssessmentResponse extends RecordBase {
  kind: 'assessment';
  instrument: InstrumentId;
  answers: number[];
  /** PHQ-9 functional item: 0 not difficult at all .. 3 extremely difficult. */
  functional?: number;
  /** Total as scored at the time (PEG: mean, one decimal). Readers re-score from answers. */
  score: number;
}

export type JournalRecord = DiaryEntry | PracticeItem | PracticeLog | AssessmentResponse;
export type RecordKind = JournalRecord['kind'];
export const RECORD_KINDS: readonly RecordKind[] = ['diary', 'practice-item', 'practice', 'assessment'];

/** Result type for expected failures (invalid input, rejected files): values, not exceptions. */
export type Result<T, E = ValidationError[]> = { ok: true; value: T } | { ok: false; error: E };

/** A validation problem, with an i18n message key and the field it concerns. */
export interface ValidationError {
  field: string;
  /** Key in the i18n catalog, e.g. 'validation.outOfRange'. */
  code: 'required' | 'outOfRange' | 'notInteger' | 'tooLong' | 'unknownValue' | 'wrongType' | 'badTime' | 'futureTime' | 'newerVersion';
  /** Values to fill the message with (min, max, ...). */
  params?: Record<string, string | number>;
}
