import { describe, expect, test } from 'vitest';
import { dueAssessments, validateCadence } from '../../../src/domain/schedule';
import { useTimeZone } from './fixtures';

useTimeZone('America/New_York');

const local = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h);

describe('dueAssessments', () => {
  test('never answered means due, with dueSince null', () => {
    expect(dueAssessments({}, local(2026, 11, 23))).toEqual([
      { instrument: 'peg', dueSince: null, overdueDays: 0 },
      { instrument: 'phq9', dueSince: null, overdueDays: 0 },
      { instrument: 'gad7', dueSince: null, overdueDays: 0 },
    ]);
  });

  test('weekly PEG: not due the day before the cadence edge, due on the day (by calendar day)', () => {
    const last = local(2026, 11, 16, 20).toISOString(); // Monday evening
    const due = (now: Date) => dueAssessments({ peg: last, phq9: last, gad7: last }, now).filter((d) => d.instrument === 'peg');
    expect(due(local(2026, 11, 22, 23))).toEqual([]);
    expect(due(local(2026, 11, 23, 0))).toEqual([{ instrument: 'peg', dueSince: local(2026, 11, 23, 0).toISOString(), overdueDays: 0 }]);
    expect(due(local(2026, 11, 26, 9))).toMatchObject([{ overdueDays: 3 }]);
  });

  test('14-day PHQ-9 and GAD-7 at their edge', () => {
    const last = local(2026, 11, 9).toISOString();
    const names = (now: Date) => dueAssessments({ peg: now.toISOString(), phq9: last, gad7: last }, now).map((d) => d.instrument);
    expect(names(local(2026, 11, 22))).toEqual([]);
    expect(names(local(2026, 11, 23))).toEqual(['phq9', 'gad7']);
  });

  test('calendar days across the end of daylight saving (Nov 1) stay whole', () => {
    const last = local(2026, 10, 26, 9).toISOString();
    const [peg] = dueAssessments({ peg: last }, local(2026, 11, 3, 9), { peg: 7 });
    expect(peg).toEqual({ instrument: 'peg', dueSince: local(2026, 11, 2, 0).toISOString(), overdueDays: 1 });
  });

  test('custom cadence; only listed instruments are scheduled; bad values fall back to the default', () => {
    const last = local(2026, 11, 20).toISOString();
    expect(dueAssessments({ peg: last }, local(2026, 11, 23), { peg: 3 })).toMatchObject([{ instrument: 'peg', overdueDays: 0 }]);
    expect(dueAssessments({ peg: last }, local(2026, 11, 23), { peg: 4 })).toEqual([]);
    expect(dueAssessments({}, local(2026, 11, 23), { phq2: 30 })).toEqual([{ instrument: 'phq2', dueSince: null, overdueDays: 0 }]);
    expect(dueAssessments({ peg: last }, local(2026, 11, 27), { peg: 0 })).toMatchObject([{ instrument: 'peg' }]); // default 7
    expect(dueAssessments({ peg: last }, local(2026, 11, 26), { peg: 500 })).toEqual([]);
  });

  test('an unreadable last time counts as never answered', () => {
    expect(dueAssessments({ peg: 'garbage' }, local(2026, 11, 23), { peg: 7 })).toEqual([{ instrument: 'peg', dueSince: null, overdueDays: 0 }]);
  });
});

describe('validateCadence', () => {
  test('accepts whole days 1-90', () => {
    expect(validateCadence({ peg: 1, phq9: 90, gad7: 14 })).toEqual({ ok: true, value: { peg: 1, phq9: 90, gad7: 14 } });
  });

  test('rejects 0, 91, fractions, strings and unknown instruments, naming each field', () => {
    const r = validateCadence({ peg: 0, phq9: 91, gad7: 7.5, phq2: '7', bdi: 7 });
    expect(!r.ok && r.error).toEqual([
      { field: 'peg', code: 'outOfRange', params: { min: 1, max: 90 } },
      { field: 'phq9', code: 'outOfRange', params: { min: 1, max: 90 } },
      { field: 'gad7', code: 'notInteger' },
      { field: 'phq2', code: 'wrongType' },
      { field: 'bdi', code: 'unknownValue' },
    ]);
    expect(validateCadence(null).ok).toBe(false);
  });
});
