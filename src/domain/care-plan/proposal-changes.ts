import type { ValidationError } from '../records';
import { FieldChecker, isPlainObject } from '../validate-fields';
import { checkGoalFields } from './goal-checks';
import { DETAIL_FIELDS, checkPlanItemFields } from './item-checks';
import type { ProposalTargetKind } from './types';

/** The fields a proposal may change, per target kind (identity, history and archiving excluded). */
export const EDITABLE_FIELDS: Readonly<Record<ProposalTargetKind, readonly string[]>> = {
  goal: ['title', 'baseline', 'target', 'targetDate', 'milestones'],
  'plan-item': ['category', 'name', 'instructions', 'timesPerWeek', 'minutes', 'days', 'startDate', 'endDate', ...DETAIL_FIELDS],
};

/** Fields a new record of each kind must have; an edit may not clear them (null). */
export const REQUIRED_FIELDS: Readonly<Record<ProposalTargetKind, readonly string[]>> = {
  goal: ['title', 'baseline', 'target', 'targetDate', 'milestones'],
  'plan-item': ['category', 'name', 'timesPerWeek'],
};

type Checker = (c: FieldChecker, obj: Record<string, unknown>, required: (field: string) => boolean) => void;
const CHECKERS: Record<ProposalTargetKind, Checker> = {
  goal: checkGoalFields,
  'plan-item': checkPlanItemFields,
};

/**
 * Checks a proposal's `changes` against the target kind's editable fields; errors are named
 * 'changes.<field>'. For a new record (isNew) the changes must hold every required field and
 * null means "not given"; for an edit there must be at least one change, and null clears an
 * optional field.
 */
export function checkProposalChanges(kind: ProposalTargetKind, changes: unknown, isNew: boolean): ValidationError[] {
  if (changes === undefined) return [{ field: 'changes', code: 'required' }];
  if (!isPlainObject(changes)) return [{ field: 'changes', code: 'wrongType' }];
  const errors: ValidationError[] = [];
  const values: Record<string, unknown> = {};
  const editable = EDITABLE_FIELDS[kind];
  for (const [key, value] of Object.entries(changes)) {
    if (!editable.includes(key)) errors.push({ field: `changes.${key}`, code: 'unknownValue', params: { value: key } });
    else if (value === null) {
      if (!isNew && REQUIRED_FIELDS[kind].includes(key)) errors.push({ field: `changes.${key}`, code: 'required' });
    } else if (value !== undefined) values[key] = value;
  }
  if (!isNew && Object.keys(changes).length === 0) errors.push({ field: 'changes', code: 'required' });
  const c = new FieldChecker(values);
  // In an edit, a required field that is named must still be filled in.
  CHECKERS[kind](c, values, (field) => isNew || Object.hasOwn(values, field));
  return [...errors, ...c.errors.map((e) => ({ ...e, field: `changes.${e.field}` }))];
}
