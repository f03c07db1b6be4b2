import type { ValidationError } from '../records';
import { LIMITS } from '../validate-fields';
import type { PlanKind, PlanRecord } from './types';

/** Sizes the plan parsers enforce, and the per-plan counts checkPlanCapacity enforces. */
export const PLAN_LIMITS = {
  /** Goal titles and plan item names. */
  name: LIMITS.name,
  /** One line: a milestone, a criterion, a crisis step, a dose, a side effect. */
  shortText: 200,
  /** Goal baseline and target. */
  text: 500,
  /** Instructions, homework, comments, reasons, notes. */
  longText: LIMITS.longText,
  /** An education reading can run to a few pages. */
  readingText: 8000,
  contactName: 80,
  phone: 30,
  timesPerWeek: { min: 0, max: 21 },
  minutes: { min: 1, max: 600 },
  restMinutes: { min: 0, max: 600 },
  sets: { min: 1, max: 20 },
  reps: { min: 1, max: 200 },
  progress: { min: 0, max: 10 },
  milestones: 20,
  sideEffects: 20,
  escalationCriteria: 20,
  crisisPeople: 10,
  crisisSteps: 20,
  /** Live (not deleted) records per plan; creation past these is refused. */
  perPlan: {
    goal: 20,
    'goal-rating': 2000,
    'plan-item': 60,
    comment: 2000,
    proposal: 500,
  } as Readonly<Partial<Record<PlanKind, number>>>,
} as const;

/**
 * Errors when adding one more record of `kind` would pass the plan's limit (deleted records
 * do not count). Checked when a record is created, never on receipt: two offline devices may
 * both add the last allowed one, and every device must still agree on the merged plan.
 */
export function checkPlanCapacity(existing: readonly PlanRecord[], kind: PlanKind): ValidationError[] {
  const max = PLAN_LIMITS.perPlan[kind];
  if (max === undefined) return [];
  const live = existing.filter((r) => r.kind === kind && r.deletedAt === undefined).length;
  return live >= max ? [{ field: '', code: 'tooLong', params: { max } }] : [];
}
