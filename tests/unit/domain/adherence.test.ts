import { describe, expect, test } from 'vitest';
import { weeklyAdherence } from '../../../src/domain/adherence';
import { idFor, practiceItem, practiceLog, useTimeZone } from './fixtures';

useTimeZone('America/New_York');

const WEEK = '2026-11-16';
const at = (d: number, h = 12) => new Date(2026, 10, d, h).toISOString();
const walk = practiceItem(1, { timesPerWeek: 3 });
const breathe = practiceItem(2, { name: 'Breathing', category: 'relaxation', timesPerWeek: 7 });

describe('weeklyAdherence', () => {
  test('done counts 1, partly 0.5, skipped 0; ratio capped at 1; overall caps per item', () => {
    const logs = [
      practiceLog(10, at(16), walk.id), practiceLog(11, at(17), walk.id), practiceLog(12, at(18), walk.id),
      practiceLog(13, at(19), walk.id), practiceLog(14, at(20), walk.id), // 5 of 3
      practiceLog(20, at(16), breathe.id, { status: 'partly' }), practiceLog(21, at(17), breathe.id, { status: 'skipped' }),
      practiceLog(22, at(18), breathe.id),
    ];
    expect(weeklyAdherence([walk, breathe], logs, WEEK)).toEqual({
      items: [
        { itemId: walk.id, done: 5, prescribed: 3, ratio: 1 },
        { itemId: breathe.id, done: 1.5, prescribed: 7, ratio: 1.5 / 7 },
      ],
      overall: (3 + 1.5) / 10, // extra walks do not make up for missed breathing
    });
  });

  test('only logs inside the local week count (Monday 00:00 to next Monday 00:00)', () => {
    const logs = [
      practiceLog(10, at(15, 23), walk.id), // Sunday before
      practiceLog(11, at(16, 0), walk.id), // Monday 00:00
      practiceLog(12, at(22, 23), walk.id), // Sunday 23:00
      practiceLog(13, at(23, 0), walk.id), // next Monday
    ];
    expect(weeklyAdherence([walk], logs, WEEK).items[0]?.done).toBe(2);
  });

  test('deleted logs, deleted items, items archived before the week and unknown items are ignored', () => {
    const archived = practiceItem(3, { archivedAt: at(10) });
    const archivedMidWeek = practiceItem(4, { archivedAt: at(18) });
    const deleted = practiceItem(5, { deletedAt: at(1) });
    const logs = [practiceLog(10, at(17), walk.id, { deletedAt: at(18) }), practiceLog(11, at(17), idFor(99))];
    const r = weeklyAdherence([walk, archived, archivedMidWeek, deleted], logs, WEEK);
    expect(r.items.map((i) => i.itemId)).toEqual([walk.id, archivedMidWeek.id]);
    expect(r.overall).toBe(0);
  });

  test('items created after the week are not counted; nothing prescribed gives null', () => {
    const future = practiceItem(6, { createdAt: at(25) });
    expect(weeklyAdherence([future], [], WEEK)).toEqual({ items: [], overall: null });
    expect(weeklyAdherence([], [], WEEK).overall).toBe(null);
    expect(weeklyAdherence([walk], [], 'not-a-date')).toEqual({ items: [], overall: null });
  });
});
