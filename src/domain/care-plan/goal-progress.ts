import { calendarDaysBetween, localMidnight, type LocalDate } from '../local-dates';
import type { IsoTime, Ulid } from '../records';
import { parseIsoTime } from '../validate-fields';
import type { Goal, GoalRating } from './types';

/** Progress is rated toward the target, so up is always better. */
export type GoalTrend = 'better' | 'worse' | 'same';

export interface GoalProgress {
  goalId: Ulid;
  /** Ratings counted (this goal's, not deleted, with a readable time). */
  ratingCount: number;
  /** Latest rating, 0 = at baseline .. 10 = target reached; null before the first. */
  latest: number | null;
  latestAt: IsoTime | null;
  previous: number | null;
  /** latest - previous; null with fewer than two ratings. */
  change: number | null;
  trend: GoalTrend | null;
  /** The latest rating says the target is reached (10). */
  targetReached: boolean;
  milestonesReached: number;
  milestonesTotal: number;
  /** Calendar days from today to the target date, negative once it has passed; null when a date is unreadable. */
  daysToTarget: number | null;
  /** Today is after the target date. */
  targetPassed: boolean;
}

/** Where a goal stands: latest rating and its trend, milestones reached, and time to the target date. */
export function goalProgress(goal: Goal, ratings: readonly GoalRating[], today: LocalDate): GoalProgress {
  const mine = ratings
    .filter((r) => r.goalId === goal.id && r.deletedAt === undefined)
    .map((r) => ({ r, ms: parseIsoTime(r.at) }))
    .filter((x): x is { r: GoalRating; ms: number } => x.ms !== null)
    // By time, then by id (ULIDs sort by creation) so that two ratings at the same time order the same everywhere.
    .sort((a, b) => a.ms - b.ms || (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0))
    .map((x) => x.r);
  const last = mine.at(-1);
  const before = mine.at(-2);
  const change = last !== undefined && before !== undefined ? last.progress - before.progress : null;
  const from = localMidnight(today);
  const to = localMidnight(goal.targetDate);
  const daysToTarget = from !== null && to !== null ? calendarDaysBetween(from, to) : null;
  return {
    goalId: goal.id,
    ratingCount: mine.length,
    latest: last?.progress ?? null,
    latestAt: last?.at ?? null,
    previous: before?.progress ?? null,
    change,
    trend: change === null ? null : change > 0 ? 'better' : change < 0 ? 'worse' : 'same',
    targetReached: last?.progress === 10,
    milestonesReached: goal.milestones.filter((m) => m.reachedAt !== undefined).length,
    milestonesTotal: goal.milestones.length,
    daysToTarget,
    targetPassed: daysToTarget !== null && daysToTarget < 0,
  };
}
