import { describe, expect, test } from 'vitest';
import { describeChange } from '../../../../src/domain/care-plan/index';
import { CLINICIAN, PATIENT, T0, T1, T2, comment, goal, idFor, planItem } from './fixtures';

describe('describeChange', () => {
  test('created: the fields set, by and at from the record', () => {
    expect(describeChange(undefined, planItem(3, { minutes: 20 }))).toEqual({
      kind: 'plan-item', id: idFor(3), action: 'created', fields: ['category', 'minutes', 'name', 'timesPerWeek'], by: CLINICIAN, at: T0,
    });
  });

  test('edited: the fields whose values changed, nested changes included, key order ignored', () => {
    const before = goal(1);
    const after = {
      ...before, title: 'Walk to the corner', milestones: [{ text: 'Halfway', id: idFor(501), reachedAt: T1 }],
      baseline: before.baseline, updatedAt: T2, updatedBy: PATIENT,
    };
    expect(describeChange(before, after)).toEqual({ kind: 'goal', id: idFor(1), action: 'edited', fields: ['milestones', 'title'], by: PATIENT, at: T2 });
    const reordered = { ...before, target: before.target, milestones: [{ text: 'Halfway', id: idFor(501) }] };
    expect(describeChange(before, reordered).fields).toEqual([]);
  });

  test('deleted and restored: the action says it; a field removed counts as changed', () => {
    const c = comment(4, PATIENT);
    const deleted = { ...c, deletedAt: T1, updatedAt: T1, updatedBy: CLINICIAN };
    expect(describeChange(c, deleted)).toMatchObject({ action: 'deleted', fields: [], by: CLINICIAN, at: T1 });
    expect(describeChange(deleted, { ...c, updatedAt: T2 })).toMatchObject({ action: 'restored', at: T2 });
    const { minutes: _m, ...withoutMinutes } = planItem(3, { minutes: 20 });
    expect(describeChange(planItem(3, { minutes: 20 }), withoutMinutes).fields).toEqual(['minutes']);
  });
});
