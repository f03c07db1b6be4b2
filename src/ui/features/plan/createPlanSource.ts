/**
 * The plan document of a circle as Solid signals: opened lazily (it brings Yjs), read again on
 * every committed change (this tab's, another tab's, one received from another device), with
 * the circle's member names and this device's key for "who changed it".
 */
import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import { localMidnight, mondayOf, toLocalDate, type LocalDate, type MemberRef, type PracticeLog } from '../../../domain';
import type { CircleDocs, PlanDoc } from '../../../storage/circle-docs';
import { prefixRange } from '../../../storage/db';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';
import { readSnapshot, type PlanSnapshot } from './plan-model';

export interface PlanSource {
  circleId: string;
  plan: Accessor<PlanDoc | undefined>;
  snapshot: Accessor<PlanSnapshot | undefined>;
  /** Display names of the circle's members, by device key. */
  names: Accessor<ReadonlyMap<MemberRef, string>>;
  me: Accessor<MemberRef | undefined>;
  failed: Accessor<boolean>;
}

/** Opens a circle's plan and keeps its snapshot current. Call inside a component. */
export function createPlanSource(circleId: string): PlanSource {
  const app = useAppData();
  const [docs, setDocs] = createSignal<CircleDocs>();
  const [me, setMe] = createSignal<MemberRef>();
  const [failed, setFailed] = createSignal(false);
  const [version, setVersion] = createSignal(0);
  const bump = () => setVersion((v) => v + 1);
  let stopped = false;
  const unsubscribe: (() => void)[] = [];
  onCleanup(() => {
    stopped = true;
    for (const off of unsubscribe) off();
  });

  app.circleDocs(circleId).then((d) => {
    if (stopped) return;
    unsubscribe.push(d.plan.onChange(bump), d.circle.onChange(bump));
    setDocs(d);
  }, (e: unknown) => {
    console.error('care plan failed to open', e);
    setFailed(true);
  });
  app.me().then((key) => { if (!stopped) setMe(key); }, (e: unknown) => {
    // Reading still works; writes are refused until the device key is known.
    console.error('device key unavailable', e);
  });

  const snapshot = createMemo(() => {
    version();
    const d = docs();
    return d ? readSnapshot(d.plan) : undefined;
  });
  const names = createMemo(() => {
    version();
    const map = new Map<MemberRef, string>();
    for (const r of docs()?.circle.all('member') ?? []) if (r.kind === 'member') map.set(r.id, r.name);
    return map;
  });
  return { circleId, plan: () => docs()?.plan, snapshot, names, me, failed };
}

/** Today's local date, moving on past midnight while a screen stays open. */
export function createToday(): Accessor<LocalDate> {
  const [today, setToday] = createSignal(toLocalDate(new Date()));
  const timer = setInterval(() => setToday(toLocalDate(new Date())), 60_000);
  onCleanup(() => clearInterval(timer));
  return today;
}

/** This week's practice logs of a circle (from the journal's query tables: no Yjs), live. */
export function createWeekLogs(circleId: string, today: Accessor<LocalDate>): { logs: Accessor<PracticeLog[] | undefined>; weekStart: Accessor<LocalDate> } {
  const { db } = useAppData();
  const weekStart = createMemo(() => toLocalDate(mondayOf(localMidnight(today()) ?? new Date())));
  const logs = createLiveQuery(async () => {
    const from = (localMidnight(toLocalDate(mondayOf(new Date()))) ?? new Date()).toISOString();
    // The range query of journal-queries' listRecords, written out: importing that module here made
    // the bundler split it out of the landing chunk, and the landing page paid for the extra chunk.
    const rows = await db.records.where('[circleId+kind+at]').between([circleId, 'practice', from], prefixRange(circleId, 'practice')[1]).toArray();
    return rows.filter((r) => r.deleted === 0).map((r) => r.record as PracticeLog);
  });
  return { logs, weekStart };
}
