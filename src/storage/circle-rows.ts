/**
 * Local-only rows about care circles (schema v3). They never sync: each device keeps which
 * circles it belongs to, which messages it has read, and (for a clinician) one summary per
 * circle derived from that circle's documents for the panel.
 */

import type { Alert } from '../domain/circle/alerts';

export const CIRCLE_ROW_VERSION = 1;

export type CircleRole = 'patient' | 'caregiver' | 'clinician';

/** A circle this device belongs to. A patient's device has one; a clinician's may have hundreds. */
export interface CircleRow {
  circleId: string;
  /** This device's role in the circle. */
  role: CircleRole;
  /** How the circle is shown in lists: the patient's name as the circle document has it. */
  label: string;
  /** Epoch ms when this device joined or created it. */
  joinedAt: number;
  schemaVersion: number;
}

/** The newest message this device has shown of a thread. */
export interface ReadMarkRow {
  circleId: string;
  threadId: string;
  /** ISO time of the newest message seen. */
  lastReadAt: string;
}

/** A score point for the panel's trend. */
export interface SummaryScore {
  at: string;
  score: number;
}

/**
 * What the clinician's panel shows of one circle, derived from its journal and alerts
 * documents whenever they change, so the panel of 500 circles reads 500 small rows.
 */
export interface CircleSummaryRow {
  circleId: string;
  patientName: string;
  /** First and latest PEG (baseline and current), oldest first; at most the last few. */
  peg: SummaryScore[];
  pegBaseline: SummaryScore | null;
  /** First and latest PHQ-9 totals (the first is the baseline), oldest first; at most the last few. */
  phq9: SummaryScore[];
  /** Overall adherence of the last full week, 0..1, or null when nothing was prescribed. */
  adherence: number | null;
  /** The local Monday ('YYYY-MM-DD') of the week `adherence` covers. */
  adherenceWeek: string;
  /** Newest diary entry, practice log or check-in. */
  lastDataAt: string | null;
  /** Open (unacknowledged) alerts for clinicians, most pressing first, as the alerts document has them. */
  openAlerts: Alert[];
  updatedAt: number;
  schemaVersion: number;
}
