/** How a plan item reads: its dose and frequency in one line, and its kind's details. */
import { createMemo, type Accessor } from 'solid-js';
import type { PlanItem } from '../../../domain';
import { usePlanText } from './plan-text';
import { useDates } from './plan-ui';

/** Monday .. Sunday in the current language (plan items number weekdays from Monday = 0). */
export function useWeekdayNames(style: 'long' | 'short' = 'long'): Accessor<string[]> {
  const { formatDate, locale } = usePlanText();
  // 1 January 2024 was a Monday.
  return createMemo(() => {
    locale();
    return Array.from({ length: 7 }, (_, w) => formatDate(new Date(2024, 0, 1 + w), { weekday: style }));
  });
}

/** The dose line: how often, how long or how much, and when. */
export function useDoseLine(): (item: PlanItem) => string {
  const { t, tn, formatNumber } = usePlanText();
  const weekdays = useWeekdayNames();
  const dates = useDates();
  return (item) => {
    const parts: string[] = [tn('items.perWeek', item.timesPerWeek)];
    if (item.days && item.days.length > 0 && item.days.length < 7) parts.push(t('items.days', { days: item.days.map((d) => weekdays()[d]).join(', ') }));
    if (item.minutes !== undefined) parts.push(t('items.minutes', { n: formatNumber(item.minutes) }));
    if (item.sets !== undefined && item.reps !== undefined) parts.push(t('items.setsReps', { sets: formatNumber(item.sets), reps: formatNumber(item.reps) }));
    else if (item.sets !== undefined) parts.push(tn('items.sets', item.sets));
    else if (item.reps !== undefined) parts.push(tn('items.reps', item.reps));
    if (item.startDate) parts.push(t('items.from', { date: dates.local(item.startDate) }));
    if (item.endDate) parts.push(t('items.until', { date: dates.local(item.endDate) }));
    return parts.join(' · ');
  };
}

/** One-line details of the item's kind (long texts are shown by the card itself). */
export function useDetailLines(): (item: PlanItem) => string[] {
  const { t, formatNumber, formatDate } = usePlanText();
  const clock = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return h === undefined || m === undefined ? hhmm : formatDate(new Date(2024, 0, 1, h, m), { timeStyle: 'short' });
  };
  return (item) => {
    const lines: string[] = [];
    if (item.skill) lines.push(t('items.skill', { skill: t(`skills.${item.skill}`) }));
    if (item.technique) lines.push(t('items.technique', { technique: t(`techniques.${item.technique}`) }));
    if (item.activity) lines.push(t('items.activity', { activity: item.activity }));
    if (item.timeLimitMinutes !== undefined) lines.push(t('items.timeLimit', { n: formatNumber(item.timeLimitMinutes) }));
    if (item.restMinutes !== undefined) lines.push(t('items.rest', { n: formatNumber(item.restMinutes) }));
    if (item.wakeTime) lines.push(t('items.wakeTime', { time: clock(item.wakeTime) }));
    if (item.dose) lines.push(t('items.dose', { dose: item.dose }));
    if (item.schedule) lines.push(t('items.schedule', { schedule: item.schedule }));
    if (item.purpose) lines.push(t('items.purpose', { purpose: item.purpose }));
    return lines;
  };
}
