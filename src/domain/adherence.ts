import { addLocalDays, localMidnight, type LocalDate } from './local-dates';
import type { PracticeItem, PracticeLog, PracticeStatus, Ulid } from './records';
import { parseIsoTime } from './validate-fields';

/** How much one log counts toward the week's prescription. */
export const STATUS_CREDIT: Record<PracticeStatus, number> = {
  done: 1,
  // Partly done is half a session: credit for showing up without counting it as full dose.
  partly: 0.5,
  skipped: 0,
};

export interface ItemAdherence {
  itemId: Ulid;
  /** Sessions credited this week (may exceed prescribed). */
  done: number;
  prescribed: number;
  /** done / prescribed, capped at 1. */
  ratio: number;
}

export interface WeeklyAdherence {
  items: ItemAdherence[];
  /** Sum of per-item done (each capped at its prescription) / sum prescribed; null with nothing prescribed. */
  overall: number | null;
}

/**
 * Practice done against practice prescribed for the local week starting weekStartIso
 * ('YYYY-MM-DD', normally a Monday from weekStart). Items count if not deleted, created
 * before the week ends and not archived before it began; an item added mid-week still
 * counts its full timesPerWeek (no pro-rating). Deleted logs and logs of items not listed
 * are ignored. Extra sessions of one item never make up for another: done is capped per item.
 */
export function weeklyAdherence(items: readonly PracticeItem[], logs: readonly PracticeLog[], weekStartIso: LocalDate): WeeklyAdherence {
  const start = localMidnight(weekStartIso);
  if (start === null) return { items: [], overall: null };
  const startMs = start.getTime();
  const endMs = addLocalDays(start, 7).getTime();
  const active = items.filter((item) => {
    if (item.deletedAt !== undefined) return false;
    const created = parseIsoTime(item.createdAt);
    const archived = item.archivedAt === undefined ? null : parseIsoTime(item.archivedAt);
    return created !== null && created < endMs && (archived === null || archived >= startMs);
  });
  const credit = new Map<Ulid, number>();
  for (const log of logs) {
    if (log.deletedAt !== undefined) continue;
    const ms = parseIsoTime(log.at);
    if (ms === null || ms < startMs || ms >= endMs) continue;
    credit.set(log.practiceId, (credit.get(log.practiceId) ?? 0) + (STATUS_CREDIT[log.status] ?? 0));
  }
  let doneCapped = 0;
  let prescribedSum = 0;
  const perItem = active.map((item): ItemAdherence => {
    const done = credit.get(item.id) ?? 0;
    const prescribed = item.timesPerWeek;
    doneCapped += Math.min(done, prescribed);
    prescribedSum += prescribed;
    return { itemId: item.id, done, prescribed, ratio: prescribed > 0 ? Math.min(done / prescribed, 1) : 0 };
  });
  return { items: perItem, overall: prescribedSum > 0 ? doneCapped / prescribedSum : null };
}
