import { weeklyAdherence } from '../adherence';
import { addLocalDays, localMidnight, mondayOf, toLocalDate, type LocalDate } from '../local-dates';
import type { PracticeItem, PracticeLog, Ulid } from '../records';
import { parseIsoTime } from '../validate-fields';
import type { PlanItem } from './types';

export interface PlanItemAdherence {
  itemId: Ulid;
  /** Sessions credited in the week (done 1, partly 0.5, skipped 0; may exceed prescribed). */
  done: number;
  prescribed: number;
  /** done / prescribed capped at 1; null for an as-needed item (nothing prescribed). */
  ratio: number | null;
}

export interface PlanWeekAdherence {
  weekStart: LocalDate;
  items: PlanItemAdherence[];
  /** Per-item done (capped) / prescribed, over all items; null with nothing prescribed. */
  overall: number | null;
}

/** Longest history adherenceHistory computes (ten years of weeks). */
export const MAX_HISTORY_WEEKS = 520;

/**
 * A plan item as adherence.ts's practice item. Its start date moves its creation later and its
 * end date moves its archiving earlier, so a week counts the item only if it applied on some
 * day of that week (archiving at the end date's midnight still counts that date's week).
 */
export function asPracticeItem(item: PlanItem): PracticeItem {
  let created = parseIsoTime(item.createdAt);
  const start = item.startDate === undefined ? null : localMidnight(item.startDate);
  if (created !== null && start !== null) created = Math.max(created, start.getTime());
  let archived = item.archivedAt === undefined ? null : parseIsoTime(item.archivedAt);
  const end = item.endDate === undefined ? null : localMidnight(item.endDate);
  if (end !== null) archived = archived === null ? end.getTime() : Math.min(archived, end.getTime());
  const practice: PracticeItem = {
    id: item.id,
    schemaVersion: 1,
    kind: 'practice-item',
    at: item.createdAt,
    createdAt: created === null ? item.createdAt : new Date(created).toISOString(),
    updatedAt: item.updatedAt,
    enteredBy: 'patient',
    name: item.name,
    category: item.category,
    timesPerWeek: item.timesPerWeek,
  };
  if (item.deletedAt !== undefined) practice.deletedAt = item.deletedAt;
  if (archived !== null) practice.archivedAt = new Date(archived).toISOString();
  return practice;
}

/**
 * Practice done against practice prescribed in the local week starting weekStart (a Monday),
 * per plan item and overall, by adherence.ts's rules: a log counts for the item whose id is its
 * practiceId, deleted logs and items are ignored, and as-needed items count nothing.
 */
export function planAdherence(items: readonly PlanItem[], logs: readonly PracticeLog[], weekStart: LocalDate): PlanWeekAdherence {
  const week = weeklyAdherence(items.map(asPracticeItem), logs, weekStart);
  return {
    weekStart,
    items: week.items.map((a) => ({ ...a, ratio: a.prescribed > 0 ? a.ratio : null })),
    overall: week.overall,
  };
}

/** Adherence for the last `weeks` local weeks up to and including today's, oldest first. */
export function adherenceHistory(
  items: readonly PlanItem[], logs: readonly PracticeLog[], weeks: number, today: LocalDate,
): PlanWeekAdherence[] {
  const day = localMidnight(today);
  if (day === null || !Number.isInteger(weeks) || weeks < 1) return [];
  const monday = mondayOf(day);
  const count = Math.min(weeks, MAX_HISTORY_WEEKS);
  return Array.from({ length: count }, (_, i) =>
    planAdherence(items, logs, toLocalDate(addLocalDays(monday, -7 * (count - 1 - i)))));
}
