/**
 * The Dexie database: Yjs update logs (the source of truth), tables derived from them
 * (rebuildable at any time), and local-only tables that never sync.
 */
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { InstrumentId, JournalRecord, RecordKind } from '../domain/records';
import type { CircleRole, CircleRow, CircleSummaryRow, ReadMarkRow } from './circle-rows';
import type { DeviceKeyRow, DocKeyRow, InviteClaimRow, MembershipRow, OutboxRow, OwnerKeyRow, PendingRow, SyncDocRow } from './sync-rows';

/** One Yjs update of one document. The log for a docKey, in seq order, is the document. */
export interface DocUpdateRow {
  seq: number;
  /** `${circleId}/${docName}`. */
  docKey: string;
  update: Uint8Array;
  /** Epoch ms when committed on this device. */
  at: number;
}

export type DocName = 'journal' | 'plan' | 'circle' | 'messages' | 'alerts';

/** Bookkeeping per document. */
export interface DocMetaRow {
  docKey: string;
  circleId: string;
  docName: DocName;
  /** Rows in the log when last counted (creation, compaction); an open document counts its rows in memory. */
  updateCount: number;
  compactedAt?: number;
  /** Version of the document's structure (mirrors the doc's meta.schemaVersion). */
  schemaVersion: number;
  /**
   * Version of the derivation code that last wrote this doc's derived rows; when the app's
   * derivation changes, a mismatch triggers a rebuild from the document on open.
   */
  derivedVersion?: number;
}

/** One journal record as a query row. Deleted records stay (deleted = 1) so undo works. */
export interface RecordRow {
  id: string;
  circleId: string;
  kind: RecordKind;
  at: string;
  deleted: 0 | 1;
  record: JournalRecord;
}

/** Weekly sums for charts: five years of History reads ~260 rows instead of ~6,000. */
export interface WeekRow {
  circleId: string;
  /** Local Monday, 'YYYY-MM-DD' (domain weekStart). */
  week: string;
  painSum: number;
  painN: number;
  /** Diary sleepQuality (0-10), not sleepHours: same scale as the other series. */
  sleepSum: number;
  sleepN: number;
  moodSum: number;
  moodN: number;
  fatigueSum: number;
  fatigueN: number;
  /** Practice logs with status 'done'. */
  practiceDone: number;
  /** All practice logs (done, partly, skipped). */
  practiceLogged: number;
}

/** The newest non-deleted score per instrument, for the landing screen and red flags. */
export interface LatestScoreRow {
  circleId: string;
  instrument: InstrumentId;
  at: string;
  score: number;
  responseId: string;
}

/** Local-only device profile; key is always 'device'. */
export interface ProfileRow {
  key: 'device';
  /** The circle this device works in: the patient's own (patient, caregiver), the last opened (clinician). */
  circleId: string;
  /** Who uses this device; absent means 'patient' (every profile written before roles existed). */
  role?: CircleRole;
  createdAt: string;
  schemaVersion: number;
}

/** Local-only settings, one row per key; values are validated on read (see profile.ts). */
export interface SettingRow {
  key: string;
  value: unknown;
}

export const DEFAULT_DB_NAME = 'paceline';

/**
 * Table layouts per version. Every version stays here forever: a device may open the app
 * after skipping many releases, and Dexie needs each step to upgrade it.
 */
const VERSIONS: ReadonlyArray<{
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: import('dexie').Transaction) => Promise<void> | void;
}> = [
  {
    version: 1,
    stores: {
      docUpdates: '++seq, docKey',
      docMeta: 'docKey',
      records: 'id, [circleId+kind+at]',
      weeks: '[circleId+week]',
      latestScores: '[circleId+instrument]',
      profile: 'key',
      settings: 'key',
    },
  },
  {
    // Local-only sync tables (src/storage/sync-rows.ts). New tables only: existing rows need
    // no change, and sharing starts off for every document.
    version: 2,
    stores: {
      syncPending: '++id, docKey',
      syncOutbox: '[docKey+devSeq]',
      syncDocs: 'docKey, circleId',
      deviceKeys: 'id',
      ownerKeys: 'circleId',
      docKeys: '[docKey+epoch]',
      memberships: 'circleId',
    },
  },
  {
    // An index that carries each outbox row's change count, so the sync line counts waiting
    // changes from keys alone (a first share of five years is megabytes of sealed rows that
    // a cold start must not read). Local-only tables for care circles: the circles this
    // device belongs to (a clinician has many), read marks of message threads, one summary
    // row per circle for the clinician's panel (derived: rebuildable), and invitations this
    // device accepted but has not claimed at the relay yet.
    version: 3,
    stores: {
      syncOutbox: '[docKey+devSeq], [docKey+devSeq+changes]',
      circles: 'circleId',
      readMarks: '[circleId+threadId]',
      circleSummaries: 'circleId',
      inviteClaims: 'circleId',
    },
  },
  // Version 4 goes here, with its upgrade(), and a fixture test of version 3 in
  // tests/unit/storage/migrations.test.ts. On clinic tablets every row is sealed
  // (at-rest/middleware.ts) and IndexedDB sees only key and index fields: a new index on an
  // existing table needs an upgrade() that rewrites its rows (`modify(() => undefined)`),
  // or the index stays empty there.
];

export class PacelineDB extends Dexie {
  declare docUpdates: EntityTable<DocUpdateRow, 'seq'>;
  declare docMeta: EntityTable<DocMetaRow, 'docKey'>;
  declare records: EntityTable<RecordRow, 'id'>;
  declare weeks: EntityTable<WeekRow>;
  declare latestScores: EntityTable<LatestScoreRow>;
  declare profile: EntityTable<ProfileRow, 'key'>;
  declare settings: EntityTable<SettingRow, 'key'>;
  declare syncPending: EntityTable<PendingRow, 'id'>;
  /** Compound primary key [docKey, devSeq]. */
  declare syncOutbox: Table<OutboxRow, [string, number]>;
  declare syncDocs: EntityTable<SyncDocRow, 'docKey'>;
  declare deviceKeys: EntityTable<DeviceKeyRow, 'id'>;
  declare ownerKeys: EntityTable<OwnerKeyRow, 'circleId'>;
  /** Compound primary key [docKey, epoch]. */
  declare docKeys: Table<DocKeyRow, [string, number]>;
  declare memberships: EntityTable<MembershipRow, 'circleId'>;
  declare circles: EntityTable<CircleRow, 'circleId'>;
  /** Compound primary key [circleId, threadId]. */
  declare readMarks: Table<ReadMarkRow, [string, string]>;
  declare circleSummaries: EntityTable<CircleSummaryRow, 'circleId'>;
  declare inviteClaims: EntityTable<InviteClaimRow, 'circleId'>;

  constructor(name: string = DEFAULT_DB_NAME) {
    super(name);
    for (const v of VERSIONS) {
      const declared = this.version(v.version).stores(v.stores);
      if (v.upgrade) declared.upgrade(v.upgrade);
    }
  }
}

/** The key of a document in docUpdates/docMeta. */
export function docKeyOf(circleId: string, docName: DocName): string {
  return `${circleId}/${docName}`;
}

/**
 * Bounds for every compound key that starts with `prefix`: a shorter array sorts before its
 * extensions, and an array element sorts after any string or number. (Dexie.maxKey inside
 * a compound key is rejected by some IndexedDB implementations, so we do not use it there.)
 */
export function prefixRange(...prefix: string[]): [lower: string[], upper: (string | never[])[]] {
  return [prefix, [...prefix, []]];
}
