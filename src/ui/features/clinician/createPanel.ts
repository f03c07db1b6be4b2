/**
 * The panel's data: every circle's summary row (one small row each, kept by
 * storage/circle-summary.ts), ranked by need with the domain's panelRow and sortPanel.
 * Components reach storage only through here.
 */
import { createMemo, createSignal, type Accessor } from 'solid-js';
import { panelRow, sortPanel, type PanelInput, type PanelNeed, type PanelRow } from '../../../domain/circle/panel';
import type { CircleSummaryRow } from '../../../storage/circle-rows';
import { circlesWithoutSummary, listPanel, refreshCircleSummary } from '../../../storage/circle-summary';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';
import { whenIdle } from './idle';

export interface PanelEntry {
  row: PanelRow;
  /** PEG scores for the sparkline, oldest first (the first is the baseline). */
  pegScores: number[];
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
  const summaries = createLiveQuery(() => listPanel(db), () => setFailed(true));
  const entries = createMemo<PanelEntry[] | undefined>((previous) => {
    const list = summaries();
    if (!list) return undefined;
    const now = new Date();
    // A circle whose summary did not change keeps its entry object, so its row (keyed by
    // that object) stays in the DOM: one circle's update re-renders one row, not five hundred.
    const before = new Map(previous?.map((e) => [e.row.circleId, e]));
    const byId = new Map<string, PanelEntry>();
    for (const s of list) {
      const old = before.get(s.circleId);
      byId.set(s.circleId, old && old.updatedAt === s.updatedAt
        ? old
        : { row: panelRow(toPanelInput(s), now), pegScores: s.peg.map((p) => p.score), updatedAt: s.updatedAt });
    }
    return sortPanel([...byId.values()].map((e) => e.row)).map((row) => byId.get(row.circleId)!);
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
