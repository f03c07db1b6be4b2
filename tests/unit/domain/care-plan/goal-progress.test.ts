import { describe, expect, test } from 'vitest';
import { goalProgress } from '../../../../src/domain/care-plan/index';
import { useTimeZone } from '../fixtures';
import { goal, idFor, rating } from './fixtures';

useTimeZone('America/New_York');

const g = goal(1, {
  targetDate: '2027-02-01',
  milestones: [
    { id: idFor(501), text: 'To the gate', reachedAt: '2026-11-10T15:00:00.000Z' },
    { id: idFor(502), text: 'Halfway' },
    { id: idFor(503), text: 'Mailbox' },
  ],
});

describe('goalProgress', () => {
  test('no ratings yet', () => {
    expect(goalProgress(g, [], '2026-11-23')).toEqual({
      goalId: g.id, ratingCount: 0, latest: null, latestAt: null, previous: null, change: null, trend: null, targetReached: false,
      milestonesReached: 1, milestonesTotal: 3, daysToTarget: 70, targetPassed: false,
    });
  });

  test('latest by time (not by list order), with the change and trend against the one before', () => {
    const ratings = [
      rating(12, g.id, '2026-11-20T10:00:00.000Z', 5),
      rating(10, g.id, '2026-11-01T10:00:00.000Z', 2),
      rating(11, g.id, '2026-11-10T10:00:00.000Z', 4),
    ];
    expect(goalProgress(g, ratings, '2026-11-23')).toMatchObject({
      ratingCount: 3, latest: 5, latestAt: '2026-11-20T10:00:00.000Z', previous: 4, change: 1, trend: 'better',
    });
  });

  test('worse, same, and the id breaks a tie in time', () => {
    const t = '2026-11-20T10:00:00.000Z';
    expect(goalProgress(g, [rating(11, g.id, t, 6), rating(10, g.id, '2026-11-19T10:00:00.000Z', 7)], '2026-11-23').trend).toBe('worse');
    expect(goalProgress(g, [rating(11, g.id, t, 6), rating(10, g.id, '2026-11-19T10:00:00.000Z', 6)], '2026-11-23').trend).toBe('same');
    expect(goalProgress(g, [rating(11, g.id, t, 3), rating(10, g.id, t, 8)], '2026-11-23')).toMatchObject({ latest: 3, previous: 8 });
  });

  test('ignores deleted ratings, other goals\' ratings and unreadable times', () => {
    const ratings = [
      rating(10, g.id, '2026-11-01T10:00:00.000Z', 2),
      rating(11, g.id, '2026-11-10T10:00:00.000Z', 9, { deletedAt: '2026-11-11T10:00:00.000Z' }),
      rating(12, idFor(2), '2026-11-12T10:00:00.000Z', 9),
      rating(13, g.id, 'yesterday', 9),
    ];
    expect(goalProgress(g, ratings, '2026-11-23')).toMatchObject({ ratingCount: 1, latest: 2, change: null, trend: null });
  });

  test('target reached, on the target date, and after it', () => {
    const done = [rating(10, g.id, '2027-01-30T10:00:00.000Z', 10)];
    expect(goalProgress(g, done, '2027-02-01')).toMatchObject({ targetReached: true, daysToTarget: 0, targetPassed: false });
    expect(goalProgress(g, done, '2027-02-03')).toMatchObject({ daysToTarget: -2, targetPassed: true });
  });

  test('days count calendar days across the daylight-saving change; unreadable dates give null', () => {
    expect(goalProgress(goal(1, { targetDate: '2026-11-02' }), [], '2026-10-31').daysToTarget).toBe(2);
    expect(goalProgress(g, [], 'soon')).toMatchObject({ daysToTarget: null, targetPassed: false });
  });
});
