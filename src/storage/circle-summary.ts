/**
 * The clinician panel's summary of one circle (a CircleSummaryRow), derived from what this
 * device holds of the circle: the journal's derived tables (scores, last data), the alerts
 * document (open alerts), the circle document (patient name, who the clinicians are) and the
 * plan (last week's adherence). The panel of 500 circles then reads 500 small rows and opens
 * no document at all. Yjs is imported only when a refresh has to open the documents itself,
 * so listPanel() keeps it out of the panel's code.
 */
import Dexie, { type ObservabilitySet } from 'dexie';
import { alertLevel, openAlerts, type Alert } from '../domain/circle/alerts';
import { planAdherence } from '../domain/care-plan/plan-adherence';
import { addLocalDays, mondayOf, toLocalDate } from '../domain/local-dates';
import type { AssessmentResponse, PracticeLog } from '../domain/records';
import { parseIsoTime } from '../domain/validate-fields';
import type { AlertsDoc, CircleDoc, PlanDoc } from './circle-docs';
import { CIRCLE_ROW_VERSION, type CircleSummaryRow, type SummaryScore } from './circle-rows';
import { docKeyOf, prefixRange, type PacelineDB, type RecordRow } from './db';
import { DERIVED_VERSION, currentScore, weekQueryRange } from './derived-rows';
import { getLatestScores, lastAt, listRecords } from './journal-queries';

/** Scores kept per instrument besides the first (the baseline): enough for a trend and a sparkline. */
export const SUMMARY_RECENT_SCORES = 6;
/** Assessment rows read per page while looking for the scores above. */
const PAGE = 50;

/** The documents a summary reads; the journal is read through its derived tables. */
export interface SummaryDocs {
  plan: PlanDoc;
  circle: CircleDoc;
  /** Null where the device's role does not read alerts. */
  alerts: AlertsDoc | null;
}

export interface RefreshOptions {
  /** Documents already open (the patient view's); otherwise they are opened read-only and closed. */
  docs?: SummaryDocs;
  now?: Date;
}

/** Recomputes and stores the panel summary of one circle; resolves to the stored row. */
export async function refreshCircleSummary(db: PacelineDB, circleId: string, options: RefreshOptions = {}): Promise<CircleSummaryRow> {
  const now = options.now ?? new Date();
  if (!options.docs) await ensureJournalDerived(db, circleId);
  const docs = options.docs ?? (await openSummaryDocs(db, circleId));
  try {
    const row = await summarise(db, circleId, docs, now);
    await db.circleSummaries.put(row);
    return row;
  } finally {
    if (!options.docs) await closeSummaryDocs(docs);
  }
}

/** Every circle's summary row, in no particular order (the panel ranks them). */
export function listPanel(db: PacelineDB): Promise<CircleSummaryRow[]> {
  return db.circleSummaries.toArray();
}

/**
 * Calls `onChange` after every committed write to the summary rows, in this tab or another.
 * Dexie's 'storagemutated' is the event its liveQuery rests on; the panel listens to it
 * directly so that it can read its 500 rows at once, outside liveQuery, whose cache
 * deep-copies every result. Returns stop().
 */
export function watchPanel(db: PacelineDB, onChange: () => void): () => void {
  const prefix = `idb://${db.name}/${db.circleSummaries.name}/`;
  const listener = (parts: ObservabilitySet) => {
    for (const part in parts) {
      if (part.startsWith(prefix)) {
        onChange();
        return;
      }
    }
  };
  Dexie.on('storagemutated', listener);
  return () => Dexie.on('storagemutated').unsubscribe(listener);
}

/** Circles this device is a clinician of that have no summary row yet (just joined, or the rows were cleared). */
export async function circlesWithoutSummary(db: PacelineDB): Promise<string[]> {
  const [circles, summarised] = await Promise.all([db.circles.toArray(), db.circleSummaries.toCollection().primaryKeys()]);
  const have = new Set<string>(summarised);
  return circles.filter((c) => c.role === 'clinician' && !have.has(c.circleId)).map((c) => c.circleId);
}

/**
 * Keeps a circle's summary fresh while its documents are open (the patient view): every
 * committed change, local or received, refreshes it after `delayMs` of quiet. Returns stop().
 */
export function watchCircleSummary(
  db: PacelineDB,
  circleId: string,
  docs: SummaryDocs,
  journal: { onChange(listener: () => void): () => void } | null,
  options: { delayMs?: number; onError?: (e: unknown) => void } = {},
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      refreshCircleSummary(db, circleId, { docs }).catch((e: unknown) => options.onError?.(e));
    }, options.delayMs ?? 300);
  };
  const stops = [docs.plan.onChange(schedule), docs.circle.onChange(schedule), docs.alerts?.onChange(schedule), journal?.onChange(schedule)];
  return () => {
    clearTimeout(timer);
    for (const stop of stops) stop?.();
  };
}

/** The members the alerts document trusts to acknowledge: every clinician ever added (removed ones too). */
export function clinicianRefs(circle: CircleDoc): Set<string> {
  return new Set(circle.all('member').filter((m) => m.role === 'clinician').map((m) => m.id));
}

/** The patient's name as the circle document has it (the earliest patient member not removed); '' when none. */
export function patientNameOf(circle: CircleDoc): string {
  const patients = circle.all('member')
    .filter((m) => m.role === 'patient' && m.removedAt === undefined)
    .sort((a, b) => (a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : 0));
  return patients[0]?.name ?? '';
}

/** The local Monday of the last full week before `now`. */
export function lastFullWeek(now: Date): string {
  return toLocalDate(addLocalDays(mondayOf(now), -7));
}

async function summarise(db: PacelineDB, circleId: string, docs: SummaryDocs, now: Date): Promise<CircleSummaryRow> {
  const week = lastFullWeek(now);
  // Widened by a day each side; planAdherence keeps the logs of the exact local week.
  const [from, to] = weekQueryRange(week);
  const [latest, lastDiary, lastPractice, weekLogs, label] = await Promise.all([
    getLatestScores(db, circleId),
    lastAt(db, circleId, 'diary'),
    lastAt(db, circleId, 'practice'),
    listRecords(db, circleId, 'practice', { from, to }),
    db.circles.get(circleId).then((c) => c?.label ?? ''),
  ]);
  // latestScores says which instruments have any live score at all, so the search below
  // never walks years of check-ins looking for a PHQ-9 that was never done.
  const wanted = latest.map((l) => l.instrument).filter((i): i is 'peg' | 'phq9' => i === 'peg' || i === 'phq9');
  const series = await scoreSeries(db, circleId, wanted);
  const items = docs.plan.all('plan-item');
  const adherence = items.length === 0 ? null : planAdherence(items, weekLogs as PracticeLog[], week).overall;
  const open = docs.alerts === null ? [] : openAlerts(docs.alerts.all('alert'), docs.alerts.all('alert-ack'), clinicianRefs(docs.circle));
  return {
    circleId,
    patientName: patientNameOf(docs.circle) || label,
    peg: series.peg,
    pegBaseline: series.peg[0] ?? null,
    phq9: series.phq9,
    adherence,
    adherenceWeek: week,
    lastDataAt: newest([lastDiary, lastPractice, ...latest.map((l) => l.at)]),
    openAlerts: sortAlerts(open),
    updatedAt: now.getTime(),
    schemaVersion: CIRCLE_ROW_VERSION,
  };
}

const LEVEL_ORDER = { urgent: 0, high: 1, low: 2 } as const;

/** Most pressing first, then newest first. */
function sortAlerts(alerts: Alert[]): Alert[] {
  return [...alerts].sort((a, b) => LEVEL_ORDER[alertLevel(a)] - LEVEL_ORDER[alertLevel(b)]
    || (b.raisedAt < a.raisedAt ? -1 : b.raisedAt > a.raisedAt ? 1 : 0)
    || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function newest(times: Array<string | undefined>): string | null {
  let best: string | null = null;
  let bestMs = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    const ms = t === undefined ? null : parseIsoTime(t);
    if (ms !== null && ms > bestMs) { best = t!; bestMs = ms; }
  }
  return best;
}

type Series = Record<'peg' | 'phq9', SummaryScore[]>;

/**
 * The first and the last few live scores of each wanted instrument, oldest first. Reads
 * check-ins newest first a page at a time until it has the last few of each, then oldest
 * first until it has each one's first: a handful of pages, however long the journal.
 */
async function scoreSeries(db: PacelineDB, circleId: string, wanted: readonly ('peg' | 'phq9')[]): Promise<Series> {
  const recent: Record<'peg' | 'phq9', SummaryScore[]> = { peg: [], phq9: [] };
  const first: Partial<Record<'peg' | 'phq9', SummaryScore & { id: string }>> = {};
  const recentIds = new Set<string>();
  if (wanted.length === 0) return recent;

  let exhausted = false;
  for (let page = 0; ; page++) {
    const rows = await assessmentPage(db, circleId, page, true);
    for (const r of rows) {
      const a = liveScore(r, wanted);
      if (!a) continue;
      // Newest first: the last one seen is the oldest so far (the first, once all are read).
      first[a.instrument] = { ...a.point, id: r.id };
      if (recent[a.instrument].length >= SUMMARY_RECENT_SCORES) continue;
      recent[a.instrument].push(a.point);
      recentIds.add(r.id);
    }
    if (rows.length < PAGE) { exhausted = true; break; }
    if (wanted.every((i) => recent[i].length >= SUMMARY_RECENT_SCORES)) break;
  }
  if (!exhausted) {
    for (const i of wanted) delete first[i];
    for (let page = 0; wanted.some((i) => first[i] === undefined); page++) {
      const rows = await assessmentPage(db, circleId, page, false);
      for (const r of rows) {
        const a = liveScore(r, wanted);
        if (a && first[a.instrument] === undefined) first[a.instrument] = { ...a.point, id: r.id };
      }
      if (rows.length < PAGE) break;
    }
  }
  const out: Series = { peg: [], phq9: [] };
  for (const i of wanted) {
    const oldestFirst = recent[i].reverse();
    const f = first[i];
    out[i] = f && !recentIds.has(f.id) ? [{ at: f.at, score: f.score }, ...oldestFirst] : oldestFirst;
  }
  return out;
}

/** One page of a circle's check-in rows (deleted ones included), newest or oldest first. */
function assessmentPage(db: PacelineDB, circleId: string, page: number, newestFirst: boolean): Promise<RecordRow[]> {
  let coll = db.records.where('[circleId+kind+at]').between(...prefixRange(circleId, 'assessment'));
  if (newestFirst) coll = coll.reverse();
  // Offsets rather than time bounds: several check-ins can share one `at`.
  return coll.offset(page * PAGE).limit(PAGE).toArray();
}

function liveScore(row: RecordRow, wanted: readonly ('peg' | 'phq9')[]): { instrument: 'peg' | 'phq9'; point: SummaryScore } | null {
  if (row.deleted !== 0 || row.record.kind !== 'assessment') return null;
  const response = row.record as AssessmentResponse;
  const instrument = response.instrument;
  if (instrument !== 'peg' && instrument !== 'phq9') return null;
  if (!wanted.includes(instrument)) return null;
  return { instrument, point: { at: response.at, score: currentScore(response) } };
}

/**
 * The journal's derived tables are what a summary reads. A journal whose tables were written
 * by other derivation code, or by nobody yet, is opened once: opening rebuilds them. A circle
 * with no journal on this device is left alone (opening would create one).
 */
async function ensureJournalDerived(db: PacelineDB, circleId: string): Promise<void> {
  const meta = await db.docMeta.get(docKeyOf(circleId, 'journal'));
  if (meta?.derivedVersion === DERIVED_VERSION || !(await hasJournal(db, circleId))) return;
  const { openJournalStore } = await import('./journal-store');
  await (await openJournalStore(db, circleId)).close();
}

/**
 * Whether this device holds any of a circle's journal. Opening a journal that is not there
 * creates it (its first update sets the schema version), which a clinician's device must not
 * write into a patient's journal just by looking.
 */
export async function hasJournal(db: PacelineDB, circleId: string): Promise<boolean> {
  return (await db.docUpdates.where('docKey').equals(docKeyOf(circleId, 'journal')).limit(1).count()) > 0;
}

/** Opens a circle's plan, circle and alerts documents to read them: no migration is written. */
async function openSummaryDocs(db: PacelineDB, circleId: string): Promise<SummaryDocs> {
  const [{ openRecordDoc }, { ALERTS_SPEC, CIRCLE_SPEC, PLAN_SPEC }] = await Promise.all([import('./record-doc'), import('./circle-docs')]);
  const [plan, circle, alerts] = await Promise.all([
    openRecordDoc(db, circleId, 'plan', PLAN_SPEC, { migrate: false }),
    openRecordDoc(db, circleId, 'circle', CIRCLE_SPEC, { migrate: false }),
    openRecordDoc(db, circleId, 'alerts', ALERTS_SPEC, { migrate: false }),
  ]);
  return { plan, circle, alerts };
}

async function closeSummaryDocs(docs: SummaryDocs): Promise<void> {
  await Promise.all([docs.plan.close(), docs.circle.close(), docs.alerts?.close()]);
}
