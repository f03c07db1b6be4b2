import { describe, expect, test } from 'vitest';
import { createPlanRecord } from '../../../src/domain/care-plan/index';
import type { ValidationError } from '../../../src/domain/records';
import {
  crisisInputOf, crisisValuesOf, escalationInputOf, fieldMessages, goalInputOf, goalValuesOf, itemInputOf, itemValuesOf, linesOf,
  numberOrUndefined, steppedCareInputOf,
} from '../../../src/ui/features/plan/plan-forms';
import { changesBetween } from '../../../src/ui/features/plan/plan-model';
import { CLINICIAN, NOW, goal, planItem } from '../domain/care-plan/fixtures';

const t = (key: string, params?: Record<string, string | number>) => (params ? `${key} ${JSON.stringify(params)}` : key);

describe('form values and record fields', () => {
  test('numbers as typed: blank is absent, junk goes on as NaN for the domain to refuse', () => {
    expect(numberOrUndefined(' ')).toBeUndefined();
    expect(numberOrUndefined('2,5')).toBe(2.5);
    expect(numberOrUndefined('three')).toBeNaN();
    expect(linesOf(' a \n\n b\n')).toEqual(['a', 'b']);
  });

  test('a goal round-trips through the form unchanged; blank milestone rows are dropped', () => {
    const g = goal(1);
    expect(changesBetween(goalInputOf(goalValuesOf(g)), goalInputOf(goalValuesOf(g)))).toEqual({});
    const values = goalValuesOf(g);
    values.milestones.push({ id: 'x', text: '   ' });
    expect(goalInputOf(values)['milestones']).toEqual(g.milestones);
  });

  test('a new goal from the form validates with the domain', () => {
    const v = goalValuesOf(undefined);
    Object.assign(v, { title: ' Walk to the mailbox ', baseline: 'Stops after 20 m', target: 'There and back', targetDate: '2027-03-01' });
    v.milestones[0]!.text = 'Halfway';
    const built = createPlanRecord('goal', goalInputOf(v), CLINICIAN, NOW);
    expect(built.ok && built.value.title).toBe('Walk to the mailbox');
    expect(built.ok && built.value.milestones.map((m) => m.text)).toEqual(['Halfway']);
  });

  test('an item keeps only the chosen kind\'s details; a changed kind clears the old ones', () => {
    const item = planItem(3, { sets: 3, reps: 10, minutes: 20 });
    const values = itemValuesOf(item);
    expect(changesBetween(itemInputOf(itemValuesOf(item)), itemInputOf(values))).toEqual({});
    Object.assign(values, { category: 'medication', dose: ' 30 mg ', sideEffectsToWatch: 'Nausea\n\nDizziness' });
    expect(itemInputOf(values)).toEqual({ category: 'medication', name: 'Walk', timesPerWeek: 3, dose: '30 mg', sideEffectsToWatch: ['Nausea', 'Dizziness'] });
    expect(changesBetween(itemInputOf(itemValuesOf(item)), itemInputOf(values))).toEqual({
      category: 'medication', dose: '30 mg', sideEffectsToWatch: ['Nausea', 'Dizziness'], sets: null, reps: null, minutes: null,
    });
  });

  test('singletons: level as a number, criteria and steps one per line, blank contact rows dropped', () => {
    expect(steppedCareInputOf({ level: '2', criteria: 'PEG up', reviewDate: '' })).toEqual({ level: 2, criteria: 'PEG up' });
    expect(escalationInputOf({ criteria: 'Numbness\n \nFever', instructions: '' })).toEqual({ criteria: ['Numbness', 'Fever'] });
    const crisis = crisisValuesOf(undefined);
    expect(crisis.people).toEqual([{ name: '', phone: '' }]);
    crisis.people.push({ name: ' Ana ', phone: '' });
    expect(crisisInputOf({ ...crisis, steps: 'Breathe' })).toEqual({ people: [{ name: 'Ana', phone: '' }], steps: ['Breathe'] });
  });
});

describe('fieldMessages', () => {
  const e = (field: string, code: ValidationError['code'], params?: ValidationError['params']): ValidationError => (params ? { field, code, params } : { field, code });

  test('one message per field, the first; a proposal\'s changes. prefix dropped', () => {
    expect(fieldMessages([e('changes.timesPerWeek', 'outOfRange', { min: 0, max: 21 }), e('timesPerWeek', 'required'), e('name', 'required')], t)).toEqual({
      timesPerWeek: 'errors.range {"min":0,"max":21}', name: 'errors.required',
    });
  });

  test('rows keep their path, lines say which line, lists too long say how many', () => {
    expect(fieldMessages([
      e('people.1.phone', 'wrongType', { expected: 'phone' }), e('milestones.0.text', 'tooLong', { max: 200 }),
      e('criteria.2', 'tooLong', { max: 200 }), e('steps', 'tooLong', { max: 20 }),
    ], t)).toEqual({
      'people.1.phone': 'errors.phone',
      'milestones.0.text': 'errors.tooLong {"max":200}',
      criteria: 'errors.line {"n":3,"message":"errors.tooLong {\\"max\\":200}"}',
      steps: 'errors.tooMany {"max":20}',
    });
  });

  test('dates, times, numbers and the end before the start', () => {
    expect(fieldMessages([e('targetDate', 'badTime'), e('wakeTime', 'badTime'), e('minutes', 'wrongType'), e('endDate', 'outOfRange', { min: '2027-01-01' }), e('reps', 'notInteger')], t)).toEqual({
      targetDate: 'errors.date', wakeTime: 'errors.time', minutes: 'errors.number', endDate: 'errors.endBeforeStart', reps: 'errors.whole',
    });
  });
});
