/** Local calendar dates ('YYYY-MM-DD' in the runtime's time zone), for grouping by day and week. */

export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The local calendar date of a moment. */
export function toLocalDate(d: Date): LocalDate {
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight at the start of a 'YYYY-MM-DD' date, or null when it is not a real date. */
export function localMidnight(date: LocalDate): Date | null {
  const m = LOCAL_DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const result = new Date(y, mo, d);
  return result.getFullYear() === y && result.getMonth() === mo && result.getDate() === d ? result : null;
}

/**
 * Adds calendar days in local time. Built from the date parts, not by adding 24h, because a
 * day across a daylight-saving change is 23 or 25 hours long.
 */
export function addLocalDays(d: Date, days: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);
}

/** Whole calendar days from a to b (local dates), immune to daylight-saving hours. */
export function calendarDaysBetween(a: Date, b: Date): number {
  const ua = Date.UTC(a.getFullYear(), a.getMonth(), a.getDate());
  const ub = Date.UTC(b.getFullYear(), b.getMonth(), b.getDate());
  return Math.round((ub - ua) / DAY_MS);
}

/** Local Monday 00:00 of the ISO week containing d. */
export function mondayOf(d: Date): Date {
  const sinceMonday = (d.getDay() + 6) % 7; // getDay: Sunday 0 .. Saturday 6
  return addLocalDays(d, -sinceMonday);
}
