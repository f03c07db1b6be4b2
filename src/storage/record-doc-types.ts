/**
 * The public shape of a record document store (record-doc.ts): the spec a document kind
 * provides (kinds, parser, migration, derived rows) and the store's API.
 */
import type * as Y from 'yjs';
import type { Table } from 'dexie';
import type { Result, ValidationError } from '../domain/records';
import type { DocName, PacelineDB } from './db';
import type { ChangeListener } from './doc-commit';
import type { StorageError, StoreError } from './errors';
import type { RecordProblem } from './record-doc-fields';
import type { Touched, TouchError } from './record-doc-touch';
import type { RemoteUpdateOptions, SyncableDoc } from './syncable';

/** The journal has its own layout (whole records as plain values): journal-store.ts. */
export type RecordDocName = Exclude<DocName, 'journal'>;

/** The record of one kind, when R is a union tagged by kind (else R itself). */
export type RecordOf<R, Kind> = [Extract<R, { kind: Kind }>] extends [never] ? R : Extract<R, { kind: Kind }>;

/** Fields to change: a value replaces the field, undefined deletes it; id and kind cannot change. */
export type RecordPatch<T> = { [F in Exclude<keyof T, 'id' | 'kind'>]?: T[F] | undefined };

/** A record's new state after a committed write, for derived rows. */
export interface RecordChange<K extends string, R> {
  kind: K;
  id: string;
  /** The record as it reads now; null when absent or not understood (keep it out of derived tables). */
  record: R | null;
  /** What it read before, when the writer knows (this device's writes); null: nothing valid. Undefined: not known. */
  previous?: R | null;
}

/** Derived rows written in the same transaction as the update that changed their records (as the journal's). */
export interface RecordDerive<K extends string, R> {
  /** The tables `apply` writes; every write transaction of the document includes them. */
  tables(db: PacelineDB): Table[];
  /** Called inside the write's rw transaction with every record the update changed (none are skipped). */
  apply(db: PacelineDB, circleId: string, changes: readonly RecordChange<K, R>[]): Promise<void>;
  /**
   * Version of the derivation code. On open, if the document's docMeta.derivedVersion differs,
   * `apply` runs once for every stored record (previous unknown) and the version is recorded.
   */
  version?: number;
}

export interface RecordDocSpec<K extends string, R extends { id: string; kind: K }> {
  kinds: readonly K[];
  /** The document structure this app writes and fully understands (meta.schemaVersion). */
  schemaVersion: number;
  /** Validate a stored record; `value` holds its fields plus id and kind. Must accept older record versions. */
  parse(kind: K, id: string, value: unknown): Result<R, ValidationError[]>;
  /** Idempotent migration steps (two offline devices may both run one); call inside doc.transact; true if any ran. */
  migrate?(doc: Y.Doc): boolean;
  derive?: RecordDerive<K, R>;
}

export interface RecordDocOptions {
  /** Compact the update log once it holds more rows than this (default 200). */
  compactThreshold?: number;
  /**
   * Bring an older document up to spec.schemaVersion (on open, and before a write if that
   * failed). False for a device whose role may not write the whole document: its migration
   * update would be refused by the relay and by other devices, so it reads older versions as
   * they are (default true).
   */
  migrate?: boolean;
}

/** Who deletes or restores, and when (ISO time or Date). */
export interface EditMeta {
  by: string;
  at: Date | string;
}

export interface RecordDoc<K extends string, R extends { id: string; kind: K }> extends SyncableDoc {
  readonly circleId: string;
  readonly docName: RecordDocName;
  /** The live document (for the sync layer); it is replaced after a failed write, so read it each time. */
  readonly doc: Y.Doc;
  /** True when the document was written by a newer app: show "please update"; writes are refused. */
  readonly readOnly: boolean;
  /** A valid record, deleted or not. */
  get<Kind extends K>(kind: Kind, id: string): RecordOf<R, Kind> | undefined;
  /** Valid records of a kind, by id (ULID: creation order). */
  all<Kind extends K>(kind: Kind, options?: { includeDeleted?: boolean }): RecordOf<R, Kind>[];
  /** Create or replace a record: writes only the fields that differ, deletes fields it no longer has. Resolves at commit. */
  put<T extends R>(record: T): Promise<Result<T, StoreError>>;
  /** Change only the named fields (undefined deletes one); the merged record is validated. */
  patch<Kind extends K>(kind: Kind, id: string, fields: RecordPatch<RecordOf<R, Kind>>): Promise<Result<RecordOf<R, Kind>, StoreError>>;
  /** Soft delete: sets deletedAt, updatedAt and updatedBy; the record stays (audit, undo). */
  remove<Kind extends K>(kind: Kind, id: string, meta: EditMeta): Promise<Result<RecordOf<R, Kind>, StoreError>>;
  /** Undo a soft delete: clears deletedAt, sets updatedAt and updatedBy. */
  restore<Kind extends K>(kind: Kind, id: string, meta: EditMeta): Promise<Result<RecordOf<R, Kind>, StoreError>>;
  /** Apply an update received from another device: persisted with derived rows of the records it changed. */
  applyRemoteUpdate(update: Uint8Array, options?: RemoteUpdateOptions): Promise<Result<void, StorageError>>;
  /** What an update would change in the document now (kinds, ids, fields), without changing it. */
  touchedBy(update: Uint8Array): Result<Touched, TouchError>;
  /** Values kept in the document but not understood (invalid, or from a newer app). */
  problems(): RecordProblem[];
  /** Called after every committed change (this tab's, another tab's, a remote one), with its origin and update. */
  onChange(listener: ChangeListener): () => void;
  /** Merge the stored log into one row if it has more than `threshold` rows. */
  compact(threshold?: number): Promise<boolean>;
  /** Wait for pending writes, stop listening to other tabs, free the doc. */
  close(): Promise<void>;
}
