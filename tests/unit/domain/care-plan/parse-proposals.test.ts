import { describe, expect, test } from 'vitest';
import { EDITABLE_FIELDS, checkProposalChanges, parseProposal, type Proposal } from '../../../../src/domain/care-plan/index';
import type { ValidationError } from '../../../../src/domain/records';
import { CLINICIAN, PATIENT, T1, idFor, proposal } from './fixtures';

function errorsOf(value: Proposal | Record<string, unknown>): ValidationError[] {
  const r = parseProposal(value);
  return r.ok ? [] : r.error;
}
const codeFor = (value: Proposal | Record<string, unknown>, field: string) => errorsOf(value).find((e) => e.field === field)?.code;

const newGoal = { title: 'Cook a meal', baseline: 'Sits after 5 min', target: 'Cooks for 30 min', targetDate: '2027-03-01', milestones: [] };

describe('proposal shape', () => {
  test('open proposals to edit or create a goal or plan item are accepted', () => {
    for (const p of [
      proposal(5, PATIENT),
      proposal(5, PATIENT, { target: { kind: 'goal', id: null }, changes: newGoal, reason: '' }),
      proposal(5, PATIENT, { target: { kind: 'plan-item', id: null }, changes: { category: 'relaxation', name: 'Breathing', timesPerWeek: 7, technique: 'breathing' } }),
      proposal(5, PATIENT, { changes: { minutes: null, days: [1, 3] } }),
    ]) expect(parseProposal(p)).toEqual({ ok: true, value: p });
  });

  test.each([
    [{ target: { kind: 'stepped-care', id: null } }, 'target.kind', 'unknownValue'],
    [{ target: { kind: 'goal', id: 'g1' } }, 'target.id', 'wrongType'],
    [{ target: undefined }, 'target', 'required'],
    [{ reason: undefined }, 'reason', 'required'],
    [{ reason: 7 }, 'reason', 'wrongType'],
    [{ reason: 'r'.repeat(2001) }, 'reason', 'tooLong'],
    [{ status: 'withdrawn' }, 'status', 'unknownValue'],
    [{ status: undefined }, 'status', 'required'],
    [{ decidedBy: CLINICIAN }, 'decidedBy', 'unknownValue'], // an open proposal has no decision yet
    [{ decisionNote: 'ok' }, 'decisionNote', 'unknownValue'],
    [{ status: 'accepted', decidedAt: T1 }, 'decidedBy', 'required'],
    [{ status: 'declined', decidedBy: CLINICIAN }, 'decidedAt', 'required'],
    [{ status: 'declined', decidedBy: 'someone', decidedAt: T1 }, 'decidedBy', 'wrongType'],
    [{ changes: undefined }, 'changes', 'required'],
    [{ changes: [] }, 'changes', 'wrongType'],
    [{ changes: {} }, 'changes', 'required'], // an edit that changes nothing
  ])('%j: %s is %s', (extra, field, code) => {
    expect(codeFor({ ...proposal(5, PATIENT), ...extra }, field)).toBe(code);
  });

  test('a decided proposal carries who decided and when', () => {
    expect(parseProposal(proposal(5, PATIENT, { status: 'accepted', decidedBy: CLINICIAN, decidedAt: T1, decisionNote: 'Yes' })).ok).toBe(true);
  });

  test('changes are checked even when the target kind is unknown: they must be an object', () => {
    expect(codeFor({ ...proposal(5, PATIENT), target: { kind: 'x', id: null }, changes: 3 }, 'changes')).toBe('wrongType');
  });
});

describe('checkProposalChanges', () => {
  test.each([
    ['plan-item', { id: idFor(9) }, 'changes.id', 'unknownValue'],
    ['plan-item', { archivedAt: T1 }, 'changes.archivedAt', 'unknownValue'],
    ['plan-item', { createdBy: PATIENT }, 'changes.createdBy', 'unknownValue'],
    ['plan-item', { timesPerWeek: 30 }, 'changes.timesPerWeek', 'outOfRange'],
    ['plan-item', { timesPerWeek: null }, 'changes.timesPerWeek', 'required'], // required fields cannot be cleared
    ['plan-item', { name: '' }, 'changes.name', 'required'],
    ['plan-item', { days: [9] }, 'changes.days.0', 'outOfRange'],
    ['plan-item', { category: 'pacing', sets: 3 }, 'changes.sets', 'unknownValue'],
    ['goal', { milestones: null }, 'changes.milestones', 'required'],
    ['goal', { targetDate: 'soon' }, 'changes.targetDate', 'badTime'],
    ['goal', { timesPerWeek: 3 }, 'changes.timesPerWeek', 'unknownValue'],
  ] as const)('edit of a %s %j: %s is %s', (kind, changes, field, code) => {
    expect(checkProposalChanges(kind, changes, false).find((e) => e.field === field)?.code).toBe(code);
  });

  test('an edit may name any one editable field, and clear an optional one with null', () => {
    for (const field of EDITABLE_FIELDS['plan-item']) {
      if (['category', 'name', 'timesPerWeek'].includes(field)) continue;
      expect(checkProposalChanges('plan-item', { [field]: null }, false)).toEqual([]);
    }
    expect(checkProposalChanges('plan-item', { sets: 4 }, false)).toEqual([]); // the category is checked on apply
  });

  test('a new record needs every required field; null there means "not given"', () => {
    expect(checkProposalChanges('goal', newGoal, true)).toEqual([]);
    expect(checkProposalChanges('goal', {}, true).map((e) => e.field)).toEqual(
      ['changes.title', 'changes.baseline', 'changes.target', 'changes.targetDate', 'changes.milestones'],
    );
    expect(checkProposalChanges('plan-item', { category: 'exercise', name: 'Walk', timesPerWeek: null }, true)).toEqual([
      { field: 'changes.timesPerWeek', code: 'required' },
    ]);
  });
});
