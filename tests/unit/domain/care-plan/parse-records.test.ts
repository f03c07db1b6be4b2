import { describe, expect, test } from 'vitest';
import {
  CARE_PLAN_SCHEMA_VERSION, PLAN_LIMITS, parseCrisisPlanRecord, parseEscalation, parseGoal, parseGoalRating, parsePlanComment,
  parsePlanItem, parsePlanRecord, parseProposal, parseSteppedCare, type PlanRecord,
} from '../../../../src/domain/care-plan/index';
import type { ValidationError } from '../../../../src/domain/records';
import {
  CLINICIAN, NOW, PATIENT, T1, comment, crisisPlan, escalation, goal, idFor, oneOfEach, planItem, rating, steppedCare,
} from './fixtures';

function errorsOf(value: unknown, now?: Date): ValidationError[] {
  const r = parsePlanRecord(value, now);
  return r.ok ? [] : r.error;
}
function codeFor(value: unknown, field: string, now?: Date): string | undefined {
  return errorsOf(value, now).find((e) => e.field === field)?.code;
}
const without = (record: PlanRecord, key: string) => {
  const copy: Record<string, unknown> = { ...record };
  delete copy[key];
  return copy;
};

describe('parsePlanRecord: every kind and the base fields', () => {
  test('accepts a valid record of each kind, as an equal copy', () => {
    for (const record of oneOfEach()) {
      const r = parsePlanRecord(record, NOW);
      expect(r).toEqual({ ok: true, value: record });
      if (r.ok) expect(r.value).not.toBe(record);
    }
  });

  test('keeps unknown keys (a newer app of the same schema version may add some)', () => {
    const r = parsePlanRecord({ ...goal(1), colour: 'blue' });
    expect(r.ok && (r.value as unknown as Record<string, unknown>)['colour']).toBe('blue');
  });

  test('refuses non-objects without throwing', () => {
    for (const v of [null, undefined, 1, 'goal', [goal(1)]]) expect(errorsOf(v)).toEqual([{ field: '', code: 'wrongType' }]);
  });

  test.each(['id', 'schemaVersion', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'kind'])('%s is required', (key) => {
    expect(codeFor(without(goal(1), key), key)).toBe('required');
  });

  test.each([
    ['id', 'nope', 'wrongType'],
    ['kind', 'care-team', 'unknownValue'],
    ['kind', 7, 'wrongType'],
    ['schemaVersion', '1', 'wrongType'],
    ['schemaVersion', 1.5, 'notInteger'],
    ['schemaVersion', 0, 'outOfRange'],
    ['createdAt', '2026-11-01', 'badTime'],
    ['updatedAt', 5, 'wrongType'],
    ['deletedAt', 'yesterday', 'badTime'],
    ['createdBy', 'short', 'wrongType'],
    ['updatedBy', `${'p'.repeat(42)}B`, 'wrongType'], // not the canonical spelling of a key
  ])('%s = %j is %s', (field, value, code) => {
    expect(codeFor({ ...goal(1), [field]: value }, field)).toBe(code);
  });

  test('the current version and older ones are read; a newer one is refused with newerVersion alone', () => {
    expect(parsePlanRecord({ ...goal(1), schemaVersion: 1 }).ok).toBe(true);
    const newer = { ...goal(1), schemaVersion: CARE_PLAN_SCHEMA_VERSION + 1, title: 42, shape: 'new' };
    expect(errorsOf(newer)).toEqual([
      { field: 'schemaVersion', code: 'newerVersion', params: { max: CARE_PLAN_SCHEMA_VERSION, found: CARE_PLAN_SCHEMA_VERSION + 1 } },
    ]);
  });

  test('singletons are stored under their kind as a fixed id; other kinds need a ULID', () => {
    expect(codeFor({ ...steppedCare(), id: idFor(1) }, 'id')).toBe('unknownValue');
    expect(codeFor(without(escalation(), 'id'), 'id')).toBe('required');
    expect(codeFor({ ...crisisPlan(), id: 3 }, 'id')).toBe('wrongType');
    expect(codeFor({ ...goal(1), id: 'goal' }, 'id')).toBe('wrongType');
  });

  test('reports every error, not only the first', () => {
    const fields = errorsOf({ ...goal(1), id: 'x', title: '', targetDate: '2027-02-30' }).map((e) => e.field);
    expect(fields).toEqual(['id', 'title', 'targetDate']);
  });
});

describe('goals and ratings', () => {
  test.each([
    [{ title: 't'.repeat(PLAN_LIMITS.name + 1) }, 'title', 'tooLong'],
    [{ title: '   ' }, 'title', 'required'],
    [{ baseline: 'b'.repeat(PLAN_LIMITS.text + 1) }, 'baseline', 'tooLong'],
    [{ target: 5 }, 'target', 'wrongType'],
    [{ targetDate: '2027-2-1' }, 'targetDate', 'badTime'],
    [{ targetDate: 20270201 }, 'targetDate', 'wrongType'],
    [{ milestones: 'none' }, 'milestones', 'wrongType'],
    [{ milestones: [{ id: idFor(9), text: 'a' }, 'b'] }, 'milestones.1', 'wrongType'],
    [{ milestones: [{ text: 'a' }] }, 'milestones.0.id', 'required'],
    [{ milestones: [{ id: idFor(9), text: 'm'.repeat(PLAN_LIMITS.shortText + 1) }] }, 'milestones.0.text', 'tooLong'],
    [{ milestones: [{ id: idFor(9), text: 'a', reachedAt: 'soon' }] }, 'milestones.0.reachedAt', 'badTime'],
    [{ milestones: [{ id: idFor(9), text: 'a' }, { id: idFor(9), text: 'b' }] }, 'milestones.1.id', 'unknownValue'],
    [{ milestones: Array.from({ length: PLAN_LIMITS.milestones + 1 }, (_, i) => ({ id: idFor(100 + i), text: 'm' })) }, 'milestones', 'tooLong'],
  ])('goal %j: %s is %s', (extra, field, code) => {
    expect(codeFor({ ...goal(1), ...extra }, field)).toBe(code);
  });

  test('a goal needs its milestones list, which may be empty', () => {
    expect(codeFor(without(goal(1), 'milestones'), 'milestones')).toBe('required');
    expect(parseGoal({ ...goal(1), milestones: [] }).ok).toBe(true);
  });

  test.each([
    [{ progress: 11 }, 'progress', 'outOfRange'],
    [{ progress: -1 }, 'progress', 'outOfRange'],
    [{ progress: 2.5 }, 'progress', 'notInteger'],
    [{ progress: '5' }, 'progress', 'wrongType'],
    [{ goalId: 'g' }, 'goalId', 'wrongType'],
    [{ note: 'n'.repeat(PLAN_LIMITS.longText + 1) }, 'note', 'tooLong'],
    [{ at: '2026-11-25T09:00:00.000Z' }, 'at', 'futureTime'],
  ])('rating %j: %s is %s', (extra, field, code) => {
    expect(codeFor({ ...rating(2, idFor(1), T1, 5), ...extra }, field, NOW)).toBe(code);
  });

  test('parseGoalRating bounds the future only when given now', () => {
    const later = rating(2, idFor(1), '2030-01-01T00:00:00.000Z', 5);
    expect(parseGoalRating(later).ok).toBe(true);
    expect(parseGoalRating(later, NOW).ok).toBe(false);
  });
});

describe('plan items', () => {
  test.each([
    [{ name: '' }, 'name', 'required'],
    [{ category: 'yoga' }, 'category', 'unknownValue'],
    [{ timesPerWeek: 22 }, 'timesPerWeek', 'outOfRange'],
    [{ timesPerWeek: -1 }, 'timesPerWeek', 'outOfRange'],
    [{ timesPerWeek: 1.5 }, 'timesPerWeek', 'notInteger'],
    [{ minutes: 0 }, 'minutes', 'outOfRange'],
    [{ minutes: 601 }, 'minutes', 'outOfRange'],
    [{ instructions: 'i'.repeat(PLAN_LIMITS.longText + 1) }, 'instructions', 'tooLong'],
    [{ days: [] }, 'days', 'required'],
    [{ days: 'mon' }, 'days', 'wrongType'],
    [{ days: [0, 7] }, 'days.1', 'outOfRange'],
    [{ days: [0, 0] }, 'days.1', 'unknownValue'],
    [{ days: [0.5] }, 'days.0', 'notInteger'],
    [{ days: ['0'] }, 'days.0', 'wrongType'],
    [{ days: [0, 1, 2, 3, 4, 5, 6, 0] }, 'days', 'tooLong'],
    [{ startDate: '2026-13-01' }, 'startDate', 'badTime'],
    [{ startDate: '2026-12-01', endDate: '2026-11-30' }, 'endDate', 'outOfRange'],
    [{ archivedAt: 'now' }, 'archivedAt', 'badTime'],
    [{ sets: 0 }, 'sets', 'outOfRange'],
    [{ reps: 201 }, 'reps', 'outOfRange'],
    [{ category: 'cbt', skill: 'journaling' }, 'skill', 'unknownValue'],
    [{ category: 'relaxation', technique: 'yoga' }, 'technique', 'unknownValue'],
    [{ category: 'pacing', restMinutes: -5 }, 'restMinutes', 'outOfRange'],
    [{ category: 'sleep', wakeTime: '24:00' }, 'wakeTime', 'badTime'],
    [{ category: 'sleep', wakeTime: '7:30' }, 'wakeTime', 'badTime'],
    [{ category: 'sleep', wakeTime: 730 }, 'wakeTime', 'wrongType'],
    [{ category: 'medication', sideEffectsToWatch: ['Nausea', ''] }, 'sideEffectsToWatch.1', 'required'],
    [{ category: 'medication', sideEffectsToWatch: Array(PLAN_LIMITS.sideEffects + 1).fill('x') }, 'sideEffectsToWatch', 'tooLong'],
    [{ category: 'education', readingText: 'r'.repeat(PLAN_LIMITS.readingText + 1) }, 'readingText', 'tooLong'],
    [{ sets: 3, skill: 'thought-record' }, 'skill', 'unknownValue'], // a CBT detail on an exercise
  ])('%j: %s is %s', (extra, field, code) => {
    expect(codeFor({ ...planItem(3), ...extra }, field)).toBe(code);
  });

  test('each category takes its own details', () => {
    const items = [
      planItem(3, { sets: 3, reps: 10, minutes: 20, days: [0, 2, 4] }),
      planItem(3, { category: 'cbt', skill: 'thought-record', homework: 'One record a day' }),
      planItem(3, { category: 'relaxation', technique: 'body-scan' }),
      planItem(3, { category: 'pacing', activity: 'Gardening', timeLimitMinutes: 20, restMinutes: 10 }),
      planItem(3, { category: 'sleep', wakeTime: '07:30', windDown: 'No screens after 22:00', timesPerWeek: 7 }),
      planItem(3, { category: 'medication', dose: '300 mg', schedule: 'Morning and night', purpose: 'Nerve pain', sideEffectsToWatch: ['Dizziness'], timesPerWeek: 14 }),
      planItem(3, { category: 'education', readingTitle: 'Understanding pain', readingText: 'Pain is...', timesPerWeek: 0 }),
    ];
    for (const item of items) expect(parsePlanItem(item)).toEqual({ ok: true, value: item });
  });
});

describe('singletons and comments', () => {
  test.each([
    [steppedCare({ level: 4 as 1 }), 'level', 'outOfRange'],
    [steppedCare({ criteria: '' }), 'criteria', 'required'],
    [steppedCare({ reviewDate: 'soon' }), 'reviewDate', 'badTime'],
    [escalation({ criteria: 'New numbness' as unknown as string[] }), 'criteria', 'wrongType'],
    [escalation({ criteria: Array(PLAN_LIMITS.escalationCriteria + 1).fill('x') }), 'criteria', 'tooLong'],
    [escalation({ instructions: '' }), 'instructions', 'required'],
    [crisisPlan({ people: [{ name: 'Ana', phone: 'call me' }] }), 'people.0.phone', 'wrongType'],
    [crisisPlan({ people: [{ name: '', phone: '988' }] }), 'people.0.name', 'required'],
    [crisisPlan({ people: [{ name: 'Ana', phone: '1'.repeat(PLAN_LIMITS.phone + 1) }] }), 'people.0.phone', 'tooLong'],
    [crisisPlan({ people: Array(PLAN_LIMITS.crisisPeople + 1).fill({ name: 'A', phone: '988' }) }), 'people', 'tooLong'],
    [crisisPlan({ steps: [3] as unknown as string[] }), 'steps.0', 'wrongType'],
    [comment(4, PATIENT, { text: '' }), 'text', 'required'],
    [comment(4, PATIENT, { text: 't'.repeat(PLAN_LIMITS.longText + 1) }), 'text', 'tooLong'],
    [comment(4, PATIENT, { target: { kind: 'goal', id: null } }), 'target.id', 'required'],
    [comment(4, PATIENT, { target: { kind: 'goal', id: 'g' } }), 'target.id', 'wrongType'],
    [comment(4, PATIENT, { target: { kind: 'stepped-care', id: idFor(1) } }), 'target.id', 'unknownValue'],
    [comment(4, PATIENT, { target: { kind: 'diary' as 'plan', id: null } }), 'target.kind', 'unknownValue'],
    [{ ...comment(4, PATIENT), target: { kind: 'plan' } }, 'target.id', 'required'],
    [{ ...comment(4, PATIENT), target: 'plan' }, 'target', 'wrongType'],
  ])('%#: %s is %s', (value, field, code) => {
    expect(codeFor(value, field)).toBe(code);
  });

  test('crisis plans need both lists (they may be empty); comments on records name them', () => {
    expect(codeFor(without(crisisPlan(), 'steps'), 'steps')).toBe('required');
    expect(parseCrisisPlanRecord(crisisPlan({ people: [], steps: [] })).ok).toBe(true);
    expect(parsePlanComment(comment(4, CLINICIAN, { target: { kind: 'goal', id: idFor(1) } })).ok).toBe(true);
    expect(parsePlanComment(comment(4, CLINICIAN, { target: { kind: 'crisis-plan', id: null } })).ok).toBe(true);
  });
});

describe('parsers by kind', () => {
  test('each accepts its own kind and refuses another', () => {
    expect(parseGoal(goal(1)).ok).toBe(true);
    expect(parseSteppedCare(steppedCare()).ok).toBe(true);
    expect(parseEscalation(escalation()).ok).toBe(true);
    expect(parseGoal(planItem(3))).toEqual({
      ok: false, error: [{ field: 'kind', code: 'unknownValue', params: { value: 'plan-item', expected: 'goal' } }],
    });
    expect(parseProposal(null)).toEqual({ ok: false, error: [{ field: '', code: 'wrongType' }] });
  });
});
