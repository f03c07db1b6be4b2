import { describe, expect, test } from 'vitest';
import {
  CARE_PLAN_SCHEMA_VERSION, PLAN_LIMITS, checkPlanCapacity, createPlanRecord, markPlanRecordDeleted, markPlanRecordRestored,
  revisePlanRecord,
} from '../../../../src/domain/care-plan/index';
import { isUlid } from '../../../../src/domain/ids';
import { CLINICIAN, NOW, PATIENT, goal, idFor, planItem, proposal } from './fixtures';

const STAMP = NOW.toISOString();

describe('createPlanRecord', () => {
  test('fills id, version, author and times, and validates', () => {
    const r = createPlanRecord('plan-item', { category: 'exercise', name: '  Walk ', timesPerWeek: 3, instructions: '' }, CLINICIAN, NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(isUlid(r.value.id)).toBe(true);
    expect(r.value).toEqual({
      id: r.value.id, schemaVersion: CARE_PLAN_SCHEMA_VERSION, kind: 'plan-item', createdAt: STAMP, createdBy: CLINICIAN,
      updatedAt: STAMP, updatedBy: CLINICIAN, category: 'exercise', name: 'Walk', timesPerWeek: 3,
    });
  });

  test('singletons get their fixed id', () => {
    const stepped = createPlanRecord('stepped-care', { level: 2, criteria: 'After 8 weeks', reviewDate: '2027-01-10' }, CLINICIAN, NOW);
    const esc = createPlanRecord('escalation', { criteria: [' New weakness ', ''], instructions: 'Call' }, CLINICIAN, NOW);
    const crisis = createPlanRecord('crisis-plan', { people: [{ name: ' Ana ', phone: '988' }, { name: '', phone: '' }], steps: [] }, CLINICIAN, NOW);
    expect(stepped.ok && stepped.value.id).toBe('stepped-care');
    expect(esc.ok && esc.value).toMatchObject({ id: 'escalation', criteria: ['New weakness'] }); // blank lines dropped
    expect(crisis.ok && crisis.value).toMatchObject({ id: 'crisis-plan', people: [{ name: 'Ana', phone: '988' }] });
  });

  test('goals get milestone ids and an empty list by default; ratings default to now', () => {
    const g = createPlanRecord('goal', {
      title: 'Cook', baseline: '5 min', target: '30 min', targetDate: '2027-03-01', milestones: [{ text: '10 min' }, { text: ' ' }],
    }, CLINICIAN, NOW);
    expect(g.ok && g.value.milestones.length).toBe(1);
    expect(g.ok && isUlid(g.value.milestones[0]?.id)).toBe(true);
    const bare = createPlanRecord('goal', { title: 'Cook', baseline: '5 min', target: '30 min', targetDate: '2027-03-01' }, CLINICIAN, NOW);
    expect(bare.ok && bare.value.milestones).toEqual([]);
    const r = createPlanRecord('goal-rating', { goalId: idFor(1), progress: 3 }, CLINICIAN, NOW);
    expect(r.ok && r.value.at).toBe(STAMP);
  });

  test('a proposal always starts open and undecided, with a reason that may be blank', () => {
    const p = createPlanRecord('proposal', {
      target: { kind: 'plan-item', id: idFor(1) }, changes: { timesPerWeek: 2 }, reason: '',
      ...({ status: 'accepted', decidedBy: PATIENT } as object),
    }, PATIENT, NOW);
    expect(p.ok && p.value).toMatchObject({ status: 'open', reason: '', createdBy: PATIENT });
    expect(p.ok && 'decidedBy' in p.value).toBe(false);
  });

  test('reports field errors, including another category\'s detail', () => {
    expect(createPlanRecord('plan-item', { category: 'pacing', name: 'Garden', timesPerWeek: 2, sets: 3 }, CLINICIAN, NOW)).toEqual({
      ok: false, error: [{ field: 'sets', code: 'unknownValue', params: { category: 'pacing' } }],
    });
    expect(createPlanRecord('comment', { target: { kind: 'plan', id: null }, text: '  ' }, PATIENT, NOW)).toEqual({
      ok: false, error: [{ field: 'text', code: 'required' }],
    });
  });
});

describe('revising, deleting, restoring', () => {
  test('revise replaces fields, removes cleared ones, keeps identity and unknown keys', () => {
    const item = { ...planItem(3, { minutes: 20 }), extra: 'kept' };
    const r = revisePlanRecord(item, { name: 'Walk outside', minutes: undefined, ...({ id: idFor(9), createdBy: PATIENT } as object) }, PATIENT, NOW);
    expect(r.ok && r.value).toEqual({ ...planItem(3), name: 'Walk outside', extra: 'kept', updatedAt: STAMP, updatedBy: PATIENT });
  });

  test('changing the category drops the old category\'s details, but reports one the changes set', () => {
    const r = revisePlanRecord(planItem(3, { sets: 3, reps: 10 }), { category: 'relaxation', technique: 'breathing' }, CLINICIAN, NOW);
    expect(r.ok && r.value).toMatchObject({ category: 'relaxation', technique: 'breathing' });
    expect(r.ok && ('sets' in r.value || 'reps' in r.value)).toBe(false);
    expect(revisePlanRecord(planItem(3), { category: 'relaxation', sets: 4 }, CLINICIAN, NOW).ok).toBe(false);
  });

  test('revise refuses a result that does not validate', () => {
    expect(revisePlanRecord(goal(1), { targetDate: '2027-02-30' }, CLINICIAN, NOW)).toEqual({
      ok: false, error: [{ field: 'targetDate', code: 'badTime' }],
    });
  });

  test('delete keeps an earlier deletion time; restore removes it; both stamp the author', () => {
    const deleted = markPlanRecordDeleted(goal(1), PATIENT, NOW);
    expect(deleted).toMatchObject({ deletedAt: STAMP, updatedAt: STAMP, updatedBy: PATIENT });
    expect(markPlanRecordDeleted({ ...goal(1), deletedAt: '2026-01-01T00:00:00.000Z' }, CLINICIAN, NOW).deletedAt).toBe('2026-01-01T00:00:00.000Z');
    const restored = markPlanRecordRestored(deleted, CLINICIAN, NOW);
    expect('deletedAt' in restored).toBe(false);
    expect(restored.updatedBy).toBe(CLINICIAN);
  });
});

describe('checkPlanCapacity', () => {
  test('refuses one more than the per-plan limit; deleted records do not count', () => {
    const max = PLAN_LIMITS.perPlan.goal ?? 0;
    const goals = Array.from({ length: max }, (_, i) => goal(i + 1));
    expect(checkPlanCapacity(goals, 'goal')).toEqual([{ field: '', code: 'tooLong', params: { max } }]);
    expect(checkPlanCapacity(goals.slice(1), 'goal')).toEqual([]);
    expect(checkPlanCapacity([...goals.slice(1), { ...goal(99), deletedAt: STAMP }], 'goal')).toEqual([]);
    expect(checkPlanCapacity([proposal(5, PATIENT)], 'stepped-care')).toEqual([]);
  });
});
