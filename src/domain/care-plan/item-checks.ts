import { PRACTICE_CATEGORIES, type PracticeCategory } from '../records';
import { FieldChecker } from '../validate-fields';
import { checkClockTime, checkLocalDate, checkStringList, checkWeekdays, isLocalDate } from './field-checks';
import { PLAN_LIMITS } from './limits';
import { CATEGORY_FIELDS, CBT_SKILLS, RELAXATION_TECHNIQUES } from './types';

type Obj = Record<string, unknown>;

/** Every category-specific field, whichever category it belongs to. */
export const DETAIL_FIELDS: readonly string[] = Object.values(CATEGORY_FIELDS).flat();

function isCategory(value: unknown): value is PracticeCategory {
  return typeof value === 'string' && (PRACTICE_CATEGORIES as readonly string[]).includes(value);
}

function checkDetails(c: FieldChecker, obj: Obj): void {
  c.number('sets', PLAN_LIMITS.sets);
  c.number('reps', PLAN_LIMITS.reps);
  c.oneOf('skill', CBT_SKILLS);
  c.string('homework', PLAN_LIMITS.longText);
  c.oneOf('technique', RELAXATION_TECHNIQUES);
  c.string('activity', PLAN_LIMITS.shortText);
  c.number('timeLimitMinutes', PLAN_LIMITS.minutes);
  c.number('restMinutes', PLAN_LIMITS.restMinutes);
  checkClockTime(c, obj, 'wakeTime');
  c.string('windDown', PLAN_LIMITS.longText);
  c.string('dose', PLAN_LIMITS.shortText);
  c.string('schedule', PLAN_LIMITS.shortText);
  c.string('purpose', PLAN_LIMITS.shortText);
  checkStringList(c, obj, 'sideEffectsToWatch', PLAN_LIMITS.sideEffects, PLAN_LIMITS.shortText);
  c.string('readingTitle', PLAN_LIMITS.shortText);
  c.string('readingText', PLAN_LIMITS.readingText);
}

/**
 * A plan item's editable fields. `required` says whether a required field must be there (as in
 * checkGoalFields). For a proposal's partial changes the category check runs only when they
 * name a category; the merged record is checked in full when the proposal is applied.
 */
export function checkPlanItemFields(c: FieldChecker, obj: Obj, required: (field: string) => boolean): void {
  c.oneOf('category', PRACTICE_CATEGORIES, required('category'));
  c.string('name', PLAN_LIMITS.name, required('name'));
  c.string('instructions', PLAN_LIMITS.longText);
  c.number('timesPerWeek', PLAN_LIMITS.timesPerWeek, required('timesPerWeek'));
  c.number('minutes', PLAN_LIMITS.minutes);
  checkWeekdays(c, obj, 'days');
  checkLocalDate(c, obj, 'startDate');
  checkLocalDate(c, obj, 'endDate');
  const { startDate, endDate } = obj;
  if (isLocalDate(startDate) && isLocalDate(endDate) && endDate < startDate) {
    c.add([{ field: 'endDate', code: 'outOfRange', params: { min: startDate } }]);
  }
  checkDetails(c, obj);
  const category = obj['category'];
  if (!isCategory(category)) return;
  // Another category's detail would be invisible in the form yet still stored; refuse it.
  const own: readonly string[] = CATEGORY_FIELDS[category];
  for (const field of DETAIL_FIELDS) {
    if (!own.includes(field) && obj[field] !== undefined) c.add([{ field, code: 'unknownValue', params: { category } }]);
  }
}
