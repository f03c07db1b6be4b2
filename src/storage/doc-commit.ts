/**
 * The write path of a persisted Y.Doc: change the doc, then commit its update with the
 * caller's derived rows in ONE Dexie transaction; on failure, put memory back to what is
 * committed. Writes are serialised so a failure never discards a neighbour's commit.
 */
import * as Y from 'yjs';
import type { Table } from 'dexie';
import type { DocName, PacelineDB } from './db';
import { toStorageError, type StorageError } from './errors';
import {
  DEFAULT_COMPACT_THRESHOLD, ORIGIN_OTHER_TAB, appendUpdate, applyUpdates, compactDoc, countRows, openDocChannel, readLog, type DocChannel,
} from './ydoc-store';

/** Origin of this tab's own writes: their update is captured and persisted. */
export const ORIGIN_LOCAL = Symbol('paceline/local');

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
  private listeners = new Set<(origin: unknown) => void>();
  private readonly docKey: string;
  private compacting: Promise<unknown> | null = null;
  /** Rows in the stored log, counted here so a save need not read docMeta (other tabs' rows included). */
  private rows: number;
  /** Whether docMeta has this document's row; the first write creates it. */
  private metaExists: boolean;

  private constructor(
    private readonly db: PacelineDB,
    private readonly circleId: string,
    private readonly docName: DocName,
    private readonly options: CommittedDocOptions,
    log: Uint8Array[],
    metaExists: boolean,
    channel: (onUpdate: (u: Uint8Array) => void) => DocChannel,
  ) {
    this.docKey = `${circleId}/${docName}`;
    this.committed = log;
    this.rows = log.length;
    this.metaExists = metaExists;
    this.doc = this.freshDoc(log);
    this.channel = channel((u) => this.applyFromOtherTab(u));
  }

  /** Load the document and start listening to other tabs; messages that arrive during the load are applied after it. */
  static async open(db: PacelineDB, circleId: string, docName: DocName, options: CommittedDocOptions): Promise<CommittedDoc> {
    const docKey = `${circleId}/${docName}`;
    const early: Uint8Array[] = [];
    let deliver: (u: Uint8Array) => void = (u) => early.push(u);
    const channel = openDocChannel(db.name, docKey, (u) => deliver(u));
    try {
      const [log, meta] = await Promise.all([readLog(db, docKey), db.docMeta.get(docKey)]);
      const cd = new CommittedDoc(db, circleId, docName, options, log, meta !== undefined, (onUpdate) => {
        deliver = onUpdate;
        return channel;
      });
      for (const u of early) cd.applyFromOtherTab(u);
      return cd;
    } catch (err) {
      channel.close();
      throw err;
    }
  }

  /** Subscribe to committed changes (ours and other tabs'); returns an unsubscribe function. */
  onChange(listener: (origin: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Run `mutate` on the doc, then `persist` the captured update with `extraTables` in one
   * transaction. `mutate` returns what persist needs (e.g. the derived changes), or null for "no change",
   * or a function of the ended Y transaction that returns it (for updates whose effect is not known in advance).
   * `received` is an update from elsewhere to store as is: Yjs may hold parts of it back as
   * pending (missing dependencies), and those parts must be stored too.
   */
  write<C, T>(
    origin: unknown,
    mutate: (doc: Y.Doc) => C | null | ((tr: Y.Transaction) => C),
    extraTables: Table[],
    persist: (changes: C, update: Uint8Array) => Promise<T>,
    received?: Uint8Array,
  ): Promise<Outcome<T | null>> {
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
      if (changes === null || (captured.length === 0 && !received)) return { ok: true, value: null };
      const update = received ?? (captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured));
      let value: T;
      try {
        // This transaction is the commit point: the update and everything derived from it land together or not at all.
        value = await this.db.transaction('rw', [this.db.docUpdates, this.db.docMeta, ...extraTables], async () => {
          // Independent writes in one transaction: issued together, committed together.
          const [, persisted] = await Promise.all([
            appendUpdate(this.db, this.circleId, this.docName, update, this.options.schemaVersion, this.metaExists),
            persist(changes as C, update),
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
      this.emit(origin);
      if (this.rows > (this.options.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD)) this.compactSoon();
      return { ok: true, value };
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
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
    this.emit(ORIGIN_OTHER_TAB);
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

  private emit(origin: unknown): void {
    for (const listener of this.listeners) listener(origin);
  }
}
