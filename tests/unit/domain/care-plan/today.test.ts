import { describe, expect, test } from 'vitest';
import { planToday, type PlanItem, type TodayItem } from '../../../../src/domain/care-plan/index';
import type { PracticeLog } from '../../../../src/domain/records';
import { practiceLog, useTimeZone } from '../fixtures';
import { idFor, planItem } from './fixtures';

useTimeZone('America/New_York');

// The week of Monday 2026-11-16 .. Sunday 2026-11-22, in local time.
const date = (d: number, month = 11) => `2026-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const at = (d: number, h = 12, min = 0, month = 11) => new Date(2026, month - 1, d, h, min).toISOString();
let logId = 100;
const log = (item: PlanItem, time: string, extra: Partial<PracticeLog> = {}) => practiceLog(logId++, time, item.id, extra);

function only(items: PlanItem[], logs: PracticeLog[], today: string): TodayItem {
  const [first] = planToday(items, logs, today);
  if (!first) throw new Error('nothing today');
  return first;
}
const dueOn = (item: PlanItem, logs: PracticeLog[], d: number) => only([item], logs, date(d)).due;

describe('spread over the week (no fixed days)', () => {
  test('3 a week, done when asked: Monday, Wednesday, Friday', () => {
    const walk = planItem(1, { timesPerWeek: 3 });
    const logs: PracticeLog[] = [];
    const due: boolean[] = [];
    for (let d = 16; d <= 22; d++) {
      due.push(dueOn(walk, logs, d));
      if (due.at(-1)) logs.push(log(walk, at(d, 9)));
    }
    expect(due).toEqual([true, false, true, false, true, false, false]);
  });

  test('5 a week: all days but Thursday and Sunday; 7 a week: every day', () => {
    for (const [times, expected] of [[5, [true, true, true, false, true, true, false]], [7, Array(7).fill(true)]] as const) {
      const item = planItem(1, { timesPerWeek: times });
      const logs: PracticeLog[] = [];
      const due: boolean[] = [];
      for (let d = 16; d <= 22; d++) {
        due.push(dueOn(item, logs, d));
        if (due.at(-1)) logs.push(log(item, at(d, 9)));
      }
      expect(due).toEqual(expected);
    }
  });

  test('missed days are caught up one a day, never doubled', () => {
    const walk = planItem(1, { timesPerWeek: 3 });
    for (let d = 16; d <= 22; d++) expect(only([walk], [], date(d))).toMatchObject({ sessionsToday: 1, due: true, remainingThisWeek: 3 });
  });

  test('twice a day: two sessions asked, still due after one', () => {
    const meds = planItem(1, { category: 'medication', timesPerWeek: 14 });
    expect(only([meds], [], date(18))).toMatchObject({ sessionsToday: 2, due: true });
    expect(only([meds], [log(meds, at(18, 8))], date(18))).toMatchObject({ doneToday: 1, loggedToday: 1, due: true });
    expect(only([meds], [log(meds, at(18, 8)), log(meds, at(18, 20))], date(18)).due).toBe(false);
  });

  test('ahead of plan: nothing asked until the running target catches up', () => {
    const walk = planItem(1, { timesPerWeek: 3 });
    const logs = [log(walk, at(16, 8)), log(walk, at(16, 18))]; // two on Monday
    expect(only([walk], logs, date(18))).toMatchObject({ sessionsToday: 0, scheduledToday: false, due: false, remainingThisWeek: 1 });
    expect(dueOn(walk, logs, 20)).toBe(true); // Friday: target 3
  });
});

describe('fixed days', () => {
  const mwf = planItem(1, { timesPerWeek: 3, days: [4, 0, 2] }); // Monday, Wednesday, Friday (any order)

  test('asked only on its days', () => {
    const due = [16, 17, 18, 19, 20, 21, 22].map((d) => dueOn(mwf, [], d));
    expect(due).toEqual([true, false, true, false, true, false, false]);
    expect(only([mwf], [], date(17))).toMatchObject({ scheduledToday: false, sessionsToday: 0, remainingThisWeek: 3 });
  });

  test('a missed Monday is not doubled on Wednesday', () => {
    expect(only([mwf], [], date(18)).sessionsToday).toBe(1);
  });

  test('fewer sessions than days: the first days of the spread', () => {
    const twice = planItem(1, { timesPerWeek: 2, days: [1, 3, 5] }); // Tuesday, Thursday, Saturday
    const logs = [log(twice, at(17)), log(twice, at(19))];
    expect([dueOn(twice, [], 17), dueOn(twice, logs.slice(0, 1), 19), dueOn(twice, logs, 21)]).toEqual([true, true, false]);
  });
});

describe('week boundaries and logs', () => {
  const walk = planItem(1, { timesPerWeek: 7 });

  test('a new week starts at local Monday 00:00', () => {
    const logs = [log(walk, at(15, 23, 59)), log(walk, at(16, 0, 0))];
    expect(only([walk], logs, date(16))).toMatchObject({ doneThisWeek: 1, doneToday: 1, loggedToday: 1, due: false });
    expect(only([walk], logs, date(15))).toMatchObject({ doneThisWeek: 1, doneToday: 1 }); // Sunday belongs to the week before
  });

  test('the last minute of Sunday is still today', () => {
    expect(only([walk], [log(walk, at(22, 23, 59))], date(22))).toMatchObject({ doneToday: 1, due: false });
  });

  test('across the end of daylight saving time (Sunday 2026-11-01 is 25 hours long)', () => {
    const logs = [log(walk, at(26, 9, 0, 10)), log(walk, at(1, 23, 30))];
    expect(only([walk], logs, date(1))).toMatchObject({ doneThisWeek: 2, doneToday: 1 });
    expect(only([walk], logs, date(2)).doneThisWeek).toBe(0);
  });

  test('partly counts half, skipped nothing, but a logged skip answers today; deleted logs are ignored', () => {
    expect(only([walk], [log(walk, at(18), { status: 'partly' })], date(18))).toMatchObject({ doneToday: 0.5, due: false });
    expect(only([walk], [log(walk, at(18), { status: 'skipped' })], date(18))).toMatchObject({ doneToday: 0, loggedToday: 1, due: false });
    expect(only([walk], [log(walk, at(18), { deletedAt: at(18, 13) })], date(18))).toMatchObject({ loggedToday: 0, due: true });
  });

  test('logs of other practices do not count', () => {
    expect(only([walk], [practiceLog(1, at(18), idFor(99))], date(18)).loggedToday).toBe(0);
  });
});

describe('which items, in which order', () => {
  test('as-needed items are listed, never due, and count their logs', () => {
    const breathe = planItem(2, { category: 'relaxation', name: 'Breathing', timesPerWeek: 0 });
    expect(only([breathe], [log(breathe, at(17)), log(breathe, at(18))], date(18))).toMatchObject({
      asNeeded: true, due: false, scheduledToday: false, sessionsToday: 0, doneThisWeek: 2, doneToday: 1, remainingThisWeek: 0,
    });
  });

  test('deleted, archived and out-of-date items are left out; the start and end dates are included', () => {
    const items = [
      planItem(1, { name: 'deleted', deletedAt: at(1) }),
      planItem(2, { name: 'archived', archivedAt: at(1) }),
      planItem(3, { name: 'starts tomorrow', startDate: date(19) }),
      planItem(4, { name: 'ended yesterday', endDate: date(17) }),
      planItem(5, { name: 'starts today', startDate: date(18) }),
      planItem(6, { name: 'ends today', endDate: date(18) }),
    ];
    expect(planToday(items, [], date(18)).map((t) => t.item.name)).toEqual(['ends today', 'starts today']);
  });

  test('an item starting mid-week spreads the week\'s sessions over the days left', () => {
    const late = planItem(1, { timesPerWeek: 3, startDate: date(19) }); // Thursday
    const logs: PracticeLog[] = [];
    const due: boolean[] = [];
    for (let d = 19; d <= 22; d++) {
      due.push(dueOn(late, logs, d));
      if (due.at(-1)) logs.push(log(late, at(d)));
    }
    expect(due).toEqual([true, true, true, false]);
  });

  test('due first, then the rest, then those logged today; by name within each', () => {
    const items = [
      planItem(1, { name: 'Walk', timesPerWeek: 7 }),
      planItem(2, { name: 'Breathing', timesPerWeek: 0 }),
      planItem(3, { name: 'Stretch', timesPerWeek: 7 }),
      planItem(4, { name: 'Bike', timesPerWeek: 7 }),
      planItem(5, { name: 'Apnea', timesPerWeek: 7, days: [0] }),
    ];
    const logs = [log(items[0] as PlanItem, at(18))];
    expect(planToday(items, logs, date(18)).map((t) => t.item.name)).toEqual(['Bike', 'Stretch', 'Apnea', 'Breathing', 'Walk']);
  });

  test('an unreadable date gives an empty list', () => {
    expect(planToday([planItem(1)], [], '2026-02-30')).toEqual([]);
  });
});
