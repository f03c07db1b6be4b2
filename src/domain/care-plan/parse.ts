import type { Result } from '../records';
import { isPlainObject } from '../validate-fields';
import { checkPlanRecord } from './record-checks';
import type {
  CrisisPlanRecord, Escalation, Goal, GoalRating, PlanComment, PlanItem, PlanKind, PlanRecord, PlanRecordOfKind,
  Proposal, SteppedCare,
} from './types';

/**
 * Validates a stored or received value as a plan record, returning every problem found (or
 * only 'newerVersion' for a record from a newer app). Unknown extra keys are kept in the
 * returned copy: a newer app may have written them. `now` bounds future rating times.
 */
export function parsePlanRecord(value: unknown, now?: Date): Result<PlanRecord> {
  if (!isPlainObject(value)) return { ok: false, error: [{ field: '', code: 'wrongType' }] };
  const errors = checkPlanRecord(value, now);
  if (errors.length > 0) return { ok: false, error: errors };
  // Shallow copy: the caller may keep and change its own object; nested values are shared.
  return { ok: true, value: { ...value } as unknown as PlanRecord };
}

/** Validates a value as a plan record of one kind; another kind is 'unknownValue' on 'kind'. */
export function parsePlanRecordOfKind<K extends PlanKind>(kind: K, value: unknown, now?: Date): Result<PlanRecordOfKind<K>> {
  if (isPlainObject(value) && value['kind'] !== undefined && value['kind'] !== kind) {
    return { ok: false, error: [{ field: 'kind', code: 'unknownValue', params: { value: String(value['kind']), expected: kind } }] };
  }
  const parsed = parsePlanRecord(value, now);
  return parsed.ok ? { ok: true, value: parsed.value as PlanRecordOfKind<K> } : parsed;
}

/** Validates a stored goal. */
export function parseGoal(value: unknown): Result<Goal> {
  return parsePlanRecordOfKind('goal', value);
}

/** Validates a stored goal rating; `now` bounds how far ahead its time may be. */
export function parseGoalRating(value: unknown, now?: Date): Result<GoalRating> {
  return parsePlanRecordOfKind('goal-rating', value, now);
}

/** Validates a stored plan item. */
export function parsePlanItem(value: unknown): Result<PlanItem> {
  return parsePlanRecordOfKind('plan-item', value);
}

/** Validates the stored stepped-care record. */
export function parseSteppedCare(value: unknown): Result<SteppedCare> {
  return parsePlanRecordOfKind('stepped-care', value);
}

/** Validates the stored escalation record. */
export function parseEscalation(value: unknown): Result<Escalation> {
  return parsePlanRecordOfKind('escalation', value);
}

/** Validates the stored crisis plan. */
export function parseCrisisPlanRecord(value: unknown): Result<CrisisPlanRecord> {
  return parsePlanRecordOfKind('crisis-plan', value);
}

/** Validates a stored comment. */
export function parsePlanComment(value: unknown): Result<PlanComment> {
  return parsePlanRecordOfKind('comment', value);
}

/** Validates a stored proposal, including its changes against the target kind's fields. */
export function parseProposal(value: unknown): Result<Proposal> {
  return parsePlanRecordOfKind('proposal', value);
}
