import { describe, expect, test } from 'vitest';
import {
  createAssessment, createDiaryEntry, createPracticeItem, createPracticeLog, markDeleted, markRestored, reviseRecord,
} from '../../../src/domain/record-factory';
import { parseRecord } from '../../../src/domain/validate';
import { NOW, diary, idFor } from './fixtures';

const LATER = new Date(NOW.getTime() + 3600_000);
const AT = '2026-11-22T08:30:00.000Z';

describe('create*', () => {
  test('fills id, version and times, and the result parses', () => {
    const results = [
      createDiaryEntry({ painNow: 4 }, NOW),
      createPracticeItem({ name: 'Breathing', category: 'relaxation', timesPerWeek: 7, minutes: 10 }, NOW),
      createPracticeLog({ practiceId: idFor(9), practiceName: 'Breathing', category: 'relaxation', status: 'done' }, NOW),
      createAssessment({ instrument: 'phq9', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0], functional: 1 }, NOW),
    ];
    for (const r of results) {
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.createdAt).toBe(NOW.toISOString());
        expect(r.value.updatedAt).toBe(NOW.toISOString());
        expect(parseRecord(r.value, NOW).ok).toBe(true);
      }
    }
    const a = results[3];
    expect(a?.ok && a.value.kind === 'assessment' && a.value.score).toBe(8);
  });

  test('ids of records made in the same millisecond still sort in creation order', () => {
    const ids = [1, 2, 3].map(() => { const r = createDiaryEntry({ painNow: 1 }, NOW); return r.ok ? r.value.id : ''; });
    expect([...ids].sort()).toEqual(ids);
  });

  test('a deletedAt or id in the form is not taken over', () => {
    const r = createDiaryEntry({ painNow: 4, deletedAt: AT, id: 'mine' } as never, NOW);
    expect(r.ok && r.value.deletedAt).toBe(undefined);
    expect(r.ok && r.value.id).not.toBe('mine');
  });
});

describe('reviseRecord', () => {
  test('returns an edited copy with updatedAt bumped, original untouched, unknown keys kept', () => {
    const original = { ...diary(1, AT, { mood: 3 }), fromNewerApp: true } as ReturnType<typeof diary>;
    const r = reviseRecord(original, { painNow: 8, mood: undefined }, LATER);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toMatchObject({ painNow: 8, updatedAt: LATER.toISOString(), createdAt: AT, id: idFor(1), fromNewerApp: true });
      expect('mood' in r.value).toBe(false);
    }
    expect(original.painNow).toBe(5);
    expect(original.mood).toBe(3);
  });

  test('cannot change identity or history', () => {
    const r = reviseRecord(diary(1, AT), { id: idFor(2), kind: 'practice', createdAt: NOW.toISOString() } as never, LATER);
    expect(r.ok && [r.value.id, r.value.kind, r.value.createdAt]).toEqual([idFor(1), 'diary', AT]);
  });

  test('invalid changes are errors, not a bad record', () => {
    const r = reviseRecord(diary(1, AT), { painNow: 15 }, LATER);
    expect(!r.ok && r.error).toEqual([{ field: 'painNow', code: 'outOfRange', params: { min: 0, max: 10 } }]);
  });

  test('an assessment is re-scored when its answers change', () => {
    const created = createAssessment({ instrument: 'peg', answers: [5, 6, 6] }, NOW);
    if (!created.ok) throw new Error('fixture');
    const r = reviseRecord(created.value, { answers: [1, 1, 2] }, LATER);
    expect(r.ok && r.value.score).toBe(1.3);
  });
});

describe('markDeleted / markRestored', () => {
  test('soft delete keeps the record and the first deletion time', () => {
    const d = markDeleted(diary(1, AT), NOW);
    expect(d).toMatchObject({ deletedAt: NOW.toISOString(), updatedAt: NOW.toISOString(), painNow: 5 });
    const again = markDeleted(d, LATER);
    expect(again.deletedAt).toBe(NOW.toISOString());
    expect(again.updatedAt).toBe(LATER.toISOString());
  });

  test('restore removes deletedAt', () => {
    const r = markRestored(markDeleted(diary(1, AT), NOW), LATER);
    expect('deletedAt' in r).toBe(false);
    expect(r.updatedAt).toBe(LATER.toISOString());
    expect(parseRecord(r).ok).toBe(true);
  });
});
