// Builders for care plan tests: fixed times, fixed ids, fixed device keys.
import type {
  CrisisPlanRecord, Escalation, Goal, GoalRating, PlanComment, PlanItem, PlanRecord, Proposal, SteppedCare,
} from '../../../../src/domain/care-plan/index';
import { idFor } from '../fixtures';

export { idFor };

/** A canonical 43-character device key made from one letter. */
export const deviceKey = (letter: string): string => `${letter.repeat(42)}A`;
export const CLINICIAN = deviceKey('c');
export const PATIENT = deviceKey('p');
export const PATIENT_TABLET = deviceKey('t');
export const CAREGIVER = deviceKey('g');

export const T0 = '2026-11-01T10:00:00.000Z';
export const T1 = '2026-11-02T10:00:00.000Z';
export const T2 = '2026-11-03T10:00:00.000Z';
export const NOW = new Date('2026-11-23T09:00:00.000Z');

const base = (id: string, by: string = CLINICIAN) => ({
  id, schemaVersion: 1, createdAt: T0, createdBy: by, updatedAt: T0, updatedBy: by,
});

export function goal(n: number, extra: Partial<Goal> = {}): Goal {
  return {
    ...base(idFor(n)), kind: 'goal', title: 'Walk to the mailbox', baseline: 'Stops after 20 m', target: 'There and back without stopping',
    targetDate: '2027-02-01', milestones: [{ id: idFor(n + 500), text: 'Halfway' }], ...extra,
  };
}

export function rating(n: number, goalId: string, at: string, progress: number, extra: Partial<GoalRating> = {}): GoalRating {
  return { ...base(idFor(n)), kind: 'goal-rating', goalId, at, progress, ...extra };
}

export function planItem(n: number, extra: Partial<PlanItem> = {}): PlanItem {
  return { ...base(idFor(n)), kind: 'plan-item', category: 'exercise', name: 'Walk', timesPerWeek: 3, ...extra };
}

export function steppedCare(extra: Partial<SteppedCare> = {}): SteppedCare {
  return { ...base('stepped-care'), id: 'stepped-care', kind: 'stepped-care', level: 1, criteria: 'PEG up 30% for 2 weeks', reviewDate: '2027-01-15', ...extra };
}

export function escalation(extra: Partial<Escalation> = {}): Escalation {
  return { ...base('escalation'), id: 'escalation', kind: 'escalation', criteria: ['New numbness'], instructions: 'Call the clinic', ...extra };
}

export function crisisPlan(extra: Partial<CrisisPlanRecord> = {}): CrisisPlanRecord {
  return { ...base('crisis-plan'), id: 'crisis-plan', kind: 'crisis-plan', people: [{ name: 'Ana', phone: '555 0100' }], steps: ['Breathe'], ...extra };
}

export function comment(n: number, by: string, extra: Partial<PlanComment> = {}): PlanComment {
  return { ...base(idFor(n), by), kind: 'comment', target: { kind: 'plan', id: null }, text: 'Thanks', ...extra };
}

export function proposal(n: number, by: string, extra: Partial<Proposal> = {}): Proposal {
  return {
    ...base(idFor(n), by), kind: 'proposal', target: { kind: 'plan-item', id: idFor(1) }, changes: { timesPerWeek: 2 },
    reason: 'Too much on work days', status: 'open', ...extra,
  };
}

/** One valid record of every kind. */
export function oneOfEach(): PlanRecord[] {
  return [goal(1), rating(2, idFor(1), T1, 4), planItem(3), steppedCare(), escalation(), crisisPlan(), comment(4, PATIENT), proposal(5, PATIENT)];
}
