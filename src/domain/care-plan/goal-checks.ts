import { FieldChecker } from '../validate-fields';
import { checkLocalDate, checkObjectList } from './field-checks';
import { PLAN_LIMITS } from './limits';

type Obj = Record<string, unknown>;

function checkMilestone(c: FieldChecker): void {
  c.ulid('id', true);
  c.string('text', PLAN_LIMITS.shortText, true);
  c.time('reachedAt');
}

/**
 * A goal's editable fields. `required` says whether a required field must be there: always for
 * a record, only when present for a proposal's partial changes (then it must not be blank).
 */
export function checkGoalFields(c: FieldChecker, obj: Obj, required: (field: string) => boolean): void {
  c.string('title', PLAN_LIMITS.name, required('title'));
  c.string('baseline', PLAN_LIMITS.text, required('baseline'));
  c.string('target', PLAN_LIMITS.text, required('target'));
  checkLocalDate(c, obj, 'targetDate', required('targetDate'));
  checkObjectList(c, obj, 'milestones', PLAN_LIMITS.milestones, checkMilestone, required('milestones'));
  const milestones = obj['milestones'];
  if (!Array.isArray(milestones)) return;
  // Milestone ids are how a rating or a comment points at one; two alike would be ambiguous.
  const seen = new Set<unknown>();
  milestones.forEach((m: unknown, i) => {
    const id = typeof m === 'object' && m !== null ? (m as Obj)['id'] : undefined;
    if (id === undefined) return;
    if (seen.has(id)) c.add([{ field: `milestones.${i}.id`, code: 'unknownValue', params: { value: String(id) } }]);
    seen.add(id);
  });
}

/** A goal rating's own fields; `now` bounds how far in the future `at` may be. */
export function checkGoalRatingFields(c: FieldChecker, now?: Date): void {
  c.ulid('goalId', true);
  c.time('at', true, now);
  c.number('progress', PLAN_LIMITS.progress, true);
  c.string('note', PLAN_LIMITS.longText);
}
