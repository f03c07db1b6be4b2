import { INSTRUMENTS, type InstrumentId, type IsoTime, type Result, type ValidationError } from './records';
import { addLocalDays, calendarDaysBetween } from './local-dates';
import { parseIsoTime } from './validate-fields';

/** Days between two answers of each scheduled instrument; instruments left out are not scheduled. */
export type Cadence = Partial<Record<InstrumentId, number>>;

export const DEFAULT_CADENCE: Readonly<Cadence> = { peg: 7, phq9: 14, gad7: 14 };
export const CADENCE_LIMITS = { min: 1, max: 90 } as const;

export interface DueAssessment {
  instrument: InstrumentId;
  /** Local midnight of the day it fell due; null when it was never answered. */
  dueSince: IsoTime | null;
  /** Whole calendar days since it fell due (0 on the due day, and when never answered). */
  overdueDays: number;
}

/** Validates a cadence a person edited: whole days 1-90 per known instrument. */
export function validateCadence(input: unknown): Result<Cadence> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: [{ field: '', code: 'wrongType' }] };
  }
  const errors: ValidationError[] = [];
  const cadence: Cadence = {};
  for (const [key, days] of Object.entries(input)) {
    if (days === undefined) continue;
    if (!(INSTRUMENTS as readonly string[]).includes(key)) { errors.push({ field: key, code: 'unknownValue' }); continue; }
    if (typeof days !== 'number' || !Number.isFinite(days)) errors.push({ field: key, code: 'wrongType' });
    else if (!Number.isInteger(days)) errors.push({ field: key, code: 'notInteger' });
    else if (days < CADENCE_LIMITS.min || days > CADENCE_LIMITS.max) errors.push({ field: key, code: 'outOfRange', params: { ...CADENCE_LIMITS } });
    else cadence[key as InstrumentId] = days;
  }
  return errors.length > 0 ? { ok: false, error: errors } : { ok: true, value: cadence };
}

function usableDays(days: unknown): days is number {
  return typeof days === 'number' && Number.isInteger(days) && days >= CADENCE_LIMITS.min && days <= CADENCE_LIMITS.max;
}

/**
 * Scheduled instruments that are due now, in INSTRUMENTS order. Due on the local calendar
 * day `cadence` days after the last answer (a weekly PEG done Monday evening is due next
 * Monday morning), never answered means due. A cadence value that fails validation falls
 * back to the default rather than silently hiding a check-in.
 */
export function dueAssessments(latest: Partial<Record<InstrumentId, IsoTime>>, now: Date, cadenceDays: Cadence = DEFAULT_CADENCE): DueAssessment[] {
  const due: DueAssessment[] = [];
  for (const instrument of INSTRUMENTS) {
    if (!Object.hasOwn(cadenceDays, instrument)) continue;
    const configured = cadenceDays[instrument];
    const fallback = DEFAULT_CADENCE[instrument];
    const days = usableDays(configured) ? configured : fallback;
    if (days === undefined) continue;
    const lastIso = latest[instrument];
    // An unreadable time counts as never answered: better one check-in too many than none.
    const lastMs = lastIso === undefined ? null : parseIsoTime(lastIso);
    if (lastMs === null) {
      due.push({ instrument, dueSince: null, overdueDays: 0 });
      continue;
    }
    const dueDay = addLocalDays(new Date(lastMs), days);
    const overdue = calendarDaysBetween(dueDay, now);
    if (overdue >= 0) due.push({ instrument, dueSince: dueDay.toISOString(), overdueDays: overdue });
  }
  return due;
}
