import { INSTRUMENT_DEFS, checkAnswers, isInstrumentId, scoreResponse } from './instruments/index';
import {
  ACTIVITY_LEVELS, BODY_AREAS, PAIN_QUALITIES, PRACTICE_CATEGORIES, PRACTICE_STATUSES,
  RECORD_KINDS, RECORD_SCHEMA_VERSION, TRIGGERS, type ValidationError,
} from './records';
import { FieldChecker, LIMITS } from './validate-fields';

const ENTERED_BY = ['patient', 'caregiver'] as const;

/** Checks the fields every record has. */
export function checkBase(c: FieldChecker, obj: Record<string, unknown>, now?: Date): void {
  c.ulid('id', true);
  const v = obj['schemaVersion'];
  if (v === undefined) c.add([{ field: 'schemaVersion', code: 'required' }]);
  else if (typeof v !== 'number' || !Number.isFinite(v)) c.add([{ field: 'schemaVersion', code: 'wrongType' }]);
  else if (!Number.isInteger(v)) c.add([{ field: 'schemaVersion', code: 'notInteger' }]);
  else if (v < 1) c.add([{ field: 'schemaVersion', code: 'outOfRange', params: { min: 1, max: RECORD_SCHEMA_VERSION } }]);
  else if (v > RECORD_SCHEMA_VERSION) c.add([{ field: 'schemaVersion', code: 'newerVersion', params: { max: RECORD_SCHEMA_VERSION, found: v } }]);
  c.time('at', true, now);
  // createdAt/updatedAt come from device clocks that may disagree, so only their form is checked.
  c.time('createdAt', true);
  c.time('updatedAt', true);
  c.time('deletedAt');
  c.oneOf('enteredBy', ENTERED_BY, true);
  c.oneOf('kind', RECORD_KINDS, true);
}

function checkDiary(c: FieldChecker): void {
  c.number('painNow', LIMITS.scale, true);
  c.manyOf('bodyAreas', BODY_AREAS);
  c.manyOf('painQualities', PAIN_QUALITIES);
  c.manyOf('triggers', TRIGGERS);
  c.string('triggerNote', LIMITS.longText);
  c.string('helped', LIMITS.longText);
  c.number('sleepQuality', LIMITS.scale);
  c.number('sleepHours', LIMITS.sleepHours);
  c.number('mood', LIMITS.scale);
  c.number('fatigue', LIMITS.scale);
  c.oneOf('activity', ACTIVITY_LEVELS);
  c.string('note', LIMITS.longText);
}

function checkPracticeItem(c: FieldChecker): void {
  c.string('name', LIMITS.name, true);
  c.oneOf('category', PRACTICE_CATEGORIES, true);
  c.number('minutes', LIMITS.minutes);
  // A dose is a short label ("3 sets of 10"), so it gets the name limit.
  c.string('dose', LIMITS.name);
  c.number('timesPerWeek', LIMITS.timesPerWeek, true);
  c.string('instructions', LIMITS.longText);
  c.time('archivedAt');
}

function checkPracticeLog(c: FieldChecker): void {
  c.ulid('practiceId', true);
  c.string('practiceName', LIMITS.name, true);
  c.oneOf('category', PRACTICE_CATEGORIES, true);
  c.oneOf('status', PRACTICE_STATUSES, true);
  c.number('minutes', LIMITS.minutes);
  c.number('helpfulness', LIMITS.scale);
  c.string('note', LIMITS.longText);
}

function checkAssessment(c: FieldChecker, obj: Record<string, unknown>): void {
  const instrument = obj['instrument'];
  c.oneOf('instrument', Object.keys(INSTRUMENT_DEFS), true);
  const score = obj['score'];
  if (score === undefined) c.add([{ field: 'score', code: 'required' }]);
  else if (typeof score !== 'number' || !Number.isFinite(score)) c.add([{ field: 'score', code: 'wrongType' }]);
  if (!isInstrumentId(instrument)) {
    if (!Array.isArray(obj['answers'])) c.add(checkAnswersShape(obj['answers']));
    return;
  }
  const def = INSTRUMENT_DEFS[instrument];
  const answers = checkAnswers(def, obj['answers']);
  if (!answers.ok) c.add(answers.error);
  if (def.hasFunctionalItem) c.number('functional', LIMITS.functional);
  else if (obj['functional'] !== undefined) c.add([{ field: 'functional', code: 'unknownValue', params: { instrument } }]);
  if (!answers.ok || typeof score !== 'number' || !Number.isFinite(score)) return;
  const rescored = scoreResponse(instrument, answers.value);
  // A stored score that disagrees with its own answers is never trusted: import rejects the
  // record so that the mismatch is seen rather than hidden (PEG compares exact tenths).
  if (rescored.ok && rescored.value.score !== score) {
    c.add([{ field: 'score', code: 'outOfRange', params: { expected: rescored.value.score, found: score } }]);
  }
}

function checkAnswersShape(answers: unknown): ValidationError[] {
  return [{ field: 'answers', code: answers === undefined ? 'required' : 'wrongType' }];
}

/** Every problem in a record-shaped object, across base fields and its kind's fields. */
export function checkRecord(obj: Record<string, unknown>, now?: Date): ValidationError[] {
  const c = new FieldChecker(obj);
  checkBase(c, obj, now);
  switch (obj['kind']) {
    case 'diary': checkDiary(c); break;
    case 'practice-item': checkPracticeItem(c); break;
    case 'practice': checkPracticeLog(c); break;
    case 'assessment': checkAssessment(c, obj); break;
    default: break; // unknown or missing kind was reported by checkBase
  }
  return c.errors;
}
