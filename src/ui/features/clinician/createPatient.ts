/**
 * One patient's view for a clinician: the circle's summary row, its documents (alerts, plan,
 * members) kept live, chart data from the journal's derived tables, and acknowledging an
 * alert. Components reach storage only through here.
 */
import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import { alertLevel, alertStatus, createAcknowledgement, type Acknowledgement, type Alert } from '../../../domain/circle/alerts';
import { goalProgress, planAdherence, type Goal, type GoalProgress, type PlanItem, type PlanItemAdherence, type SteppedCare } from '../../../domain/care-plan/index';
import { localMidnight, toLocalDate } from '../../../domain/local-dates';
import { parseIsoTime } from '../../../domain/validate-fields';
import type { RedFlagLevel } from '../../../domain/red-flags';
import type { AssessmentResponse, PracticeLog, Result } from '../../../domain/records';
import type { CircleDocs } from '../../../storage/circle-docs';
import type { CircleSummaryRow } from '../../../storage/circle-rows';
import { clinicianRefs, hasJournal, lastFullWeek, refreshCircleSummary, watchCircleSummary } from '../../../storage/circle-summary';
import { weekQueryRange } from '../../../storage/derived-rows';
import { listRecords, listWeeks } from '../../../storage/journal-queries';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';
import type { ChartData } from '../history/createHistory';
import { rangeBounds } from '../history/history-range';

export interface AlertItem {
  alert: Alert;
  level: RedFlagLevel;
  /** Counted acknowledgements (clinicians' only), oldest first; empty while open. */
  acks: Acknowledgement[];
}

export interface AlertsView {
  /** Null where this device does not read alerts. */
  readable: boolean;
  open: AlertItem[];
  acknowledged: AlertItem[];
  /** Whether this device may acknowledge: a clinician member of the circle, on a document it understands. */
  canAcknowledge: boolean;
  readOnly: boolean;
}

export interface PlanView {
  empty: boolean;
  stepped: SteppedCare | undefined;
  goals: Array<{ goal: Goal; progress: GoalProgress }>;
  items: Array<{ item: PlanItem; adherence: PlanItemAdherence | undefined }>;
  overall: number | null;
}

export type AckError = 'note-required' | 'invalid' | 'read-only' | 'not-member' | 'failed';

const LEVEL_ORDER: Record<RedFlagLevel, number> = { urgent: 0, high: 1, low: 2 };

/** A patient's view, for the circle in the route. Call inside a component. */
export function createPatient(circleId: Accessor<string>) {
  const app = useAppData();
  const { db } = app;
  const [failed, setFailed] = createSignal(false);
  const onError = (e: unknown) => {
    console.error('patient view failed', e);
    setFailed(true);
  };

  const summaryFailed = (e: unknown) => console.error('the panel summary could not be refreshed', e);

  /** Whether this device holds the circle at all (a row for it, or its summary). */
  const known = createLiveQuery(async () => {
    const id = circleId();
    const [row, summary] = await Promise.all([db.circles.get(id), db.circleSummaries.get(id)]);
    return { row, summary };
  }, onError);
  const summary = (): CircleSummaryRow | undefined => known()?.summary;
  /** The patient's name: the summary's (from the circle document), else the circle row's label. */
  const name = (): string => known()?.summary?.patientName || known()?.row?.label || '';
  const exists = () => {
    const k = known();
    return k === undefined ? undefined : k.row !== undefined || k.summary !== undefined;
  };

  // The documents, opened once per circle by AppData; a counter re-reads them on every change.
  const [docs, setDocs] = createSignal<CircleDocs>();
  const [version, setVersion] = createSignal(0);
  const [me, setMe] = createSignal<string>();
  let started = false;
  /** Opens the circle's documents and journal; call once the circle is known to be here. */
  function start(): void {
    if (started) return;
    started = true;
    const id = circleId();
    void app.me().then(setMe, onError);
    // The journal is opened (which brings its derived tables up to date) only if this device
    // has it: opening creates a missing one. The charts read the derived tables either way.
    const journalIfAny = hasJournal(db, id).then((has) => (has ? app.journalOf(id) : null));
    Promise.all([app.circleDocs(id), journalIfAny]).then(([d, journal]) => {
      const bump = () => setVersion((n) => n + 1);
      const stops = [d.plan.onChange(bump), d.circle.onChange(bump), d.alerts?.onChange(bump)];
      onCleanupLater(() => stops.forEach((s) => s?.()));
      setDocs(d);
      // The summary the panel shows is brought up to date, and kept so while this view is open
      // (a failure there leaves the panel's row older, not this view broken).
      void refreshCircleSummary(db, id, { docs: d }).catch(summaryFailed);
      onCleanupLater(watchCircleSummary(db, id, d, journal, { onError: summaryFailed }));
    }, onError);
  }
  const cleanups: Array<() => void> = [];
  let disposed = false;
  const onCleanupLater = (fn: () => void) => (disposed ? fn() : cleanups.push(fn));
  onCleanup(() => {
    disposed = true;
    cleanups.splice(0).forEach((fn) => fn());
  });

  const members = createMemo(() => {
    version();
    const d = docs();
    return new Map((d?.circle.all('member') ?? []).map((m) => [m.id, m.name]));
  });

  const alerts = createMemo<AlertsView | undefined>(() => {
    version();
    const d = docs();
    if (!d) return undefined;
    if (!d.alerts) return { readable: false, open: [], acknowledged: [], canAcknowledge: false, readOnly: false };
    const clinicians = clinicianRefs(d.circle);
    const acks = d.alerts.all('alert-ack');
    const items = d.alerts.all('alert').map((alert): AlertItem => {
      const status = alertStatus(alert, acks, clinicians);
      return { alert, level: alertLevel(alert), acks: status.state === 'acknowledged' ? status.acks : [] };
    });
    const open = items.filter((i) => i.acks.length === 0)
      .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || compareDesc(a.alert.raisedAt, b.alert.raisedAt));
    const acknowledged = items.filter((i) => i.acks.length > 0)
      .sort((a, b) => compareDesc(a.acks[0]!.at, b.acks[0]!.at));
    const mine = me();
    return {
      readable: true, open, acknowledged, readOnly: d.alerts.readOnly,
      canAcknowledge: !d.alerts.readOnly && mine !== undefined && clinicians.has(mine),
    };
  });

  // Last full week's practice logs, for the plan items' adherence (the panel's week too).
  const week = lastFullWeek(new Date());
  const weekLogs = createLiveQuery(async () => {
    const [from, to] = weekQueryRange(week);
    return (await listRecords(db, circleId(), 'practice', { from, to })) as PracticeLog[];
  }, onError);

  const plan = createMemo<PlanView | undefined>(() => {
    version();
    const d = docs();
    const logs = weekLogs();
    if (!d || !logs) return undefined;
    const today = toLocalDate(new Date());
    const ratings = d.plan.all('goal-rating');
    const goals = d.plan.all('goal').map((goal) => ({ goal, progress: goalProgress(goal, ratings, today) }));
    const allItems = d.plan.all('plan-item');
    const adherence = planAdherence(allItems, logs, week);
    const byItem = new Map(adherence.items.map((a) => [a.itemId, a]));
    const items = allItems.filter((i) => i.archivedAt === undefined).map((item) => ({ item, adherence: byItem.get(item.id) }));
    const stepped = d.plan.get('stepped-care', 'stepped-care') as SteppedCare | undefined;
    const live = stepped && stepped.deletedAt === undefined ? stepped : undefined;
    return { empty: goals.length === 0 && items.length === 0 && !live, stepped: live, goals, items, overall: adherence.overall };
  });

  // A year of weekly pain and every check-in of that year: about 52 week rows and 80 check-ins.
  const range = rangeBounds('year1');
  const charts = createLiveQuery(async (): Promise<ChartData> => {
    const id = circleId();
    const [weeks, assessments, row] = await Promise.all([
      listWeeks(db, id, range.fromWeek),
      listRecords(db, id, 'assessment', { from: range.from }) as Promise<AssessmentResponse[]>,
      db.circleSummaries.get(id),
    ]);
    const firstPeg = assessments.find((a) => a.instrument === 'peg');
    // The three charts share one time axis, from the first data of the year (not a year of
    // empty axis for someone who started last month) to today.
    const starts = [weeks[0] && localMidnight(weeks[0].week)?.getTime(), parseIsoTime(assessments[0]?.at)]
      .filter((ms): ms is number => typeof ms === 'number');
    // Three days of room before the first point, so that it is drawn whole.
    const from = starts.length > 0 ? new Date(Math.max(Math.min(...starts) - 3 * 86_400_000, Date.parse(range.from!))).toISOString() : range.from;
    return { range: { ...range, from }, grain: 'week', diary: [], weeks, assessments, pegBaseline: row?.pegBaseline?.score ?? firstPeg?.score };
  }, onError);

  /** Acknowledges an alert as this device, now, with a note; resolves once it is committed. */
  async function acknowledge(alertId: string, note: string): Promise<Result<Acknowledgement, AckError>> {
    const d = docs();
    const view = alerts();
    if (note.trim() === '') return { ok: false, error: 'note-required' };
    if (!d?.alerts || !view) return { ok: false, error: 'failed' };
    if (view.readOnly) return { ok: false, error: 'read-only' };
    if (!view.canAcknowledge) return { ok: false, error: 'not-member' };
    try {
      const ack = createAcknowledgement(alertId, note, await app.me(), new Date());
      if (!ack.ok) return { ok: false, error: 'invalid' };
      const written = await d.alerts.put(ack.value);
      if (!written.ok) return { ok: false, error: written.error.code === 'read-only' ? 'read-only' : 'failed' };
      void refreshCircleSummary(db, circleId(), { docs: d }).catch(summaryFailed);
      return { ok: true, value: ack.value };
    } catch (e) {
      console.error('acknowledge failed', e);
      return { ok: false, error: 'failed' };
    }
  }

  return { known: exists, summary, name, start, docs, members, me, alerts, plan, charts, acknowledge, failed };
}

export type PatientData = ReturnType<typeof createPatient>;

function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
