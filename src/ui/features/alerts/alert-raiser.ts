/**
 * Red flags raised on the patient's own device (DESIGN.md "Clinical safety"): after each
 * change to the journal, every rule runs over it and flags meant for clinicians become
 * alerts in the circle's alerts document, offline too; they reach the care team with the
 * next sync. An alert's id is its flag key, so the same flag raised on two devices is one
 * alert. Only recent data raises alerts: a patient joining with years of history does not
 * flood the team with flags the past already dealt with.
 */
import { evaluateRedFlags, type AssessmentResponse, type DiaryEntry, type PracticeLog } from '../../../domain';
import { alertsFromFlags, type Alert } from '../../../domain/circle';
import type { AlertsDoc } from '../../../storage/circle-docs';
import type { JournalStore } from '../../../storage/journal-store';

/** Data older than this raises no new alerts (it still serves as baseline and history). */
export const ALERT_LOOKBACK_DAYS = 14;
const DEBOUNCE_MS = 800;

/** Runs the rules once and stores new alerts; returns how many were raised. */
export async function raiseAlerts(journal: JournalStore, alerts: AlertsDoc, me: string, now: Date = new Date()): Promise<number> {
  if (alerts.readOnly) return 0;
  const flags = evaluateRedFlags({
    assessments: journal.all('assessment') as AssessmentResponse[],
    diary: journal.all('diary') as DiaryEntry[],
    practice: journal.all('practice') as PracticeLog[],
    now,
    since: new Date(now.getTime() - ALERT_LOOKBACK_DAYS * 24 * 3600 * 1000),
  });
  const fresh = alertsFromFlags(flags, alerts.all('alert', { includeDeleted: true }) as Alert[], me, now);
  let raised = 0;
  for (const alert of fresh) if ((await alerts.put(alert)).ok) raised++;
  return raised;
}

/** Watches the journal and raises alerts after each change (debounced); returns a stop function. */
export function watchForAlerts(journal: JournalStore, alerts: AlertsDoc, me: string): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = Promise.resolve();
  const run = () => {
    running = running.then(() => raiseAlerts(journal, alerts, me)).then(() => undefined, (e: unknown) => console.error('raising alerts failed', e));
  };
  const unsubscribe = journal.onChange(() => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  run();
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
