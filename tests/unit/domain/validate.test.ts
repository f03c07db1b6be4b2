import { describe, expect, test } from 'vitest';
import { isUlid, newId } from '../../../src/domain/ids';
import { RECORD_SCHEMA_VERSION, type ValidationError } from '../../../src/domain/records';
import {
  parseRecord, validateAssessmentInput, validateDiaryInput, validatePracticeItemInput, validatePracticeLogInput,
} from '../../../src/domain/validate';
import { parseIsoTime } from '../../../src/domain/validate-fields';
import { NOW, assessment, diary, idFor, practiceItem, practiceLog } from './fixtures';

const AT = '2026-11-22T08:30:00.000Z';

function errorsOf(value: unknown, now?: Date): ValidationError[] {
  const r = parseRecord(value, now);
  return r.ok ? [] : r.error;
}
function codeFor(value: unknown, field: string, now?: Date): string | undefined {
  return errorsOf(value, now).find((e) => e.field === field)?.code;
}

describe('ids', () => {
  test('newId makes canonical, strictly increasing ULIDs', () => {
    const ids = Array.from({ length: 50 }, () => newId(NOW.getTime()));
    for (const id of ids) expect(isUlid(id)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test.each([
    ['01JB0000000000000000000001', true],
    ['01jb0000000000000000000001', false], // lower case is not canonical
    ['01JB000000000000000000001', false], // 25 chars
    ['01JB00000000000000000000001', false], // 27 chars
    ['01JB000000000000000000000I', false], // I is not Crockford base32
    ['81JB0000000000000000000001', false], // timestamp overflow
    [42, false],
  ])('isUlid(%j) is %s', (value, expected) => {
    expect(isUlid(value)).toBe(expected);
  });
});

describe('ISO times', () => {
  test.each([
    ['2026-11-23T09:16:26.000Z', true],
    ['2026-11-23T09:16:26Z', true],
    ['2026-11-23T09:16:26.5Z', true],
    ['2026-02-30T00:00:00.000Z', false], // rolls over in Date.parse; not a real day
    ['2026-11-23T24:00:00.000Z', false],
    ['2026-11-23T09:16:26.000+01:00', false], // stored times are UTC
    ['2026-11-23', false],
    ['yesterday', false],
  ])('%s parses: %s', (value, ok) => {
    expect(parseIsoTime(value) !== null).toBe(ok);
  });
});

describe('parseRecord: base fields', () => {
  test('accepts a valid record of each kind', () => {
    for (const r of [
      diary(1, AT), practiceItem(2), practiceLog(3, AT, idFor(2)), assessment(4, 'phq9', [1, 1, 1, 1, 1, 1, 1, 1, 0], AT),
    ]) {
      expect(parseRecord(r, NOW)).toEqual({ ok: true, value: r });
    }
  });

  test('keeps unknown extra keys', () => {
    const value = { ...diary(1, AT), addedByV2: { x: 1 }, colour: 'blue' };
    const r = parseRecord(value);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toMatchObject({ addedByV2: { x: 1 }, colour: 'blue' });
      expect(r.value).not.toBe(value);
    }
  });

  test('rejects non-objects', () => {
    for (const v of [null, undefined, 42, 'diary', [diary(1, AT)]]) expect(parseRecord(v).ok).toBe(false);
  });

  test('reports every error, not only the first', () => {
    const errors = errorsOf({ ...diary(1, AT), id: 'x', painNow: 11, mood: 1.5, note: 'n'.repeat(2001) });
    expect(errors.map((e) => `${e.field}:${e.code}`).sort()).toEqual(
      ['id:wrongType', 'mood:notInteger', 'note:tooLong', 'painNow:outOfRange'],
    );
  });

  test('requires every base field', () => {
    const errors = errorsOf({ kind: 'diary', painNow: 1 });
    expect(errors.map((e) => e.field).sort()).toEqual(['at', 'createdAt', 'enteredBy', 'id', 'schemaVersion', 'updatedAt']);
    expect(errors.every((e) => e.code === 'required')).toBe(true);
  });

  test('schemaVersion: newer rejected with newerVersion, non-integers and 0 rejected', () => {
    expect(codeFor({ ...diary(1, AT), schemaVersion: RECORD_SCHEMA_VERSION + 1 }, 'schemaVersion')).toBe('newerVersion');
    expect(codeFor({ ...diary(1, AT), schemaVersion: 0 }, 'schemaVersion')).toBe('outOfRange');
    expect(codeFor({ ...diary(1, AT), schemaVersion: 1.5 }, 'schemaVersion')).toBe('notInteger');
    expect(codeFor({ ...diary(1, AT), schemaVersion: '1' }, 'schemaVersion')).toBe('wrongType');
    expect(codeFor({ ...diary(1, AT), schemaVersion: 1 }, 'schemaVersion')).toBe(undefined);
  });

  test('at: up to 24h in the future is fine, beyond is futureTime (only when now is given)', () => {
    const in24h = new Date(NOW.getTime() + 24 * 3600_000).toISOString();
    const over = new Date(NOW.getTime() + 24 * 3600_000 + 1).toISOString();
    expect(codeFor(diary(1, in24h), 'at', NOW)).toBe(undefined);
    expect(codeFor(diary(1, over), 'at', NOW)).toBe('futureTime');
    expect(codeFor(diary(1, over), 'at')).toBe(undefined);
  });

  test('bad times, bad enteredBy, unknown kind', () => {
    expect(codeFor({ ...diary(1, AT), createdAt: 'nope' }, 'createdAt')).toBe('badTime');
    expect(codeFor({ ...diary(1, AT), updatedAt: 5 }, 'updatedAt')).toBe('wrongType');
    expect(codeFor({ ...diary(1, AT), deletedAt: '2026-13-01T00:00:00Z' }, 'deletedAt')).toBe('badTime');
    expect(codeFor({ ...diary(1, AT), enteredBy: 'clinician' }, 'enteredBy')).toBe('unknownValue');
    expect(codeFor({ ...diary(1, AT), kind: 'goal' }, 'kind')).toBe('unknownValue');
  });
});

describe('parseRecord: diary', () => {
  test.each([
    ['painNow', 0, undefined], ['painNow', 10, undefined], ['painNow', 11, 'outOfRange'], ['painNow', -1, 'outOfRange'],
    ['painNow', 4.5, 'notInteger'], ['painNow', '4', 'wrongType'], ['painNow', NaN, 'wrongType'], ['painNow', null, 'wrongType'],
    ['sleepQuality', 10, undefined], ['sleepQuality', 11, 'outOfRange'], ['mood', 0, undefined], ['fatigue', 3.2, 'notInteger'],
    ['sleepHours', 7.5, undefined], ['sleepHours', 0, undefined], ['sleepHours', 24, undefined], ['sleepHours', 24.5, 'outOfRange'],
    ['sleepHours', 7.25, 'outOfRange'], ['sleepHours', -0.5, 'outOfRange'],
    ['bodyAreas', ['head', 'lower-back'], undefined], ['bodyAreas', 'head', 'wrongType'],
    ['painQualities', ['burning'], undefined], ['triggers', ['weather', 'stress'], undefined],
    ['activity', 'light', undefined], ['activity', 'sprinting', 'unknownValue'],
    ['note', 'n'.repeat(2000), undefined], ['note', 'n'.repeat(2001), 'tooLong'], ['note', 5, 'wrongType'],
    ['helped', 'h'.repeat(2001), 'tooLong'], ['triggerNote', 't'.repeat(2001), 'tooLong'],
  ])('%s = %j -> %s', (field, value, code) => {
    expect(codeFor({ ...diary(1, AT), [field]: value }, field)).toBe(code);
  });

  test('enum arrays report the bad element', () => {
    expect(errorsOf({ ...diary(1, AT), bodyAreas: ['head', 'tail'] })).toEqual([
      { field: 'bodyAreas.1', code: 'unknownValue', params: { value: 'tail' } },
    ]);
    expect(errorsOf({ ...diary(1, AT), triggers: ['weather', 3] })[0]?.field).toBe('triggers.1');
  });

  test('painNow is required', () => {
    const { painNow: _p, ...rest } = diary(1, AT);
    expect(codeFor(rest, 'painNow')).toBe('required');
  });
});

describe('parseRecord: practice item and log', () => {
  test.each([
    ['name', 'n'.repeat(120), undefined], ['name', 'n'.repeat(121), 'tooLong'], ['name', '  ', 'required'], ['name', '', 'required'],
    ['category', 'cbt', undefined], ['category', 'surgery', 'unknownValue'],
    ['minutes', 0, undefined], ['minutes', 600, undefined], ['minutes', 601, 'outOfRange'], ['minutes', 10.5, 'notInteger'],
    ['timesPerWeek', 1, undefined], ['timesPerWeek', 21, undefined], ['timesPerWeek', 0, 'outOfRange'], ['timesPerWeek', 22, 'outOfRange'],
    ['timesPerWeek', 2.5, 'notInteger'], ['instructions', 'i'.repeat(2001), 'tooLong'], ['dose', 'd'.repeat(121), 'tooLong'],
    ['archivedAt', AT, undefined], ['archivedAt', 'soon', 'badTime'],
  ])('item %s = %j -> %s', (field, value, code) => {
    expect(codeFor({ ...practiceItem(1), [field]: value }, field)).toBe(code);
  });

  test.each([
    ['practiceId', 'not-a-ulid', 'wrongType'], ['practiceName', 'p'.repeat(121), 'tooLong'],
    ['status', 'partly', undefined], ['status', 'maybe', 'unknownValue'],
    ['helpfulness', 10, undefined], ['helpfulness', 11, 'outOfRange'], ['minutes', 601, 'outOfRange'],
    ['note', 'n'.repeat(2001), 'tooLong'], ['category', 'x', 'unknownValue'],
  ])('log %s = %j -> %s', (field, value, code) => {
    expect(codeFor({ ...practiceLog(1, AT, idFor(2)), [field]: value }, field)).toBe(code);
  });

  test('timesPerWeek is required', () => {
    const { timesPerWeek: _t, ...rest } = practiceItem(1);
    expect(codeFor(rest, 'timesPerWeek')).toBe('required');
  });
});

describe('parseRecord: assessments', () => {
  test('score must equal the re-computed score', () => {
    const peg = assessment(1, 'peg', [5, 6, 6], AT);
    expect(peg.score).toBe(5.7);
    expect(parseRecord(peg).ok).toBe(true);
    expect(errorsOf({ ...peg, score: 5.6 })).toEqual([{ field: 'score', code: 'outOfRange', params: { expected: 5.7, found: 5.6 } }]);
    expect(errorsOf({ ...peg, score: 5.666666666666667 })[0]?.field).toBe('score');
    const phq = assessment(2, 'phq9', [3, 3, 3, 0, 0, 0, 0, 0, 0], AT);
    expect(codeFor({ ...phq, score: 10 }, 'score')).toBe('outOfRange');
    expect(codeFor({ ...phq, score: '9' }, 'score')).toBe('wrongType');
  });

  test('answer count and range per instrument', () => {
    const phq = assessment(1, 'phq9', [0, 0, 0, 0, 0, 0, 0, 0, 0], AT);
    expect(codeFor({ ...phq, answers: [0, 0, 0] }, 'answers')).toBe('outOfRange');
    expect(codeFor({ ...phq, answers: [0, 0, 0, 0, 0, 0, 0, 0, 4] }, 'answers.8')).toBe('outOfRange');
    expect(codeFor({ ...phq, answers: [0, 0, 0, 0, 0, 0, 0, 0, 0.5] }, 'answers.8')).toBe('notInteger');
    expect(codeFor({ ...phq, answers: 'none' }, 'answers')).toBe('wrongType');
    const { answers: _a, ...noAnswers } = phq;
    expect(codeFor(noAnswers, 'answers')).toBe('required');
    const peg = assessment(2, 'peg', [10, 10, 10], AT);
    expect(parseRecord(peg).ok).toBe(true);
    expect(codeFor({ ...peg, answers: [10, 10, 11] }, 'answers.2')).toBe('outOfRange');
  });

  test('oversized arrays give one error, not one per element', () => {
    const phq = assessment(1, 'phq9', [0, 0, 0, 0, 0, 0, 0, 0, 0], AT);
    expect(errorsOf({ ...phq, answers: Array.from({ length: 10_000 }, () => 9) })).toHaveLength(10);
    expect(errorsOf({ ...diary(2, AT), bodyAreas: Array.from({ length: 10_000 }, () => 'tail') })).toEqual([
      { field: 'bodyAreas', code: 'tooLong', params: { max: 26 } },
    ]);
  });

  test('unknown instrument', () => {
    const phq = assessment(1, 'phq9', [0, 0, 0, 0, 0, 0, 0, 0, 0], AT);
    expect(codeFor({ ...phq, instrument: 'bdi' }, 'instrument')).toBe('unknownValue');
  });

  test('functional item: PHQ-9 only, 0-3', () => {
    const phq = assessment(1, 'phq9', [1, 0, 0, 0, 0, 0, 0, 0, 0], AT);
    expect(parseRecord({ ...phq, functional: 3 }).ok).toBe(true);
    expect(codeFor({ ...phq, functional: 4 }, 'functional')).toBe('outOfRange');
    const gad = assessment(2, 'gad7', [1, 0, 0, 0, 0, 0, 0], AT);
    expect(codeFor({ ...gad, functional: 1 }, 'functional')).toBe('unknownValue');
  });
});

describe('form input validators', () => {
  test('a pain-only diary entry is complete', () => {
    const r = validateDiaryInput({ painNow: 7 }, NOW);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toMatchObject({ kind: 'diary', painNow: 7, at: NOW.toISOString(), createdAt: NOW.toISOString(), enteredBy: 'patient', schemaVersion: 1 });
      expect(isUlid(r.value.id)).toBe(true);
    }
  });

  test('errors use record field names; blanks mean not given', () => {
    const r = validateDiaryInput({ painNow: 12, note: '', mood: undefined, sleepHours: 30 }, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((e) => e.field).sort()).toEqual(['painNow', 'sleepHours']);
    const missing = validateDiaryInput({}, NOW);
    expect(!missing.ok && missing.error).toEqual([{ field: 'painNow', code: 'required' }]);
  });

  test('caregiver entries are marked; user-chosen at is kept and checked', () => {
    const r = validateDiaryInput({ painNow: 3, at: '2026-11-20T10:00:00.000Z' }, NOW, 'caregiver');
    expect(r.ok && r.value.enteredBy).toBe('caregiver');
    expect(r.ok && r.value.at).toBe('2026-11-20T10:00:00.000Z');
    const future = validateDiaryInput({ painNow: 3, at: '2026-11-25T10:00:00.000Z' }, NOW);
    expect(!future.ok && future.error).toEqual([{ field: 'at', code: 'futureTime' }]);
  });

  test('practice item: name trimmed and required', () => {
    const r = validatePracticeItemInput({ name: '  Walk  ', category: 'exercise', timesPerWeek: 5 }, NOW);
    expect(r.ok && r.value.name).toBe('Walk');
    const bad = validatePracticeItemInput({ name: '   ', category: 'exercise' }, NOW);
    expect(!bad.ok && bad.error.map((e) => `${e.field}:${e.code}`).sort()).toEqual(['name:required', 'timesPerWeek:required']);
  });

  test('practice log', () => {
    const r = validatePracticeLogInput({ practiceId: idFor(1), practiceName: 'Walk', category: 'exercise', status: 'partly' }, NOW);
    expect(r.ok).toBe(true);
    const bad = validatePracticeLogInput({ practiceId: 'x', practiceName: 'Walk', category: 'exercise' }, NOW);
    expect(!bad.ok && bad.error.map((e) => e.field).sort()).toEqual(['practiceId', 'status']);
  });

  test('assessment: score is computed, never taken from input', () => {
    const r = validateAssessmentInput({ instrument: 'peg', answers: [5, 6, 6], score: 9 } as never, NOW);
    expect(r.ok && r.value.score).toBe(5.7);
    const bad = validateAssessmentInput({ instrument: 'gad7', answers: [1, 2, 3] }, NOW);
    expect(!bad.ok && bad.error.map((e) => e.field)).toEqual(['answers']);
    const none = validateAssessmentInput({ instrument: 'gad7' }, NOW);
    expect(!none.ok && none.error).toEqual([{ field: 'answers', code: 'required' }]);
  });
});
