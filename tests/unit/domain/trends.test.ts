import { describe, expect, test } from 'vitest';
import { changeFromBaseline, dailyMeans, localDay, weekStart, weeklyMeans } from '../../../src/domain/trends';
import { useTimeZone } from './fixtures';

// New York: the week of 2026-11-01 contains the end of daylight saving (a 25-hour Sunday).
useTimeZone('America/New_York');

/** A local New York wall-clock time as stored ISO (UTC). */
function local(y: number, m: number, d: number, h = 12, min = 0): string {
  return new Date(y, m - 1, d, h, min).toISOString();
}

describe('weekStart', () => {
  test('the time zone is the one the file set', () => {
    expect(new Date(2026, 6, 1).getTimezoneOffset()).toBe(240);
  });

  test.each([
    [local(2026, 11, 23, 0, 0), '2026-11-23'], // Monday 00:00 starts its own week
    [local(2026, 11, 22, 23, 59), '2026-11-16'], // Sunday 23:59 belongs to the week before
    [local(2026, 11, 25), '2026-11-23'],
    [local(2026, 11, 29, 23, 59), '2026-11-23'],
    [local(2027, 1, 1), '2026-12-28'], // across a year end
    [local(2026, 11, 1, 23, 0), '2026-10-26'], // DST-ending Sunday
    [local(2026, 11, 2, 0, 30), '2026-11-02'],
  ])('%s -> %s', (iso, expected) => {
    expect(weekStart(iso)).toBe(expected);
  });

  test('uses local time, not UTC: Monday 01:00 UTC is still Sunday evening in New York', () => {
    expect(weekStart('2026-11-23T01:00:00.000Z')).toBe('2026-11-16');
    expect(localDay('2026-11-23T01:00:00.000Z')).toBe('2026-11-22');
  });

  test('bad times give null', () => {
    expect(weekStart('not a time')).toBe(null);
  });
});

describe('weeklyMeans and dailyMeans', () => {
  test('groups across a week boundary, sorted, deleted and non-finite points skipped', () => {
    const points = [
      { at: local(2026, 11, 23, 9), value: 6 },
      { at: local(2026, 11, 22, 21), value: 2 },
      { at: local(2026, 11, 16, 8), value: 4 },
      { at: local(2026, 11, 24, 9), value: 7 },
      { at: local(2026, 11, 25, 9), value: 10, deletedAt: local(2026, 11, 25, 10) },
      { at: local(2026, 11, 25, 9), value: NaN },
    ];
    expect(weeklyMeans(points)).toEqual([
      { week: '2026-11-16', mean: 3, n: 2 },
      { week: '2026-11-23', mean: 6.5, n: 2 },
    ]);
    expect(dailyMeans(points)).toEqual([
      { day: '2026-11-16', mean: 4, n: 1 },
      { day: '2026-11-22', mean: 2, n: 1 },
      { day: '2026-11-23', mean: 6, n: 1 },
      { day: '2026-11-24', mean: 7, n: 1 },
    ]);
  });

  test('empty input gives empty output', () => {
    expect(weeklyMeans([])).toEqual([]);
    expect(dailyMeans([])).toEqual([]);
  });
});

describe('changeFromBaseline', () => {
  test('PEG: 30% relative is meaningful, 29% is not; lower is better', () => {
    expect(changeFromBaseline('peg', 5, 6.5)).toEqual({ absolute: 1.5, relative: 0.3, meaningful: true, direction: 'worse' });
    expect(changeFromBaseline('peg', 5, 3.5)).toEqual({ absolute: -1.5, relative: -0.3, meaningful: true, direction: 'better' });
    expect(changeFromBaseline('peg', 5, 6.4)).toMatchObject({ meaningful: false, direction: 'worse' });
    expect(changeFromBaseline('peg', 10, 7)).toMatchObject({ absolute: -3, meaningful: true });
    expect(changeFromBaseline('peg', 10, 7.1)).toMatchObject({ meaningful: false });
  });

  test('PEG: exact tenths, no 0.1000000000000005', () => {
    expect(changeFromBaseline('peg', 5.6, 5.7).absolute).toBe(0.1);
    expect(changeFromBaseline('peg', 7, 9.1)).toMatchObject({ absolute: 2.1, relative: 0.3, meaningful: true });
  });

  test('PEG baseline 0: relative is null and 1.0 point is meaningful', () => {
    expect(changeFromBaseline('peg', 0, 1)).toEqual({ absolute: 1, relative: null, meaningful: true, direction: 'worse' });
    expect(changeFromBaseline('peg', 0, 0.7)).toMatchObject({ relative: null, meaningful: false });
    expect(changeFromBaseline('peg', 0, 0)).toMatchObject({ direction: 'same', meaningful: false });
  });

  test('PHQ-9: 5 points; GAD-7: 4 points', () => {
    expect(changeFromBaseline('phq9', 15, 10)).toMatchObject({ absolute: -5, meaningful: true, direction: 'better' });
    expect(changeFromBaseline('phq9', 15, 11)).toMatchObject({ absolute: -4, meaningful: false });
    expect(changeFromBaseline('phq9', 5, 10)).toMatchObject({ meaningful: true, direction: 'worse', relative: 1 });
    expect(changeFromBaseline('gad7', 12, 8)).toMatchObject({ meaningful: true, direction: 'better' });
    expect(changeFromBaseline('gad7', 12, 9)).toMatchObject({ meaningful: false });
    expect(changeFromBaseline('gad7', 3, 3)).toMatchObject({ absolute: 0, direction: 'same', meaningful: false });
  });

  test('screens have no meaningful-change threshold', () => {
    expect(changeFromBaseline('phq2', 0, 6)).toMatchObject({ meaningful: false, direction: 'worse' });
  });
});
