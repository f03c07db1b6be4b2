import { describe, expect, test } from 'vitest';
import {
  authorOf, changesBetween, groupByCategory, hasPlanContent, historyEntries, isPlanEmpty, latestStamp, readSnapshot, type PlanReader,
} from '../../../src/ui/features/plan/plan-model';
import type { PlanKind, PlanRecord } from '../../../src/domain/care-plan/index';
import {
  CAREGIVER, CLINICIAN, PATIENT, T0, T1, T2, comment, crisisPlan, goal, idFor, oneOfEach, planItem, proposal, rating,
} from '../domain/care-plan/fixtures';

function reader(records: PlanRecord[], readOnly = false): PlanReader {
  return {
    readOnly,
    all: (kind: PlanKind, options?: { includeDeleted?: boolean }) =>
      records.filter((r) => r.kind === kind && (options?.includeDeleted || r.deletedAt === undefined)),
  };
}

describe('readSnapshot', () => {
  test('live records by kind, singletons as one value, deleted ones only in `all`', () => {
    const deletedItem = planItem(9, { deletedAt: T1, updatedAt: T1 });
    const s = readSnapshot(reader([...oneOfEach(), deletedItem]));
    expect(s.goals.map((g) => g.id)).toEqual([idFor(1)]);
    expect(s.items.map((i) => i.id)).toEqual([idFor(3)]);
    expect(s.steppedCare?.id).toBe('stepped-care');
    expect(s.crisisPlan?.people).toEqual([{ name: 'Ana', phone: '555 0100' }]);
    expect(s.all).toHaveLength(9);
    expect(s.readOnly).toBe(false);
  });

  test('content for Today: a goal or an active item; empty: nothing but talk', () => {
    expect(hasPlanContent(readSnapshot(reader([planItem(3, { archivedAt: T1 })])))).toBe(false);
    expect(hasPlanContent(readSnapshot(reader([planItem(3)])))).toBe(true);
    expect(hasPlanContent(readSnapshot(reader([goal(1)])))).toBe(true);
    expect(isPlanEmpty(readSnapshot(reader([comment(4, PATIENT), proposal(5, PATIENT)])))).toBe(true);
    expect(isPlanEmpty(readSnapshot(reader([crisisPlan()])))).toBe(false);
  });
});

test('groupByCategory keeps the vocabulary order and leaves out empty kinds', () => {
  const groups = groupByCategory([planItem(1, { category: 'medication', name: 'Duloxetine' }), planItem(2), planItem(3, { category: 'medication' })]);
  expect(groups.map((g) => [g.category, g.items.map((i) => i.id)])).toEqual([['exercise', [idFor(2)]], ['medication', [idFor(1), idFor(3)]]]);
});

describe('authors', () => {
  const names = new Map([[CLINICIAN, 'Dr. Okafor'], [CAREGIVER, ' ']]);
  test('this device is "you", a member by name, anyone else unknown (a blank name too)', () => {
    expect(authorOf(PATIENT, names, PATIENT)).toEqual({ kind: 'you' });
    expect(authorOf(CLINICIAN, names, PATIENT)).toEqual({ kind: 'member', name: 'Dr. Okafor' });
    expect(authorOf(CAREGIVER, names, PATIENT)).toEqual({ kind: 'unknown' });
    expect(authorOf(undefined, names, PATIENT)).toEqual({ kind: 'unknown' });
  });
  test('the stamp says added until the record changes', () => {
    expect(latestStamp(goal(1))).toEqual({ action: 'added', by: CLINICIAN, at: T0 });
    expect(latestStamp(goal(1, { updatedAt: T2, updatedBy: PATIENT }))).toEqual({ action: 'changed', by: PATIENT, at: T2 });
  });
});

describe('changesBetween', () => {
  test('only what differs; a value gone is null; blank and empty count as absent', () => {
    expect(changesBetween(
      { name: 'Walk', timesPerWeek: 3, instructions: 'Slowly', days: [0, 2], dose: '' },
      { name: 'Walk', timesPerWeek: 2, days: [], dose: '  ', sets: 3 },
    )).toEqual({ timesPerWeek: 2, instructions: null, days: null, sets: 3 });
  });
  test('nested values compare by content', () => {
    const m = [{ id: idFor(500), text: 'Halfway' }];
    expect(changesBetween({ milestones: m }, { milestones: [{ text: 'Halfway', id: idFor(500) }] })).toEqual({});
    expect(changesBetween({ milestones: m }, { milestones: [{ ...m[0], reachedAt: T1 }] })).toEqual({ milestones: [{ id: idFor(500), text: 'Halfway', reachedAt: T1 }] });
  });
});

describe('historyEntries', () => {
  test('creation, latest change, decisions and deletions, newest first; nothing invented in between', () => {
    const edited = goal(1, { updatedAt: T2, updatedBy: CLINICIAN });
    const accepted = proposal(5, PATIENT, { status: 'accepted', decidedBy: CLINICIAN, decidedAt: T1, updatedAt: T1, updatedBy: CLINICIAN });
    const withdrawn = proposal(6, PATIENT, { deletedAt: T2, updatedAt: T2, updatedBy: PATIENT });
    const rated = rating(7, idFor(1), T1, 4);
    const entries = historyEntries([edited, accepted, withdrawn, rated]);
    expect(entries.map((e) => [e.record.id, e.action, e.by, e.at])).toEqual([
      [idFor(6), 'withdrawn', PATIENT, T2],
      [idFor(1), 'changed', CLINICIAN, T2],
      [idFor(5), 'accepted', CLINICIAN, T1],
      [idFor(7), 'created', CLINICIAN, T0],
      [idFor(6), 'created', PATIENT, T0],
      [idFor(5), 'created', PATIENT, T0],
      [idFor(1), 'created', CLINICIAN, T0],
    ]);
  });

  test('a deletion overwritten by a later write keeps its time but not a guessed author', () => {
    const entries = historyEntries([goal(1, { deletedAt: T1, updatedAt: T2, updatedBy: PATIENT })]);
    expect(entries.map((e) => [e.action, e.by, e.at])).toEqual([['changed', PATIENT, T2], ['deleted', null, T1], ['created', CLINICIAN, T0]]);
  });
});
