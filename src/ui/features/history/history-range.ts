/** The time ranges History offers, and the dates they cover (local calendar, pure). */
import { addLocalDays, mondayOf, toLocalDate } from '../../../domain/local-dates';

export const RANGES = ['weeks4', 'months3', 'year1', 'all'] as const;
export type RangeId = (typeof RANGES)[number];

export interface RangeBounds {
  id: RangeId;
  /** Daily points (short ranges) or weekly means from the weeks table (long ones). */
  grain: 'day' | 'week';
  /** Inclusive ISO lower bound for record queries; undefined = from the beginning. */
  from?: string;
  /** First local Monday for weeks-table queries; undefined = from the first week. */
  fromWeek?: string;
}

/** Bounds of a range as seen at `now`. */
export function rangeBounds(id: RangeId, now: Date = new Date()): RangeBounds {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const start =
    id === 'weeks4' ? addLocalDays(today, -27)
    : id === 'months3' ? new Date(today.getFullYear(), today.getMonth() - 3, today.getDate() + 1)
    : id === 'year1' ? new Date(today.getFullYear() - 1, today.getMonth(), today.getDate() + 1)
    : undefined;
  if (!start) return { id, grain: 'week' };
  return {
    id,
    grain: id === 'weeks4' || id === 'months3' ? 'day' : 'week',
    from: start.toISOString(),
    fromWeek: toLocalDate(mondayOf(start)),
  };
}

export function isRangeId(v: unknown): v is RangeId {
  return typeof v === 'string' && (RANGES as readonly string[]).includes(v);
}
