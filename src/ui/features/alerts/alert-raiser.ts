/**
 * Red flags raised on the patient's own device (DESIGN.md "Clinical safety"): after each
 * change to the journal, every rule runs over it and flags meant for clinicians become
 * alerts in the circle's alerts document, offline too; they reach the care team with the
 * next sync. An alert's id is its flag key, so the same flag raised on two devices is one
 * alert. Only recent data raises alerts: a patient joining with years of history does not
 * flood the team with flags the past already dealt with.
 */
import { evaluateRedFlags, type AssessmentResponse, type TimedRecord } from '../../../domain';
import { alertsFromFlags, type Alert } from '../../../domain/circle';
import type { AlertsDoc } from '../../../storage/circle-docs';
import type { PacelineDB } from '../../../storage/db';
import type { JournalStore } from '../../../storage/journal-store';

/** Data older than this raises no new alerts (it still serves as baseline and history). */
export const ALERT_LOOKBACK_DAYS = 14;
const DEBOUNCE_MS = 1500;

/**
 * The newest entry of a kind that counts for the no-data rule (not deleted, not in the
 * future), read from the derived table: the rule needs only that one, and reading five
 * years of entries from the document after every save would slow the next save down.
 */
async function latest(db: PacelineDB, circleId: string, kind: 'diary' | 'practice', now: Date): Promise<TimedRecord[]> {
  const row = await db.records.where('[circleId+kind+at]').between([circleId, kind, ''], [circleId, kind, now.toISOString()], true, true).reverse().filter((r) => r.deleted === 0).first();
  return row ? [{ id: row.id, at: row.at }] : [];
}

/** Runs the rules once and stores new alerts; returns how many were raised. */
export async function raiseAlerts(journal: JournalStore, alerts: AlertsDoc, me: string, now: Date = new Date(), db?: PacelineDB): Promise<number> {
  if (alerts.readOnly) return 0;
  const [diary, practice] = db ? await Promise.all([latest(db, journal.circleId, 'diary', now), latest(db, journal.circleId, 'practice', now)]) : [journal.all('diary'), journal.all('practice')];
  const flags = evaluateRedFlags({
    assessments: journal.all('assessment') as AssessmentResponse[],
    diary,
    practice,
    now,
    since: new Date(now.getTime() - ALERT_LOOKBACK_DAYS * 24 * 3600 * 1000),
  });
  const fresh = alertsFromFlags(flags, alerts.all('alert', { includeDeleted: true }) as Alert[], me, now);
  let raised = 0;
  for (const alert of fresh) if ((await alerts.put(alert)).ok) raised++;
  return raised;
}

/** Watches the journal and raises alerts after each change (debounced, when the device is idle); returns a stop function. */
export function watchForAlerts(journal: JournalStore, alerts: AlertsDoc, me: string, db?: PacelineDB): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = Promise.resolve();
  const run = () => {
    running = running.then(() => raiseAlerts(journal, alerts, me, new Date(), db)).then(() => undefined, (e: unknown) => console.error('raising alerts failed', e));
  };
  const whenIdle = () => ('requestIdleCallback' in globalThis ? requestIdleCallback(run, { timeout: 3000 }) : run());
  const unsubscribe = journal.onChange(() => {
    clearTimeout(timer);
    timer = setTimeout(whenIdle, DEBOUNCE_MS);
  });
  run();
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
