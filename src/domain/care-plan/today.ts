import { STATUS_CREDIT } from '../adherence';
import { addLocalDays, calendarDaysBetween, localMidnight, mondayOf, toLocalDate, type LocalDate } from '../local-dates';
import type { PracticeLog, Ulid } from '../records';
import { parseIsoTime } from '../validate-fields';
import type { PlanItem } from './types';

/** One plan item on today's list. */
export interface TodayItem {
  item: PlanItem;
  /** timesPerWeek 0: log it whenever it helps; never due. */
  asNeeded: boolean;
  timesPerWeek: number;
  /** Sessions credited this week (done 1, partly 0.5, skipped 0). */
  doneThisWeek: number;
  remainingThisWeek: number;
  /** The plan asks for at least one session today. */
  scheduledToday: boolean;
  /** Sessions the plan asks for today (see planToday). */
  sessionsToday: number;
  doneToday: number;
  /** Logs today of any status: a logged skip answers today's session too. */
  loggedToday: number;
  /** Fewer logs today than sessions asked for. */
  due: boolean;
}

interface Tally { week: number; beforeToday: number; today: number; loggedToday: number }

function tallyLogs(logs: readonly PracticeLog[], weekStart: Date, day: Date): Map<Ulid, Tally> {
  const [weekMs, dayMs] = [weekStart.getTime(), day.getTime()];
  const [nextDayMs, weekEndMs] = [addLocalDays(day, 1).getTime(), addLocalDays(weekStart, 7).getTime()];
  const tallies = new Map<Ulid, Tally>();
  for (const log of logs) {
    if (log.deletedAt !== undefined) continue;
    const ms = parseIsoTime(log.at);
    if (ms === null || ms < weekMs || ms >= weekEndMs) continue;
    const t = tallies.get(log.practiceId) ?? { week: 0, beforeToday: 0, today: 0, loggedToday: 0 };
    const credit = STATUS_CREDIT[log.status] ?? 0;
    t.week += credit;
    if (ms < dayMs) t.beforeToday += credit;
    else if (ms < nextDayMs) { t.today += credit; t.loggedToday += 1; }
    tallies.set(log.practiceId, t);
  }
  return tallies;
}

function appliesOn(item: PlanItem, date: LocalDate): boolean {
  return (item.startDate === undefined || item.startDate <= date) && (item.endDate === undefined || item.endDate >= date);
}

/** Weekdays of this week (Monday = 0) on which the item may be practised: its fixed days, within its dates. */
function practiceDays(item: PlanItem, monday: Date): number[] {
  const days = item.days ?? [0, 1, 2, 3, 4, 5, 6];
  return [...days].sort((a, b) => a - b).filter((w) => appliesOn(item, toLocalDate(addLocalDays(monday, w))));
}

/**
 * Sessions asked for today. The week's sessions are spread evenly over its practice days, as a
 * running target: by the end of the k-th of n practice days, ceil(timesPerWeek * k / n) sessions
 * (3 a week: Monday, Wednesday, Friday; 5: all but Thursday and Sunday). Today asks for the
 * target minus what was done before today, but never more than the usual daily dose, so a
 * missed day is caught up gently rather than doubled: pacing, not boom and bust.
 */
function sessionsFor(item: PlanItem, monday: Date, weekday: number, doneBefore: number): number {
  const t = item.timesPerWeek;
  const days = practiceDays(item, monday);
  const k = days.filter((w) => w <= weekday).length;
  if (t === 0 || !days.includes(weekday)) return 0;
  const target = Math.floor((t * k + days.length - 1) / days.length);
  const perDay = Math.ceil(t / (item.days?.length ?? 7));
  return Math.min(Math.ceil(Math.max(target - doneBefore, 0)), perDay);
}

function rank(t: TodayItem): number {
  if (t.due) return 0;
  return t.loggedToday === 0 ? 1 : 2;
}

/**
 * Today's practice list: plan items that apply today (not deleted or archived, today within
 * their start and end dates), with this week's count and what today asks for (sessionsFor).
 * Fixed-day items are asked for only on their days. Sorted due first, then the rest, then
 * those already logged today; by name within each group.
 */
export function planToday(items: readonly PlanItem[], logs: readonly PracticeLog[], today: LocalDate): TodayItem[] {
  const day = localMidnight(today);
  if (day === null) return [];
  const monday = mondayOf(day);
  const weekday = calendarDaysBetween(monday, day);
  const tallies = tallyLogs(logs, monday, day);
  const list = items
    .filter((item) => item.deletedAt === undefined && item.archivedAt === undefined && appliesOn(item, today))
    .map((item): TodayItem => {
      const t = tallies.get(item.id) ?? { week: 0, beforeToday: 0, today: 0, loggedToday: 0 };
      const sessionsToday = sessionsFor(item, monday, weekday, t.beforeToday);
      return {
        item,
        asNeeded: item.timesPerWeek === 0,
        timesPerWeek: item.timesPerWeek,
        doneThisWeek: t.week,
        remainingThisWeek: Math.max(item.timesPerWeek - t.week, 0),
        scheduledToday: sessionsToday > 0,
        sessionsToday,
        doneToday: t.today,
        loggedToday: t.loggedToday,
        due: t.loggedToday < sessionsToday,
      };
    });
  return list.sort((a, b) => rank(a) - rank(b) || a.item.name.localeCompare(b.item.name) || (a.item.id < b.item.id ? -1 : 1));
}
