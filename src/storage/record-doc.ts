/**
 * A care-circle document other than the journal (plan, circle, messages, alerts): records of a
 * few kinds in a Y.Doc (source of truth), one nested map of fields per record so that edits of
 * different fields merge, persisted through CommittedDoc with the spec's derived rows in one
 * transaction per write. API and spec: record-doc-types.ts; layout: record-doc-fields.ts; what an
 * update touches: record-doc-touch.ts.
 */
import * as Y from 'yjs';
import type { Table } from 'dexie';
import type { Result, ValidationError } from '../domain/records';
import { docKeyOf, type PacelineDB } from './db';
import { CommittedDoc, ORIGIN_LOCAL, ORIGIN_SYNC, type ChangeListener } from './doc-commit';
import type { StorageError, StoreError } from './errors';
import type { RemoteUpdateOptions } from './syncable';
import {
  applyDiff, checkFields, checkStored, diffFields, docSchemaVersion, fieldsOf, findProblems, isEmptyDiff, jsonEqual, kindMap, migrateRecordDoc,
  newRecordMap, readFields, toPlain, writeDiff, type Checked, type FieldDiff, type Fields, type RecordProblem,
} from './record-doc-fields';
import { changedKeys, touchedBy, type Touched, type TouchError } from './record-doc-touch';
import type {
  EditMeta, RecordChange, RecordDoc, RecordDocName, RecordDocOptions, RecordDocSpec, RecordOf, RecordPatch,
} from './record-doc-types';

export { ORIGIN_SYNC, touchedBy };
export type { RecordTouch, Touched, TouchError } from './record-doc-touch';
export type { RecordProblem };
export type {
  EditMeta, RecordChange, RecordDerive, RecordDoc, RecordDocName, RecordDocOptions, RecordDocSpec, RecordOf, RecordPatch,
} from './record-doc-types';

/** Open (creating if needed) a record document of a circle, migrate it, and bring its derived rows up to date. */
export async function openRecordDoc<K extends string, R extends { id: string; kind: K }>(
  db: PacelineDB,
  circleId: string,
  docName: RecordDocName,
  spec: RecordDocSpec<K, R>,
  options: RecordDocOptions = {},
): Promise<RecordDoc<K, R>> {
  const cd = await CommittedDoc.open(db, circleId, docName, {
    schemaVersion: spec.schemaVersion,
    ...(options.compactThreshold === undefined ? {} : { compactThreshold: options.compactThreshold }),
  });
  const store = new RecordStore(db, circleId, docName, spec, options.migrate !== false, cd);
  await store.init();
  return store;
}

/** The previous state of records a local write changes, by kind and id. */
type Known<R> = Map<string, Map<string, R | null>>;

/** What is stored under one id: its nested map, fields and their reading. */
interface Stored<R> {
  map: Y.Map<unknown>;
  fields: Fields;
  checked: Checked<R>;
}

class RecordStore<K extends string, R extends { id: string; kind: K }> implements RecordDoc<K, R> {
  private problemCache: RecordProblem[] | null = null;

  constructor(
    private readonly db: PacelineDB,
    readonly circleId: string,
    readonly docName: RecordDocName,
    private readonly spec: RecordDocSpec<K, R>,
    private readonly migrates: boolean,
    private readonly cd: CommittedDoc,
  ) {
    cd.onChange(() => { this.problemCache = null; });
  }

  get doc(): Y.Doc { return this.cd.doc; }

  get readOnly(): boolean { return (docSchemaVersion(this.cd.doc) ?? 0) > this.spec.schemaVersion; }

  async init(): Promise<void> {
    if (this.needsMigration(this.doc)) {
      // A failed migration (full disk) must not stop anyone reading: readers accept older
      // versions, and the next local write migrates first.
      await this.write(ORIGIN_LOCAL, (doc) => (migrateRecordDoc(doc, this.spec.schemaVersion, this.spec.migrate) ? new Map() : null));
    }
    await this.refreshDerived();
  }

  get<Kind extends K>(kind: Kind, id: string): RecordOf<R, Kind> | undefined {
    const checked = this.read(this.doc, kind, id)?.checked;
    return checked?.ok ? (checked.record as RecordOf<R, Kind>) : undefined;
  }

  all<Kind extends K>(kind: Kind, options: { includeDeleted?: boolean } = {}): RecordOf<R, Kind>[] {
    const out: RecordOf<R, Kind>[] = [];
    for (const [id, value] of kindMap(this.doc, kind).entries()) {
      const checked = checkStored<K, R>(this.spec.parse, kind, id, value);
      if (checked.ok && (options.includeDeleted || !isDeleted(checked.record))) out.push(checked.record as RecordOf<R, Kind>);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  put<T extends R>(record: T): Promise<Result<T, StoreError>> {
    const input = checkFields(this.spec.parse, record.kind, record.id, fieldsOf(record));
    if (!input.ok) return Promise.resolve(invalid(input.problem.errors));
    const target = fieldsOf(input.record);
    return this.edit(record.kind, record.id, (stored) => {
      if (!stored) return { ok: true, value: { set: target, del: [] } };
      // Fields only the stored value has are deleted if this app reads them (a removed
      // optional field); fields it does not read (a newer app's) are kept.
      const known = new Set(stored.checked.ok ? Object.keys(fieldsOf(stored.checked.record)) : []);
      return { ok: true, value: diffFields(stored.fields, target, known) };
    }) as Promise<Result<T, StoreError>>;
  }

  patch<Kind extends K>(kind: Kind, id: string, fields: RecordPatch<RecordOf<R, Kind>>): Promise<Result<RecordOf<R, Kind>, StoreError>> {
    return this.edit(kind, id, (stored) => {
      if (!stored) return notFound(kind, id);
      const diff: FieldDiff = { set: {}, del: [] };
      for (const [k, v] of Object.entries(fields as unknown as Fields)) {
        if (k === 'id' || k === 'kind') {
          if (v !== undefined && v !== (k === 'id' ? id : kind)) return invalid([{ field: k, code: 'unknownValue' }]);
          continue;
        }
        const plain = v === undefined ? undefined : (toPlain({ v }).v);
        if (plain === undefined) { if (k in stored.fields) diff.del.push(k); }
        else if (!jsonEqual(stored.fields[k], plain)) diff.set[k] = plain;
      }
      return { ok: true, value: diff };
    }) as Promise<Result<RecordOf<R, Kind>, StoreError>>;
  }

  remove<Kind extends K>(kind: Kind, id: string, meta: EditMeta): Promise<Result<RecordOf<R, Kind>, StoreError>> {
    const at = isoOf(meta.at);
    return this.edit(kind, id, (stored) => {
      if (!stored) return notFound(kind, id);
      // Deleting twice keeps the first deletion's time and author.
      if (stored.checked.ok && isDeleted(stored.checked.record)) return { ok: true, value: { set: {}, del: [] } };
      return { ok: true, value: { set: { deletedAt: at, updatedAt: at, updatedBy: meta.by }, del: [] } };
    }) as Promise<Result<RecordOf<R, Kind>, StoreError>>;
  }

  restore<Kind extends K>(kind: Kind, id: string, meta: EditMeta): Promise<Result<RecordOf<R, Kind>, StoreError>> {
    const at = isoOf(meta.at);
    return this.edit(kind, id, (stored) => {
      if (!stored) return notFound(kind, id);
      if (!('deletedAt' in stored.fields)) return { ok: true, value: { set: {}, del: [] } };
      return { ok: true, value: { set: { updatedAt: at, updatedBy: meta.by }, del: ['deletedAt'] } };
    }) as Promise<Result<RecordOf<R, Kind>, StoreError>>;
  }

  async applyRemoteUpdate(update: Uint8Array, options: RemoteUpdateOptions = {}): Promise<Result<void, StorageError>> {
    const origin = options.origin ?? ORIGIN_SYNC;
    const written = await this.write(origin, (doc) => {
      Y.applyUpdate(doc, update, origin);
      return new Map();
    }, { received: update, ...(options.also && { also: options.also }) });
    return written.ok ? { ok: true, value: undefined } : written;
  }

  touchedBy(update: Uint8Array): Result<Touched, TouchError> {
    return touchedBy(this.doc, update);
  }

  problems(): RecordProblem[] {
    this.problemCache ??= findProblems(this.doc, this.spec.kinds, this.spec.parse);
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

  private needsMigration(doc: Y.Doc): boolean {
    return this.migrates && (docSchemaVersion(doc) ?? 0) < this.spec.schemaVersion;
  }

  private read(doc: Y.Doc, kind: K, id: string): Stored<R> | null {
    const value = kindMap(doc, kind).get(id);
    if (!(value instanceof Y.Map)) return null;
    const map = value as Y.Map<unknown>;
    const fields = readFields(map);
    return { map, fields, checked: checkFields(this.spec.parse, kind, id, fields) };
  }

  /**
   * One local edit of one record: `plan` says which fields to set and delete, given what is
   * stored, and runs in the write queue (so it sees every earlier write). The merged record
   * must be valid; the value returned is the record as it then reads.
   */
  private async edit(kind: K, id: string, plan: (stored: Stored<R> | null) => Result<FieldDiff, StoreError>): Promise<Result<R, StoreError>> {
    // Set inside the queued mutation; a holder, since narrowing does not follow closures.
    const out: { refused: StoreError | null; record: R | null } = { refused: null, record: null };
    const written = await this.write(ORIGIN_LOCAL, (doc) => {
      if ((docSchemaVersion(doc) ?? 0) > this.spec.schemaVersion) { out.refused = readOnlyError(this.docName); return null; }
      // Migrate first (the migration at open failed): the plan then sees migrated fields.
      const migrated = this.needsMigration(doc) && migrateRecordDoc(doc, this.spec.schemaVersion, this.spec.migrate);
      // A refused edit still commits a migration that ran: memory must never hold uncommitted changes.
      const untouched: Known<R> | null = migrated ? new Map() : null;
      if (!this.spec.kinds.includes(kind)) { out.refused = invalid([{ field: 'kind', code: 'unknownValue' }]).error; return untouched; }
      const slot = kindMap(doc, kind).get(id);
      if (slot !== undefined && !(slot instanceof Y.Map)) {
        out.refused = { code: 'invalid-record', message: `A value this app cannot read is stored as ${kind} ${id}; it is kept unchanged.`, errors: [{ field: 'id', code: 'wrongType' }] };
        return untouched;
      }
      const stored = this.read(doc, kind, id);
      const diff = plan(stored);
      if (!diff.ok) { out.refused = diff.error; return untouched; }
      const merged = checkFields(this.spec.parse, kind, id, applyDiff(stored?.fields ?? {}, diff.value));
      if (!merged.ok) { out.refused = invalid(merged.problem.errors).error; return untouched; }
      out.record = merged.record;
      if (stored && isEmptyDiff(diff.value)) return untouched;
      if (stored) writeDiff(stored.map, diff.value);
      else kindMap(doc, kind).set(id, newRecordMap(diff.value.set));
      return new Map([[kind, new Map([[id, stored?.checked.ok ? stored.checked.record : null]])]]);
    });
    if (out.refused) return { ok: false, error: out.refused };
    if (!written.ok) return written;
    if (!out.record) throw new Error('record-doc: an accepted edit produced no record');
    return { ok: true, value: out.record };
  }

  /**
   * Every write goes through CommittedDoc: the doc change, its update and the derived rows
   * of every record the transaction changed commit together, or memory returns to storage.
   */
  private write(
    origin: unknown,
    mutate: (doc: Y.Doc) => Known<R> | null,
    options: { received?: Uint8Array; also?: RemoteUpdateOptions['also'] } = {},
  ) {
    const derive = this.spec.derive;
    return this.cd.write<RecordChange<K, R>[], void>(origin, (doc) => {
      // Define every kind's map first: a root type first named by getMap() after an update
      // created it is a new object, and the transaction's changes sit on the old one.
      for (const kind of this.spec.kinds) kindMap(doc, kind);
      const known = mutate(doc);
      return known === null ? null : (tr: Y.Transaction) => this.changesOf(tr, doc, known);
    }, derive ? derive.tables(this.db) : [], async (changes: RecordChange<K, R>[]) => {
      if (derive && changes.length > 0) await derive.apply(this.db, this.circleId, changes);
    }, options);
  }

  private changesOf(tr: Y.Transaction, doc: Y.Doc, known: Known<R>): RecordChange<K, R>[] {
    const changed = changedKeys(tr, doc);
    const out: RecordChange<K, R>[] = [];
    for (const kind of this.spec.kinds) {
      for (const id of changed.get(kind)?.keys() ?? []) {
        if (id === null) continue;
        const checked = this.read(doc, kind, id)?.checked;
        const before = known.get(kind);
        out.push({ kind, id, record: checked?.ok ? checked.record : null, ...(before?.has(id) && { previous: before.get(id)! }) });
      }
    }
    return out;
  }

  /** Rebuild derived rows when the derivation code changed since they were written. */
  private async refreshDerived(): Promise<void> {
    const derive = this.spec.derive;
    if (!derive || derive.version === undefined) return;
    const docKey = docKeyOf(this.circleId, this.docName);
    try {
      const meta = await this.db.docMeta.get(docKey);
      if (!meta || meta.derivedVersion === derive.version) return;
      const changes: RecordChange<K, R>[] = [];
      for (const kind of this.spec.kinds) {
        for (const id of kindMap(this.doc, kind).keys()) {
          const checked = checkStored(this.spec.parse, kind, id, kindMap(this.doc, kind).get(id));
          changes.push({ kind, id, record: checked.ok ? checked.record : null });
        }
      }
      await this.db.transaction('rw', [...derive.tables(this.db), this.db.docMeta as unknown as Table], async () => {
        await derive.apply(this.db, this.circleId, changes);
        const current = await this.db.docMeta.get(docKey);
        if (current) await this.db.docMeta.put({ ...current, derivedVersion: derive.version });
      });
    } catch {
      // Derived rows are a cache of the document: the version stays old, so the next open retries.
    }
  }
}

function isDeleted(record: unknown): boolean {
  return typeof (record as { deletedAt?: unknown }).deletedAt === 'string';
}

function isoOf(at: Date | string): string {
  return typeof at === 'string' ? at : at.toISOString();
}

function invalid(errors: ValidationError[]): { ok: false; error: StoreError } {
  return { ok: false, error: { code: 'invalid-record', message: 'The record is not valid.', errors } };
}

function notFound(kind: string, id: string): { ok: false; error: StoreError } {
  return { ok: false, error: { code: 'not-found', message: `No ${kind} record ${id}.` } };
}

const DOC_LABEL: Record<RecordDocName, string> = { plan: 'care plan', circle: 'care circle', messages: 'message list', alerts: 'alert list' };

function readOnlyError(docName: RecordDocName): StoreError {
  return { code: 'read-only', message: `This ${DOC_LABEL[docName]} was saved by a newer version of Paceline. Please update the app.` };
}
