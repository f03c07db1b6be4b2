import { describe, expect, test } from 'vitest';
import {
  applyProposal, declineProposal, planWriteAllowed, withdrawProposal, type Goal, type PlanItem,
} from '../../../../src/domain/care-plan/index';
import { isUlid } from '../../../../src/domain/ids';
import { CLINICIAN, NOW, PATIENT, T1, goal, idFor, planItem, proposal } from './fixtures';

const STAMP = NOW.toISOString();
const item = planItem(1, { minutes: 20, sets: 2 });

describe('applyProposal', () => {
  test('applies changes to the target, attributed to the decider; null clears a field', () => {
    const p = proposal(5, PATIENT, { changes: { timesPerWeek: 2, minutes: null, days: [1, 4] } });
    const r = applyProposal(item, p, CLINICIAN, NOW, 'Good idea');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { minutes: _m, ...rest } = item;
    expect(r.value.record).toEqual({ ...rest, timesPerWeek: 2, days: [1, 4], updatedAt: STAMP, updatedBy: CLINICIAN });
    expect(r.value.proposal).toEqual({
      ...p, status: 'accepted', decidedBy: CLINICIAN, decidedAt: STAMP, decisionNote: 'Good idea', updatedAt: STAMP, updatedBy: CLINICIAN,
    });
    // Both writes pass the receiving devices' check for a clinician.
    expect(planWriteAllowed('clinician', item, r.value.record, CLINICIAN)).toBe(true);
    expect(planWriteAllowed('clinician', p, r.value.proposal, CLINICIAN)).toBe(true);
  });

  test('creates a new goal from a proposal with no target id', () => {
    const changes = { title: 'Cook a meal', baseline: 'Sits after 5 min', target: 'Cooks 30 min', targetDate: '2027-03-01', milestones: [] };
    const r = applyProposal(undefined, proposal(5, PATIENT, { target: { kind: 'goal', id: null }, changes }), CLINICIAN, NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const created = r.value.record as Goal;
    expect(isUlid(created.id)).toBe(true);
    expect(created).toMatchObject({ kind: 'goal', ...changes, createdBy: CLINICIAN, createdAt: STAMP });
    expect(r.value.proposal.decisionNote).toBeUndefined();
  });

  test('a category change drops the old details, so the merged item still validates', () => {
    const p = proposal(5, PATIENT, { changes: { category: 'relaxation', technique: 'breathing' } });
    const r = applyProposal(item, p, CLINICIAN, NOW);
    expect(r.ok && (r.value.record as PlanItem)).toMatchObject({ category: 'relaxation', technique: 'breathing' });
    expect(r.ok && 'sets' in r.value.record).toBe(false);
  });

  test.each([
    ['already accepted', item, proposal(5, PATIENT, { status: 'accepted', decidedBy: CLINICIAN, decidedAt: T1 }), 'status', 'unknownValue'],
    ['declined', item, proposal(5, PATIENT, { status: 'declined', decidedBy: CLINICIAN, decidedAt: T1 }), 'status', 'unknownValue'],
    ['withdrawn', item, proposal(5, PATIENT, { deletedAt: T1 }), 'status', 'unknownValue'],
    ['target missing', undefined, proposal(5, PATIENT), 'target', 'required'],
    ['target deleted', { ...item, deletedAt: T1 }, proposal(5, PATIENT), 'target', 'required'],
    ['another record', planItem(2), proposal(5, PATIENT), 'target', 'unknownValue'],
    ['a goal for an item proposal', goal(1), proposal(5, PATIENT), 'target', 'unknownValue'],
    ['a target for a new-record proposal', item, proposal(5, PATIENT, { target: { kind: 'plan-item', id: null },
      changes: { category: 'exercise', name: 'Swim', timesPerWeek: 1 } }), 'target', 'unknownValue'],
    // The target changed since the proposal: its end date is now before the proposed start.
    ['changes that no longer validate', planItem(1, { endDate: '2026-12-01' }), proposal(5, PATIENT, { changes: { startDate: '2027-01-01' } }), 'endDate', 'outOfRange'],
    ['a detail of another category', planItem(1, { category: 'pacing' }), proposal(5, PATIENT, { changes: { sets: 3 } }), 'sets', 'unknownValue'],
    ['changes that were never valid', item, proposal(5, PATIENT, { changes: { timesPerWeek: 99 } }), 'changes.timesPerWeek', 'outOfRange'],
  ] as const)('refuses %s', (_label, target, p, field, code) => {
    const r = applyProposal(target, p, CLINICIAN, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.find((e) => e.field === field)?.code).toBe(code);
  });
});

describe('declineProposal and withdrawProposal', () => {
  test('decline records who, when and an optional note; a blank note is left out', () => {
    const r = declineProposal(proposal(5, PATIENT), CLINICIAN, NOW, '  ');
    expect(r).toEqual({
      ok: true, value: { ...proposal(5, PATIENT), status: 'declined', decidedBy: CLINICIAN, decidedAt: STAMP, updatedAt: STAMP, updatedBy: CLINICIAN },
    });
    expect(declineProposal(proposal(5, PATIENT, { deletedAt: T1 }), CLINICIAN, NOW).ok).toBe(false);
  });

  test('withdraw deletes an open proposal, which its author may write; a decided one stays', () => {
    const p = proposal(5, PATIENT);
    const r = withdrawProposal(p, PATIENT, NOW);
    expect(r).toEqual({ ok: true, value: { ...p, deletedAt: STAMP, updatedAt: STAMP, updatedBy: PATIENT } });
    expect(r.ok && planWriteAllowed('patient', p, r.value, PATIENT)).toBe(true);
    const decided = proposal(5, PATIENT, { status: 'accepted', decidedBy: CLINICIAN, decidedAt: T1 });
    expect(withdrawProposal(decided, PATIENT, NOW)).toEqual({ ok: false, error: [{ field: 'status', code: 'unknownValue', params: { value: 'accepted' } }] });
  });

  test('a plan item id from the fixture is what the proposal targets', () => {
    expect(proposal(5, PATIENT).target.id).toBe(idFor(1));
  });
});
