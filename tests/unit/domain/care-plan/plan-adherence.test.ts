import { describe, expect, test } from 'vitest';
import { MAX_HISTORY_WEEKS, adherenceHistory, asPracticeItem, planAdherence } from '../../../../src/domain/care-plan/index';
import { practiceLog, useTimeZone } from '../fixtures';
import { idFor, planItem } from './fixtures';

useTimeZone('America/New_York');

const WEEK = '2026-11-16';
const at = (d: number, h = 12) => new Date(2026, 10, d, h).toISOString();
const walk = planItem(1, { timesPerWeek: 3 });
const breathe = planItem(2, { category: 'relaxation', name: 'Breathing', timesPerWeek: 7 });

describe('planAdherence', () => {
  test('done 1, partly 0.5, skipped 0; deleted logs ignored; extra sessions of one item do not cover another', () => {
    const logs = [
      practiceLog(10, at(16), walk.id), practiceLog(11, at(17), walk.id), practiceLog(12, at(18), walk.id), practiceLog(13, at(19), walk.id),
      practiceLog(20, at(16), breathe.id, { status: 'partly' }), practiceLog(21, at(17), breathe.id, { status: 'skipped' }),
      practiceLog(22, at(18), breathe.id), practiceLog(23, at(19), breathe.id, { deletedAt: at(20) }),
    ];
    expect(planAdherence([walk, breathe], logs, WEEK)).toEqual({
      weekStart: WEEK,
      items: [
        { itemId: walk.id, done: 4, prescribed: 3, ratio: 1 },
        { itemId: breathe.id, done: 1.5, prescribed: 7, ratio: 1.5 / 7 },
      ],
      overall: (3 + 1.5) / 10,
    });
  });

  test('as-needed items are listed with their logs but no ratio, and do not change the overall', () => {
    const prn = planItem(3, { name: 'Heat pack', timesPerWeek: 0 });
    const r = planAdherence([walk, prn], [practiceLog(10, at(16), prn.id), practiceLog(11, at(16), walk.id)], WEEK);
    expect(r.items).toEqual([
      { itemId: walk.id, done: 1, prescribed: 3, ratio: 1 / 3 },
      { itemId: prn.id, done: 1, prescribed: 0, ratio: null },
    ]);
    expect(r.overall).toBe(1 / 3);
    expect(planAdherence([prn], [], WEEK).overall).toBeNull();
  });

  test('deleted items, items archived before the week, and items outside their dates are not counted', () => {
    const items = [
      planItem(4, { deletedAt: at(1) }),
      planItem(5, { archivedAt: at(10) }),
      planItem(6, { startDate: '2026-11-23' }), // starts next Monday
      planItem(7, { endDate: '2026-11-15' }), // ended the Sunday before
      planItem(8, { startDate: '2026-11-22' }), // starts on the week's Sunday: counts in full
      planItem(9, { endDate: '2026-11-16' }), // ends on the week's Monday: counts in full
      planItem(10, { archivedAt: at(18) }), // archived mid-week: counts
    ];
    expect(planAdherence(items, [], WEEK).items.map((i) => i.itemId)).toEqual([idFor(8), idFor(9), idFor(10)]);
  });

  test('asPracticeItem moves creation to the start date and archiving to the end date, whichever is tighter', () => {
    const item = planItem(1, { startDate: '2026-11-18', endDate: '2026-12-01', archivedAt: at(25) });
    const practice = asPracticeItem(item);
    expect(practice).toMatchObject({ id: item.id, kind: 'practice-item', timesPerWeek: 3, createdAt: at(18, 0), archivedAt: at(25) });
    expect(asPracticeItem(planItem(1, { startDate: '2025-01-01' })).createdAt).toBe(planItem(1).createdAt); // created later than its start
  });
});

describe('adherenceHistory', () => {
  test('the last N weeks up to today\'s, oldest first', () => {
    const logs = [practiceLog(10, at(4), walk.id), practiceLog(11, at(12), walk.id), practiceLog(12, at(19), walk.id, { status: 'partly' })];
    const history = adherenceHistory([walk], logs, 3, '2026-11-19');
    expect(history.map((w) => [w.weekStart, w.overall])).toEqual([['2026-11-02', 1 / 3], ['2026-11-09', 1 / 3], ['2026-11-16', 0.5 / 3]]);
  });

  test('weeks across the daylight-saving change start on Mondays', () => {
    expect(adherenceHistory([walk], [], 2, '2026-11-02').map((w) => w.weekStart)).toEqual(['2026-10-26', '2026-11-02']);
  });

  test('nonsense input gives nothing; very long histories are capped', () => {
    expect(adherenceHistory([walk], [], 0, WEEK)).toEqual([]);
    expect(adherenceHistory([walk], [], 2.5, WEEK)).toEqual([]);
    expect(adherenceHistory([walk], [], 3, 'today')).toEqual([]);
    expect(adherenceHistory([walk], [], 10_000, WEEK)).toHaveLength(MAX_HISTORY_WEEKS);
  });
});
