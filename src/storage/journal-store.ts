/**
 * The journal of one circle: records in a Y.Doc (source of truth), persisted with their
 * derived query rows in one transaction per write.
 */
import * as Y from 'yjs';
import { markDeleted, markRestored } from '../domain/record-factory';
import { parseRecord } from '../domain/validate';
import { RECORD_KINDS, type JournalRecord, type RecordKind, type Result } from '../domain/records';
import type { PacelineDB } from './db';
import { DERIVED_VERSION } from './derived-rows';
import { applyDerived, derivedTables, rebuildDerived, type DerivedChange } from './derived';
import { CommittedDoc, ORIGIN_LOCAL, ORIGIN_SYNC, type ChangeListener } from './doc-commit';
import type { StorageError, StoreError } from './errors';
import type { RemoteUpdateOptions, SyncableDoc } from './syncable';
import { journalScope, type JournalAuthor } from './journal-scope';
import { importChanges, type ImportCounts } from './journal-import';
import {
  JOURNAL_SCHEMA_VERSION, checkStored, docSchemaVersion, findProblems, kindMap, migrateJournalDoc, toPlain, type RecordProblem,
} from './journal-doc';

/** Origin of updates from the sync layer: persisted with derived rows like local writes. */
export { ORIGIN_SYNC };

export interface JournalStore extends SyncableDoc {
  readonly circleId: string;
  readonly docName: 'journal';
  /** The live document (for the sync layer); it is replaced after a failed write, so read it each time. */
  readonly doc: Y.Doc;
  /** True when the document was written by a newer app: show "please update"; writes are refused. */
  readonly readOnly: boolean;
  /** Create or replace a whole record; committed when the promise resolves ok. */
  put(record: JournalRecord): Promise<Result<JournalRecord, StoreError>>;
  /** Soft-delete: sets deletedAt, keeps the record (audit, undo). */
  remove(kind: RecordKind, id: string, now?: Date): Promise<Result<JournalRecord, StoreError>>;
  /** Undo a delete: clears deletedAt. */
  restore(kind: RecordKind, id: string, now?: Date): Promise<Result<JournalRecord, StoreError>>;
  /** A valid record from memory, deleted or not. */
  get(kind: RecordKind, id: string): JournalRecord | undefined;
  /** Valid records of a kind, oldest first by `at`. */
  all(kind: RecordKind, options?: { includeDeleted?: boolean }): JournalRecord[];
  /** Merge records (newer updatedAt wins) in one Y transaction and one Dexie transaction. */
  importRecords(records: readonly JournalRecord[]): Promise<Result<ImportCounts, StoreError>>;
  /** Apply an update received from another device: persisted, then derived rows for the keys it changed. */
  applyRemoteUpdate(update: Uint8Array, options?: RemoteUpdateOptions): Promise<Result<void, StorageError>>;
  /** Values kept in the document but not understood (invalid, or from a newer app). */
  problems(): RecordProblem[];
  /** Called after every committed change (this tab's, another tab's, a remote one), with its origin and update. */
  onChange(listener: ChangeListener): () => void;
  /** Merge the stored log into one row if it has more than `threshold` rows. */
  compact(threshold?: number): Promise<boolean>;
  /** Wait for pending writes, stop listening to other tabs, free the doc. */
  close(): Promise<void>;
}

export interface JournalStoreOptions {
  /** Compact the update log once it holds more rows than this (default 200). */
  compactThreshold?: number;
}

export type { ImportCounts };

/** Open (creating if needed) the journal of a circle and bring its derived tables up to date. */
export async function openJournalStore(db: PacelineDB, circleId: string, options: JournalStoreOptions = {}): Promise<JournalStore> {
  const cd = await CommittedDoc.open(db, circleId, 'journal', {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    ...(options.compactThreshold === undefined ? {} : { compactThreshold: options.compactThreshold }),
  });
  const store = new Journal(db, circleId, cd);
  await store.init();
  return store;
}

class Journal implements JournalStore {
  readonly docName = 'journal' as const;
  private problemCache: RecordProblem[] | null = null;

  constructor(private readonly db: PacelineDB, readonly circleId: string, private readonly cd: CommittedDoc) {
    cd.onChange(() => { this.problemCache = null; });
  }

  get doc(): Y.Doc { return this.cd.doc; }

  /** A caregiver's update may only add or edit entries marked as entered by the caregiver (journal-scope.ts). */
  remoteScope(update: Uint8Array, author: JournalAuthor, earlier: readonly Uint8Array[]): boolean {
    return journalScope(this.doc, update, author, earlier, RECORD_KINDS, JOURNAL_SCHEMA_VERSION);
  }

  get readOnly(): boolean { return (docSchemaVersion(this.cd.doc) ?? 0) > JOURNAL_SCHEMA_VERSION; }

  async init(): Promise<void> {
    if (!this.readOnly && (docSchemaVersion(this.doc) ?? 0) < JOURNAL_SCHEMA_VERSION) {
      const migrated = await this.cd.write(ORIGIN_LOCAL, (doc) => (migrateJournalDoc(doc) ? [] : null), [], async () => undefined);
      if (!migrated.ok) throw new Error(migrated.error.message);
    }
    const meta = await this.db.docMeta.get(`${this.circleId}/journal`);
    // Derived rows written by other derivation code (or by nobody yet) are rebuilt from the doc.
    if (meta?.derivedVersion !== DERIVED_VERSION) await rebuildDerived(this.db, this.circleId, this.doc);
  }

  put(record: JournalRecord): Promise<Result<JournalRecord, StoreError>> {
    // No `now`: a future `at` is the form's concern (validateInput); storage keeps what it is given.
    const parsed = parseRecord(record);
    if (!parsed.ok) return Promise.resolve({ ok: false, error: { code: 'invalid-record', message: 'The record is not valid.', errors: parsed.error } });
    return this.writeRecord(parsed.value);
  }

  remove(kind: RecordKind, id: string, now: Date = new Date()): Promise<Result<JournalRecord, StoreError>> {
    const current = this.get(kind, id);
    if (!current) return Promise.resolve(notFound(kind, id));
    return this.writeRecord(markDeleted(current, now));
  }

  restore(kind: RecordKind, id: string, now: Date = new Date()): Promise<Result<JournalRecord, StoreError>> {
    const current = this.get(kind, id);
    if (!current) return Promise.resolve(notFound(kind, id));
    return this.writeRecord(markRestored(current, now));
  }

  get(kind: RecordKind, id: string): JournalRecord | undefined {
    const value = kindMap(this.doc, kind).get(id);
    if (value === undefined) return undefined;
    const checked = checkStored(kind, id, value);
    return checked.ok ? checked.record : undefined;
  }

  all(kind: RecordKind, options: { includeDeleted?: boolean } = {}): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const [id, value] of kindMap(this.doc, kind).entries()) {
      const checked = checkStored(kind, id, value);
      if (checked.ok && (options.includeDeleted || !checked.record.deletedAt)) out.push(checked.record);
    }
    return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
  }

  async importRecords(records: readonly JournalRecord[]): Promise<Result<ImportCounts, StoreError>> {
    if (this.readOnly) return readOnlyError();
    const plan = importChanges(this.doc, records);
    if (!plan.ok) return plan;
    const { counts, changed } = plan.value;
    if (changed.length === 0) return { ok: true, value: counts };
    const written = await this.cd.write(ORIGIN_LOCAL, (doc) => {
      for (const r of changed) kindMap(doc, r.kind).set(r.id, toPlain(r));
      return changed.map((r): DerivedChange => ({ id: r.id, record: r }));
    }, derivedTables(this.db), (changes: DerivedChange[]) => applyDerived(this.db, this.circleId, changes));
    return written.ok ? { ok: true, value: counts } : written;
  }

  async applyRemoteUpdate(update: Uint8Array, options: RemoteUpdateOptions = {}): Promise<Result<void, StorageError>> {
    const origin = options.origin ?? ORIGIN_SYNC;
    const written = await this.cd.write(origin, (doc) => {
      // Define every kind's map first: a root type first named by getMap() after an update
      // created it is a new object, and the transaction's changed keys sit on the old one,
      // so a device's first remote update would write no derived rows.
      for (const kind of RECORD_KINDS) kindMap(doc, kind);
      Y.applyUpdate(doc, update, origin);
      return (tr: Y.Transaction): DerivedChange[] => RECORD_KINDS.flatMap((kind) => {
        const keys = tr.changed.get(kindMap(doc, kind) as unknown as Y.AbstractType<Y.YEvent<any>>) ?? new Set();
        return [...keys].filter((id): id is string => id !== null).map((id) => ({ id, record: this.get(kind, id) ?? null }));
      });
    }, derivedTables(this.db), (changes) => applyDerived(this.db, this.circleId, changes), { received: update, ...(options.also && { also: options.also }) });
    return written.ok ? { ok: true, value: undefined } : written;
  }

  problems(): RecordProblem[] {
    this.problemCache ??= findProblems(this.doc);
    return [...this.problemCache];
  }

  onChange(listener: ChangeListener): () => void {
    return this.cd.onChange(listener);
  }

  compact(threshold?: number): Promise<boolean> {
    return this.cd.compact(threshold);
  }

  close(): Promise<void> {
    return this.cd.close();
  }

  private async writeRecord(record: JournalRecord): Promise<Result<JournalRecord, StoreError>> {
    if (this.readOnly) return readOnlyError();
    const written = await this.cd.write(ORIGIN_LOCAL, (doc) => {
      const previous = this.get(record.kind, record.id) ?? null;
      kindMap(doc, record.kind).set(record.id, toPlain(record));
      return [{ id: record.id, record, previous }];
    }, derivedTables(this.db), (changes) => applyDerived(this.db, this.circleId, changes));
    return written.ok ? { ok: true, value: record } : written;
  }
}

function notFound(kind: RecordKind, id: string): { ok: false; error: StoreError } {
  return { ok: false, error: { code: 'not-found', message: `No ${kind} record ${id}.` } };
}

function readOnlyError(): { ok: false; error: StoreError } {
  return { ok: false, error: { code: 'read-only', message: 'This journal was saved by a newer version of Paceline. Please update the app.' } };
}
