/**
 * Yjs documents persisted as our own update log in Dexie (not y-dexie): a local write must
 * commit its Yjs update together with derived rows (and later the sync outbox row) in ONE
 * IndexedDB transaction, and y-dexie's internal write path cannot join a caller's transaction.
 */
import * as Y from 'yjs';
import type { PacelineDB, DocName, DocUpdateRow } from './db';

/** Origin of updates replayed from storage: never persisted or broadcast again. */
export const ORIGIN_STORAGE = Symbol('paceline/storage');
/** Origin of updates from another tab: that tab already committed them and their rows. */
export const ORIGIN_OTHER_TAB = Symbol('paceline/other-tab');

export const DEFAULT_COMPACT_THRESHOLD = 200;

/** A document's log in commit order (where(docKey) iterates in [docKey, seq] order). */
export async function readLog(db: PacelineDB, docKey: string): Promise<Uint8Array[]> {
  const rows = await db.docUpdates.where('docKey').equals(docKey).toArray();
  return rows.map((r) => r.update);
}

/** Apply updates to `doc` in one Y transaction, so observers fire once for the whole log. */
export function applyUpdates(doc: Y.Doc, updates: readonly Uint8Array[], origin: unknown = ORIGIN_STORAGE): Y.Doc {
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update, origin);
  }, origin);
  return doc;
}

/** Load a Y.Doc from a document's update log. */
export async function loadDoc(db: PacelineDB, docKey: string, doc: Y.Doc = new Y.Doc()): Promise<Y.Doc> {
  return applyUpdates(doc, await readLog(db, docKey));
}

/**
 * Append one update; the first write of a document also creates its docMeta row. Call inside
 * a rw transaction over docUpdates and docMeta so it commits (or fails) with the caller's
 * other writes. `metaExists` lets a writer that already knows the row exists skip reading it
 * on every save (the row count lives in memory: see CommittedDoc).
 */
export async function appendUpdate(
  db: PacelineDB,
  circleId: string,
  docName: DocName,
  update: Uint8Array,
  schemaVersion: number,
  metaExists = false,
): Promise<void> {
  const docKey = `${circleId}/${docName}`;
  const added = db.docUpdates.add({ docKey, update, at: Date.now() });
  if (metaExists) {
    await added;
    return;
  }
  const [, meta] = await Promise.all([added, db.docMeta.get(docKey)]);
  if (!meta) await db.docMeta.put({ docKey, circleId, docName, schemaVersion, updateCount: await db.docUpdates.where('docKey').equals(docKey).count() });
}

/** The rows a compaction read, and their merge. */
export interface CompactionPlan {
  docKey: string;
  seqs: number[];
  merged: Uint8Array;
}

/** Read a document's log and merge it; null when there are fewer than two rows. */
export async function planCompaction(db: PacelineDB, docKey: string): Promise<CompactionPlan | null> {
  const rows: DocUpdateRow[] = await db.docUpdates.where('docKey').equals(docKey).toArray();
  if (rows.length < 2) return null;
  // Re-encoding from a gc-enabled doc drops the content of replaced values, which a plain
  // Y.mergeUpdates would keep: the log shrinks instead of only having fewer rows.
  const doc = applyUpdates(new Y.Doc(), rows.map((r) => r.update));
  const merged = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return { docKey, seqs: rows.map((r) => r.seq), merged };
}

/**
 * Replace exactly the rows the plan read by its merge, in one rw transaction. Rows appended
 * since the read survive; if another tab already compacted some of them, do nothing.
 */
export async function commitCompaction(db: PacelineDB, plan: CompactionPlan): Promise<boolean> {
  return db.transaction('rw', [db.docUpdates, db.docMeta], async () => {
    const still = await db.docUpdates.bulkGet(plan.seqs);
    if (still.some((r) => r === undefined || r.docKey !== plan.docKey)) return false;
    await db.docUpdates.bulkDelete(plan.seqs);
    await db.docUpdates.add({ docKey: plan.docKey, update: plan.merged, at: Date.now() });
    const remaining = await db.docUpdates.where('docKey').equals(plan.docKey).count();
    const meta = await db.docMeta.get(plan.docKey);
    if (meta) await db.docMeta.put({ ...meta, updateCount: remaining, compactedAt: Date.now() });
    return true;
  });
}

/** Compact a document's log when it holds more than `threshold` rows; true if it did. */
export async function compactDoc(
  db: PacelineDB,
  docKey: string,
  threshold: number = DEFAULT_COMPACT_THRESHOLD,
): Promise<boolean> {
  if ((await countRows(db, docKey)) <= threshold) return false;
  const plan = await planCompaction(db, docKey);
  return plan ? commitCompaction(db, plan) : false;
}

/** How many rows a document's log has (an index count: no row is read). */
export function countRows(db: PacelineDB, docKey: string): Promise<number> {
  return db.docUpdates.where('docKey').equals(docKey).count();
}

/** A cross-tab channel for one document's committed updates. */
export interface DocChannel {
  post(update: Uint8Array): void;
  close(): void;
}

/**
 * Open a BroadcastChannel per database and docKey (the database name keeps test databases
 * and profiles apart). Without BroadcastChannel (old browsers) tabs reload to see changes.
 */
export function openDocChannel(dbName: string, docKey: string, onUpdate: (update: Uint8Array) => void): DocChannel {
  if (typeof BroadcastChannel === 'undefined') return { post() {}, close() {} };
  const channel = new BroadcastChannel(`paceline:${dbName}:${docKey}`);
  channel.onmessage = (event: MessageEvent) => {
    // Other tabs run our code too, but a message is still outside input: check its shape.
    if (event.data instanceof Uint8Array) onUpdate(event.data);
  };
  return {
    post: (update) => channel.postMessage(update),
    close: () => channel.close(),
  };
}
