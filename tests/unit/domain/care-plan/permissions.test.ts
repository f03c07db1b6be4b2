import { describe, expect, test } from 'vitest';
import { PLAN_KINDS, planWriteAction, planWriteAllowed, type PlanKind, type PlanRecord, type PlanRole } from '../../../../src/domain/care-plan/index';
import {
  CAREGIVER, CLINICIAN, PATIENT, PATIENT_TABLET, T0, T1, T2, comment, crisisPlan, deviceKey, escalation, goal, idFor, planItem,
  proposal, rating, steppedCare,
} from './fixtures';

const OTHER = deviceKey('o');
const KEYS: Record<PlanRole, string> = { patient: PATIENT, caregiver: CAREGIVER, clinician: CLINICIAN };

/** A record of each kind written by `by`, and the edit each kind's form would make. */
const BUILD: Record<PlanKind, (by: string) => PlanRecord> = {
  goal: (by) => ({ ...goal(1), createdBy: by, updatedBy: by }),
  'goal-rating': (by) => ({ ...rating(2, idFor(1), T1, 4), createdBy: by, updatedBy: by }),
  'plan-item': (by) => ({ ...planItem(3), createdBy: by, updatedBy: by }),
  'stepped-care': (by) => ({ ...steppedCare(), createdBy: by, updatedBy: by }),
  escalation: (by) => ({ ...escalation(), createdBy: by, updatedBy: by }),
  'crisis-plan': (by) => ({ ...crisisPlan(), createdBy: by, updatedBy: by }),
  comment: (by) => comment(4, by),
  proposal: (by) => proposal(5, by),
};
const EDIT: Record<PlanKind, Record<string, unknown>> = {
  goal: { title: 'Walk to the corner' },
  'goal-rating': { progress: 6 },
  'plan-item': { timesPerWeek: 5 },
  'stepped-care': { level: 2 },
  escalation: { instructions: 'Go to the emergency department' },
  'crisis-plan': { steps: ['Call Ana'] },
  comment: { text: 'Thank you!' },
  proposal: { reason: 'Work got busier' },
};

type Scenario = 'create' | 'edit own' | 'edit other\'s' | 'delete own' | 'delete other\'s' | 'restore own' | 'restore other\'s';
const SCENARIOS: Scenario[] = ['create', 'edit own', 'edit other\'s', 'delete own', 'delete other\'s', 'restore own', 'restore other\'s'];

const stamp = (r: PlanRecord, by: string, extra: Record<string, unknown> = {}): PlanRecord =>
  ({ ...r, updatedAt: T2, updatedBy: by, ...extra }) as PlanRecord;
const withoutDeleted = (r: PlanRecord): PlanRecord => {
  const { deletedAt: _d, ...rest } = r;
  return rest as PlanRecord;
};

/** The before and after of a scenario, written by `author`. */
function write(kind: PlanKind, scenario: Scenario, author: string): [PlanRecord | undefined, PlanRecord] {
  const owner = scenario.endsWith('own') ? author : OTHER;
  const existing = BUILD[kind](owner);
  switch (scenario) {
    case 'create': return [undefined, BUILD[kind](author)];
    case 'edit own': case 'edit other\'s': return [existing, stamp(existing, author, EDIT[kind])];
    case 'delete own': case 'delete other\'s': return [existing, stamp(existing, author, { deletedAt: T2 })];
    default: {
      // Deleted by its owner, now restored.
      const deleted = stamp(existing, owner, { deletedAt: T1, updatedAt: T1 });
      return [deleted, stamp(withoutDeleted(deleted), author)];
    }
  }
}

/** DESIGN.md's table: clinicians write everything; others comment and propose. */
function expected(role: PlanRole, kind: PlanKind, scenario: Scenario): boolean {
  if (role === 'clinician') return true;
  if (kind === 'comment') return ['create', 'edit own', 'delete own', 'restore own'].includes(scenario);
  if (kind === 'proposal') return ['create', 'delete own'].includes(scenario); // delete own = withdraw
  return false;
}

const TABLE = (['patient', 'caregiver', 'clinician'] as const).flatMap((role) =>
  PLAN_KINDS.flatMap((kind) => SCENARIOS.map((scenario) => [role, kind, scenario, expected(role, kind, scenario)] as const)));

describe('planWriteAllowed: role x kind x action', () => {
  test.each(TABLE)('%s, %s, %s: %s', (role, kind, scenario, allowed) => {
    const [before, after] = write(kind, scenario, KEYS[role]);
    expect(planWriteAllowed(role, before, after, KEYS[role])).toBe(allowed);
  });

  test('the table covers 3 roles x 8 kinds x 7 actions', () => {
    expect(TABLE.length).toBe(3 * 8 * 7);
  });
});

describe('planWriteAllowed: what patients and caregivers may not slip in', () => {
  const mine = comment(4, PATIENT);
  const open = proposal(5, PATIENT);

  // The last column: may a clinician make the same change (as themselves)? Creation needs createdBy = writer.
  test.each([
    ['a comment that retargets', mine, stamp(mine, PATIENT, { text: 'x', target: { kind: 'goal', id: idFor(1) } }), true],
    ['a comment edit that drops an unknown key', { ...mine, v2: 1 } as PlanRecord, stamp(mine, PATIENT, { text: 'x' }), true],
    ['a deleted comment edited', { ...mine, deletedAt: T1 }, stamp(mine, PATIENT, { deletedAt: T1, text: 'x' }), true],
    ['a delete that also edits', mine, stamp(mine, PATIENT, { deletedAt: T2, text: 'x' }), true],
    ['an own proposal edited', open, stamp(open, PATIENT, { changes: { timesPerWeek: 1 } }), true],
    ['an own proposal accepted', open, stamp(open, PATIENT, { status: 'accepted', decidedBy: PATIENT, decidedAt: T2 }), false],
    ['a decided proposal withdrawn', { ...open, status: 'declined', decidedBy: CLINICIAN, decidedAt: T1 } as PlanRecord,
      stamp({ ...open, status: 'declined', decidedBy: CLINICIAN, decidedAt: T1 } as PlanRecord, PATIENT, { deletedAt: T2 }), true],
    ['a withdrawn proposal restored', { ...open, deletedAt: T1 }, stamp(open, PATIENT), true],
    ['a comment created deleted', undefined, { ...mine, deletedAt: T0 }, false],
    ['a proposal created accepted', undefined, { ...open, status: 'accepted', decidedBy: CLINICIAN, decidedAt: T0 } as PlanRecord, false],
    ['a proposal created with a decision note', undefined, { ...open, decisionNote: 'fine' } as PlanRecord, false],
    ['a comment a clinician removed, restored', { ...mine, deletedAt: T1, updatedBy: CLINICIAN }, stamp(mine, PATIENT), true],
  ] as const)('%s is refused', (_label, before, after, clinicianMay) => {
    expect(planWriteAllowed('patient', before, after, PATIENT)).toBe(false);
    expect(planWriteAllowed('caregiver', before, { ...after, updatedBy: CAREGIVER }, CAREGIVER)).toBe(false);
    expect(planWriteAllowed('clinician', before, { ...after, updatedBy: CLINICIAN }, CLINICIAN)).toBe(clinicianMay);
  });

  test('a member with two devices owns what either wrote, if the caller says so', () => {
    const fromTablet = stamp(mine, PATIENT_TABLET, { text: 'edited on the tablet' });
    expect(planWriteAllowed('patient', mine, fromTablet, PATIENT_TABLET)).toBe(false);
    expect(planWriteAllowed('patient', mine, fromTablet, PATIENT_TABLET, [PATIENT, PATIENT_TABLET])).toBe(true);
  });

  test('a caregiver cannot touch the patient\'s comment', () => {
    expect(planWriteAllowed('caregiver', mine, stamp(mine, CAREGIVER, { deletedAt: T2 }), CAREGIVER)).toBe(false);
  });

  test('an unknown role may write nothing', () => {
    expect(planWriteAllowed('owner' as PlanRole, undefined, comment(4, PATIENT), PATIENT)).toBe(false);
  });
});

describe('planWriteAllowed: rules for every role, clinicians included', () => {
  const g = goal(1);
  test.each([
    ['updatedBy is not the writer', g, stamp(g, OTHER, { title: 'x' })],
    ['createdBy of a new record is not the writer', undefined, { ...g, updatedBy: CLINICIAN, createdBy: OTHER }],
    ['the id changes', g, stamp(g, CLINICIAN, { id: idFor(2) })],
    ['the kind changes', planItem(1), stamp(planItem(1), CLINICIAN, { kind: 'goal' })],
    ['createdAt changes', g, stamp(g, CLINICIAN, { createdAt: T1 })],
    ['createdBy changes', g, stamp(g, CLINICIAN, { createdBy: OTHER })],
    ['the schema version goes down', { ...g, schemaVersion: 2 }, stamp(g, CLINICIAN)],
    ['a decision is put in another\'s name', proposal(5, PATIENT),
      stamp(proposal(5, PATIENT), CLINICIAN, { status: 'accepted', decidedBy: OTHER, decidedAt: T2 })],
  ] as const)('refused when %s', (_label, before, after) => {
    expect(planWriteAllowed('clinician', before, after, CLINICIAN)).toBe(false);
  });

  test('a clinician decides a proposal in their own name, and may edit a decided one later', () => {
    const decided = stamp(proposal(5, PATIENT), CLINICIAN, { status: 'accepted', decidedBy: CLINICIAN, decidedAt: T2 });
    expect(planWriteAllowed('clinician', proposal(5, PATIENT), decided, CLINICIAN)).toBe(true);
    const other = deviceKey('d');
    expect(planWriteAllowed('clinician', decided, stamp(decided, other, { decisionNote: 'Agreed' }), other)).toBe(true);
  });
});

describe('planWriteAction', () => {
  test('names what a write does', () => {
    const g = goal(1);
    expect(planWriteAction(undefined, g)).toBe('create');
    expect(planWriteAction(g, { ...g, title: 'x' })).toBe('edit');
    expect(planWriteAction(g, { ...g, deletedAt: T1 })).toBe('delete');
    expect(planWriteAction({ ...g, deletedAt: T1 }, g)).toBe('restore');
    expect(planWriteAction({ ...g, deletedAt: T1 }, { ...g, deletedAt: T1, title: 'x' })).toBe('edit');
  });
});
