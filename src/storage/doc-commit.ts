/**
 * The write path of a persisted Y.Doc: change the doc, then commit its update with the
 * caller's derived rows in ONE Dexie transaction; on failure, put memory back to what is
 * committed. Writes are serialised so a failure never discards a neighbour's commit.
 * While the document is shared, a local write also adds its sync pending row to that same
 * transaction, and a received update can carry the sync cursor with it (`also`).
 */
import * as Y from 'yjs';
import type { Table } from 'dexie';
import type { DocName, PacelineDB } from './db';
import { toStorageError, type StorageError } from './errors';
import { watchSharing } from './sharing';
import { pendingRowFor } from './sync-store';
import {
  DEFAULT_COMPACT_THRESHOLD, ORIGIN_OTHER_TAB, appendUpdate, applyUpdates, compactDoc, countRows, openDocChannel, readLog, type DocChannel,
} from './ydoc-store';

/** Origin of this tab's own writes: their update is captured and persisted (and queued for sharing). */
export const ORIGIN_LOCAL = Symbol('paceline/local');
/** Origin of updates received from the relay: persisted with derived rows, never queued for sharing. */
export const ORIGIN_SYNC = Symbol('paceline/sync');
/** Origin of updates received live from a peer (y-webrtc): like ORIGIN_SYNC; their author pushes them to the relay. */
export const ORIGIN_PEER = Symbol('paceline/peer');

/** More writes to commit in the same transaction as an update (the sync cursor with a received update). */
export interface AlsoWrite {
  tables: Table[];
  run: () => Promise<unknown>;
}

/** A committed change: its origin and update (null when memory was reset to storage after a failure). */
export type ChangeListener = (origin: unknown, update: Uint8Array | null) => void;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: StorageError };

/** Keep at most this many committed updates in memory before folding them into one. */
const MEMORY_LOG_LIMIT = 256;

export interface CommittedDocOptions {
  /** Written to docMeta when the document's first update creates it. */
  schemaVersion: number;
  /** Compact the stored log once it holds more rows than this. */
  compactThreshold?: number;
}

export class CommittedDoc {
  doc: Y.Doc;
  /** Updates known to be committed (the loaded log, our commits, other tabs'): the fallback when storage cannot be read. */
  private committed: Uint8Array[];
  private queue: Promise<unknown> = Promise.resolve();
  private channel: DocChannel;
  private listeners = new Set<ChangeListener>();
  private readonly docKey: string;
  private compacting: Promise<unknown> | null = null;
  /** Rows in the stored log, counted here so a save need not read docMeta (other tabs' rows included). */
  private rows: number;
  /** Whether docMeta has this document's row; the first write creates it. */
  private metaExists: boolean;
  /** Whether the document is shared: local writes then also write a pending outbox row. */
  private shared: boolean;
  private stopWatching: () => void = () => {};

  private constructor(
    private readonly db: PacelineDB,
    private readonly circleId: string,
    private readonly docName: DocName,
    private readonly options: CommittedDocOptions,
    log: Uint8Array[],
    metaExists: boolean,
    shared: boolean,
    channel: (onUpdate: (u: Uint8Array) => void) => DocChannel,
  ) {
    this.docKey = `${circleId}/${docName}`;
    this.committed = log;
    this.rows = log.length;
    this.metaExists = metaExists;
    this.shared = shared;
    this.doc = this.freshDoc(log);
    this.channel = channel((u) => this.applyFromOtherTab(u));
  }

  /** Load the document and start listening to other tabs; messages that arrive during the load are applied after it. */
  static async open(db: PacelineDB, circleId: string, docName: DocName, options: CommittedDocOptions): Promise<CommittedDoc> {
    const docKey = `${circleId}/${docName}`;
    const early: Uint8Array[] = [];
    let deliver: (u: Uint8Array) => void = (u) => early.push(u);
    const channel = openDocChannel(db.name, docKey, (u) => deliver(u));
    // Watch before reading, so sharing turned on during the read is not missed.
    let sharedNow: boolean | null = null;
    let onShared: (shared: boolean) => void = (shared) => { sharedNow = shared; };
    const stopWatching = watchSharing(db.name, docKey, (shared) => onShared(shared));
    try {
      const [log, meta, sync] = await Promise.all([readLog(db, docKey), db.docMeta.get(docKey), db.syncDocs.get(docKey)]);
      const cd = new CommittedDoc(db, circleId, docName, options, log, meta !== undefined, sharedNow ?? sync !== undefined, (onUpdate) => {
        deliver = onUpdate;
        return channel;
      });
      onShared = (shared) => { cd.shared = shared; };
      cd.stopWatching = stopWatching;
      for (const u of early) cd.applyFromOtherTab(u);
      return cd;
    } catch (err) {
      channel.close();
      stopWatching();
      throw err;
    }
  }

  /** Whether local writes currently queue their update for sharing. */
  get isShared(): boolean {
    return this.shared;
  }

  /** Subscribe to committed changes (ours and other tabs'); returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Run `mutate` on the doc, then `persist` the captured update with `extraTables` in one
   * transaction. `mutate` returns what persist needs (e.g. the derived changes), or null for "no change",
   * or a function of the ended Y transaction that returns it (for updates whose effect is not known in advance).
   * `received` is an update from elsewhere to store as is: Yjs may hold parts of it back as
   * pending (missing dependencies), and those parts must be stored too. A received update
   * that changes nothing and leaves nothing pending is not stored again, but `also` still
   * commits (a cursor moves past updates this device already had).
   */
  write<C, T>(
    origin: unknown,
    mutate: (doc: Y.Doc) => C | null | ((tr: Y.Transaction) => C),
    extraTables: Table[],
    persist: (changes: C, update: Uint8Array) => Promise<T>,
    options: { received?: Uint8Array; also?: AlsoWrite } = {},
  ): Promise<Outcome<T | null>> {
    const { received, also } = options;
    const run = async (): Promise<Outcome<T | null>> => {
      const captured: Uint8Array[] = [];
      const capture = (u: Uint8Array, o: unknown) => { if (o === origin) captured.push(u); };
      let transaction: Y.Transaction | null = null;
      const keep = (tr: Y.Transaction) => { if (tr.origin === origin) transaction = tr; };
      const doc = this.doc; // rollback may replace this.doc; listeners stay on this one
      doc.on('update', capture);
      doc.on('afterTransaction', keep);
      let result: C | null | ((tr: Y.Transaction) => C) = null;
      try {
        doc.transact(() => { result = mutate(doc); }, origin);
      } catch (err) {
        // A bug, but memory must still not keep half a change that was never stored.
        await this.rollback();
        throw err;
      } finally {
        doc.off('update', capture);
        doc.off('afterTransaction', keep);
      }
      // A function result reads what the transaction changed, known only once it has ended.
      const changes: C | null = typeof result === 'function' ? (transaction ? (result as (tr: Y.Transaction) => C)(transaction) : null) : result;
      const update = changes === null ? null : this.updateToStore(doc, captured, received);
      if (changes === null || update === null) {
        // Nothing to store, but extra writes (a cursor moving past updates already held) still commit.
        return also ? this.commitAlso(also) : { ok: true, value: null };
      }
      // Only this tab's own writes are queued for sharing; received and other tabs' updates never are.
      const pending = origin === ORIGIN_LOCAL && this.shared ? pendingRowFor(this.docKey, update, Date.now()) : null;
      const tables = [this.db.docUpdates, this.db.docMeta, ...extraTables, ...(pending ? [this.db.syncPending] : []), ...(also?.tables ?? [])] as Table[];
      let value: T;
      try {
        // This transaction is the commit point: the update and everything derived from it land together or not at all.
        value = await this.db.transaction('rw', tables, async () => {
          // Independent writes in one transaction: issued together, committed together.
          const [, persisted] = await Promise.all([
            appendUpdate(this.db, this.circleId, this.docName, update, this.options.schemaVersion, this.metaExists),
            persist(changes, update),
            pending ? this.db.syncPending.add(pending) : undefined,
            also?.run(),
          ]);
          return persisted;
        });
      } catch (err) {
        await this.rollback();
        return { ok: false, error: toStorageError(err) };
      }
      this.metaExists = true;
      this.rows += 1;
      this.remember(update);
      this.channel.post(update);
      this.emit(origin, update);
      if (this.rows > (this.options.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD)) this.compactSoon();
      return { ok: true, value };
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * The update a write stores: what the transaction captured, or a received update as is.
   * Yjs holds structs it cannot integrate yet in store.pendingStructs/pendingDs; a received
   * update is skipped only when it changed nothing and left nothing pending.
   */
  private updateToStore(doc: Y.Doc, captured: Uint8Array[], received: Uint8Array | undefined): Uint8Array | null {
    if (received) return captured.length === 0 && !doc.store.pendingStructs && !doc.store.pendingDs ? null : received;
    if (captured.length === 0) return null;
    return captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured);
  }

  /** Commits only the extra writes of a write whose update changed nothing. */
  private async commitAlso<T>(also: AlsoWrite): Promise<Outcome<T | null>> {
    try {
      await this.db.transaction('rw', also.tables, () => also.run());
      return { ok: true, value: null };
    } catch (err) {
      return { ok: false, error: toStorageError(err) };
    }
  }

  /** Wait for queued writes and a running compaction. */
  async settle(): Promise<void> {
    await this.queue;
    await this.compacting;
  }

  /** Compact the stored log now if it is over `threshold` rows; true if it did. */
  compact(threshold = this.options.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD): Promise<boolean> {
    return compactDoc(this.db, this.docKey, threshold);
  }

  async close(): Promise<void> {
    await this.settle();
    this.stopWatching();
    this.channel.close();
    this.listeners.clear();
    this.doc.destroy();
  }

  private compactSoon(): void {
    if (this.compacting) return;
    // In the background: a put returns at its commit, not after a merge of 200 rows. A failed
    // compaction loses nothing (the rows stay) and is retried after the next write.
    this.compacting = this.compact()
      .then(async () => { this.rows = await countRows(this.db, this.docKey); })
      .catch(() => false)
      .finally(() => { this.compacting = null; });
  }

  private applyFromOtherTab(update: Uint8Array): void {
    // The sending tab committed this update and its derived rows before posting it.
    Y.applyUpdate(this.doc, update, ORIGIN_OTHER_TAB);
    this.rows += 1;
    this.remember(update);
    this.emit(ORIGIN_OTHER_TAB, update);
  }

  private remember(update: Uint8Array): void {
    this.committed.push(update);
    // Safe to fold here: writes are serialised, so the doc holds only committed content now.
    if (this.committed.length > MEMORY_LOG_LIMIT) this.committed = [Y.encodeStateAsUpdate(this.doc)];
  }

  /** Replace the doc by the committed state: storage if readable (it may hold more), else memory. */
  private async rollback(): Promise<void> {
    let log = this.committed;
    try {
      log = await readLog(this.db, this.docKey);
      this.committed = log;
      this.rows = log.length;
    } catch {
      // Storage unreadable too (closed, blocked): memory's committed log is still exact.
    }
    const old = this.doc;
    this.doc = this.freshDoc(log);
    old.destroy();
    this.emit(ORIGIN_LOCAL);
  }

  private freshDoc(log: readonly Uint8Array[]): Y.Doc {
    // A fresh clientID: the failed update's clock numbers are never reused by a later write.
    return applyUpdates(new Y.Doc(), log);
  }

  private emit(origin: unknown, update: Uint8Array | null = null): void {
    for (const listener of this.listeners) listener(origin, update);
  }
}
