/** Which check-ins are due: the latest answers from storage against the cadence setting. */
import type { PacelineDB, LatestScoreRow } from './db';
import { getLatestScores } from './journal-queries';
import { getSetting, type Settings } from './profile';
import { dueAssessments, type DueAssessment } from '../domain/schedule';
import { addLocalDays } from '../domain/local-dates';
import type { InstrumentId } from '../domain/records';

export interface CheckinSchedule {
  scores: LatestScoreRow[];
  cadence: Settings['cadence'];
  due: DueAssessment[];
  /** When a scheduled, answered, not-yet-due instrument is next due; null otherwise. */
  nextDue: (instrument: InstrumentId) => Date | null;
  /** Days between answers for scheduled instruments; null for unscheduled ones (PHQ-2, GAD-2). */
  everyDays: (instrument: InstrumentId) => number | null;
}

/** Reads the check-in schedule as of `now` (Today and Check-ins both show it). */
export async function readCheckinSchedule(db: PacelineDB, circleId: string, now: Date = new Date()): Promise<CheckinSchedule> {
  const [scores, cadence] = await Promise.all([getLatestScores(db, circleId), getSetting(db, 'cadence')]);
  const latest: Partial<Record<InstrumentId, string>> = {};
  for (const row of scores) latest[row.instrument] = row.at;
  const due = dueAssessments(latest, now, cadence);
  const everyDays = (instrument: InstrumentId): number | null =>
    Object.hasOwn(cadence, instrument) ? (cadence as Partial<Record<InstrumentId, number>>)[instrument] ?? null : null;
  return {
    scores, cadence, due, everyDays,
    nextDue: (instrument) => {
      const last = latest[instrument];
      const days = everyDays(instrument);
      if (last === undefined || days === null || due.some((d) => d.instrument === instrument)) return null;
      return addLocalDays(new Date(last), days);
    },
  };
}
