/**
 * The panel's data: every circle's summary row (one small row each, kept by
 * storage/circle-summary.ts), ranked by need with the domain's panelRow and sortPanel.
 * Components reach storage only through here.
 */
import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import { panelRow, sortPanelBy, type PanelInput, type PanelNeed, type PanelRow } from '../../../domain/circle/panel';
import type { CircleSummaryRow, SummaryScore } from '../../../storage/circle-rows';
import { circlesWithoutSummary, listPanel, refreshCircleSummary, watchPanel } from '../../../storage/circle-summary';
import { useAppData } from '../../app-data';
import { whenIdle } from './idle';

export interface PanelEntry {
  row: PanelRow;
  /** PEG scores for the sparkline, oldest first (the first is the baseline). */
  peg: readonly SummaryScore[];
  /** The summary row's updatedAt this entry was made from. */
  updatedAt: number;
}

export interface PanelData {
  /** Ranked entries; undefined while loading. */
  entries: Accessor<PanelEntry[] | undefined>;
  /** How many circles have each need. */
  tally: Accessor<Record<PanelNeed, number>>;
  failed: Accessor<boolean>;
  /** Summarise, in idle time, circles that have no summary row yet. */
  fillMissing: () => void;
}

/** What panelRow needs from a summary row. */
export function toPanelInput(s: CircleSummaryRow): PanelInput {
  return {
    circleId: s.circleId,
    patientName: s.patientName,
    openAlerts: s.openAlerts,
    peg: s.peg,
    phq9: s.phq9,
    adherence: s.adherence,
    lastDataAt: s.lastDataAt,
  };
}

/** The clinician's panel, live: a change to any summary row re-ranks it. Call inside a component. */
export function createPanel(): PanelData {
  const { db } = useAppData();
  const [failed, setFailed] = createSignal(false);
  const [summaries, setSummaries] = createSignal<CircleSummaryRow[]>();
  // The rows are read at once (a liveQuery would start its first read from a timer, behind
  // whatever the page queued before it) and again after every committed change to them: at
  // most one read in flight, and one more if a change came while it ran.
  let disposed = false;
  let reading = false;
  let again = false;
  const read = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    listPanel(db).then(
      (rows) => { if (!disposed) setSummaries(rows); },
      (e: unknown) => {
        console.error('reading the panel failed', e);
        setFailed(true);
      },
    ).finally(() => {
      reading = false;
      if (again && !disposed) read();
    });
  };
  // Listening before the first read starts, so that no change can fall between the two.
  const stop = watchPanel(db, read);
  onCleanup(() => {
    disposed = true;
    stop();
  });
  read();

  const entries = createMemo<PanelEntry[] | undefined>((previous) => {
    const list = summaries();
    if (!list) return undefined;
    const now = new Date();
    // A circle whose summary did not change keeps its entry object, so its row (keyed by
    // that object) stays in the DOM: one circle's update re-renders one row, not five hundred.
    const before = new Map<string, PanelEntry>();
    for (const e of previous ?? []) before.set(e.row.circleId, e);
    let changed = previous === undefined || previous.length !== list.length;
    const next: PanelEntry[] = [];
    for (const s of list) {
      const old = before.get(s.circleId);
      if (old && old.updatedAt === s.updatedAt) next.push(old);
      else {
        changed = true;
        // A summary row is a PanelInput as it is (toPanelInput would copy five hundred of them).
        next.push({ row: panelRow(s, now), peg: s.peg, updatedAt: s.updatedAt });
      }
    }
    // Nothing new (a write that left every row as it was): the same list, so nothing re-renders.
    if (!changed) return previous;
    return sortPanelBy(next, (e) => e.row);
  });
  const tally = createMemo(() => {
    const counts: Record<PanelNeed, number> = { urgent: 0, high: 0, 'low-alert': 0, worsening: 0, 'low-adherence': 0, ok: 0 };
    for (const e of entries() ?? []) counts[e.row.need] += 1;
    return counts;
  });
  return { entries, tally, failed: () => failed() && summaries() === undefined, fillMissing: () => fillMissing(db) };
}

/**
 * Circles without a summary row yet (joined since, or rows cleared) are summarised from their
 * documents in idle time, one at a time: each opens three documents, and the panel stays usable.
 */
function fillMissing(db: ReturnType<typeof useAppData>['db']): void {
  void circlesWithoutSummary(db).then((missing) => {
    const next = () => {
      const id = missing.shift();
      if (id === undefined) return;
      refreshCircleSummary(db, id)
        .catch((e: unknown) => console.error(`summary of circle ${id} failed`, e))
        .finally(() => whenIdle(next));
    };
    whenIdle(next);
  }, (e: unknown) => console.error('listing circles failed', e));
}
