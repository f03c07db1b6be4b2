/**
 * The sync layer's durable state per document: sharing on/off, pending changes, the sealed
 * outbox and the cursor. Every function that moves a change from one stage to the next
 * does it in ONE transaction, so a crash at any point leaves each change in exactly one
 * stage (pending, sealed, or acknowledged) and loses none.
 */
import { prefixRange, type DocName, type PacelineDB } from './db';
import { announceSharing } from './sharing';
import { SYNC_ROW_VERSION, type OutboxRow, type PendingRow, type StoredBytes, type SyncDocRow } from './sync-rows';

/** A fresh sync state for a document whose sharing starts now. */
export function newSyncDocRow(circleId: string, docName: DocName, now: number): SyncDocRow {
  return {
    docKey: `${circleId}/${docName}`,
    circleId,
    docName,
    schemaVersion: SYNC_ROW_VERSION,
    enabledAt: now,
    cursor: 0,
    nextDevSeq: 1,
    lastAckedSeq: 0,
    lastAckedAt: null,
    ackedSinceSnapshot: 0,
    snapshot: null,
    baselineFromSnapshot: false,
    devices: {},
  };
}

/**
 * Turns sharing on for a document. If it already has content, a pending "whole state" row
 * makes its first push carry everything written before sharing started. False if it was on.
 */
export async function enableSharing(db: PacelineDB, circleId: string, docName: DocName, now: number = Date.now()): Promise<boolean> {
  const row = newSyncDocRow(circleId, docName, now);
  const started = await db.transaction('rw', [db.syncDocs, db.syncPending, db.docUpdates], async () => {
    const [existing, stored] = await Promise.all([db.syncDocs.get(row.docKey), db.docUpdates.where('docKey').equals(row.docKey).count()]);
    if (existing) return false;
    await Promise.all([db.syncDocs.add(row), stored > 0 ? db.syncPending.add({ docKey: row.docKey, update: null, at: now }) : undefined]);
    return true;
  });
  if (started) announceSharing(db.name, row.docKey, true);
  return started;
}

/** The sync state of a document, or undefined when it is not shared. */
export function getSyncDoc(db: PacelineDB, docKey: string): Promise<SyncDocRow | undefined> {
  return db.syncDocs.get(docKey);
}

/** The shared documents of a circle. */
export function listSyncDocs(db: PacelineDB, circleId: string): Promise<SyncDocRow[]> {
  return db.syncDocs.where('circleId').equals(circleId).toArray();
}

/** A pending row for a local update (added by CommittedDoc inside the write's transaction). */
export function pendingRowFor(docKey: string, update: Uint8Array, at: number): PendingRow {
  return { docKey, update: update as StoredBytes, at };
}

/** A document's pending changes in commit order. */
export function listPending(db: PacelineDB, docKey: string): Promise<PendingRow[]> {
  return db.syncPending.where('docKey').equals(docKey).toArray();
}

/** A document's sealed entries awaiting an ack, in devSeq order. */
export function listOutbox(db: PacelineDB, docKey: string): Promise<OutboxRow[]> {
  return db.syncOutbox.where('[docKey+devSeq]').between([docKey, 0], [docKey, Infinity]).toArray();
}

/** Changes waiting to be shared: pending rows plus the changes merged into unacked envelopes. */
export async function countWaiting(db: PacelineDB, docKey: string): Promise<{ pending: number; unacked: number }> {
  // Keys only: the sealed envelopes themselves can be megabytes (a first share), and this runs at start.
  const [pending, keys] = await Promise.all([
    db.syncPending.where('docKey').equals(docKey).count(),
    db.syncOutbox.where('[docKey+devSeq+changes]').between(...prefixRange(docKey)).keys(),
  ]);
  return { pending, unacked: keys.reduce((sum: number, key) => sum + Number((key as unknown as [string, number, number])[2]), 0) };
}

/** Whether any local change of the document is not acknowledged yet (pending or sealed). */
export async function hasWaiting(db: PacelineDB, docKey: string): Promise<boolean> {
  const [pending, outbox] = await Promise.all([db.syncPending.where('docKey').equals(docKey).count(), db.syncOutbox.where('docKey').equals(docKey).count()]);
  return pending + outbox > 0;
}

export type SealCommitError = 'stale';

/**
 * The seal's commit point: deletes exactly the pending rows that were sealed, adds the
 * outbox entry (or the consecutive entries of a split) and bumps nextDevSeq past them.
 * 'stale' (and nothing written) if another tab sealed first or the pending rows are gone;
 * the caller reloads and seals again.
 */
export async function commitSeal(
  db: PacelineDB,
  docKey: string,
  pendingIds: readonly number[],
  sealed: OutboxRow | readonly OutboxRow[],
): Promise<{ ok: true; value: SyncDocRow } | { ok: false; error: SealCommitError }> {
  const entries: readonly OutboxRow[] = 'devSeq' in sealed ? [sealed] : sealed;
  const first = entries[0]?.devSeq;
  return db.transaction('rw', [db.syncPending, db.syncOutbox, db.syncDocs], async () => {
    const [state, pending] = await Promise.all([db.syncDocs.get(docKey), db.syncPending.bulkGet([...pendingIds])]);
    if (!state || first === undefined || state.nextDevSeq !== first || pending.some((row) => row === undefined || row.docKey !== docKey)) {
      return { ok: false as const, error: 'stale' as const };
    }
    const next: SyncDocRow = { ...state, nextDevSeq: first + entries.length };
    await Promise.all([db.syncPending.bulkDelete([...pendingIds]), db.syncOutbox.bulkAdd([...entries]), db.syncDocs.put(next)]);
    return { ok: true as const, value: next };
  });
}

/**
 * Records an ack: the outbox entry goes, the ack time and count are kept. Returns the new
 * state and the entry, or null for an ack of an entry no longer here (a repeated ack).
 */
export async function commitAck(
  db: PacelineDB,
  docKey: string,
  devSeq: number,
  seq: number,
  now: number,
): Promise<{ state: SyncDocRow; entry: OutboxRow } | null> {
  const key: [string, number] = [docKey, devSeq];
  const outbox = db.syncOutbox;
  return db.transaction('rw', [db.syncOutbox, db.syncDocs], async () => {
    const [state, entry] = await Promise.all([db.syncDocs.get(docKey), outbox.get(key)]);
    if (!state || !entry) return null;
    const next: SyncDocRow = {
      ...state,
      lastAckedSeq: Math.max(state.lastAckedSeq, seq),
      lastAckedAt: now,
      ackedSinceSnapshot: state.ackedSinceSnapshot + 1,
    };
    await Promise.all([outbox.delete(key), db.syncDocs.put(next)]);
    return { state: next, entry };
  });
}

/** Replaces an unacknowledged outbox entry (same devSeq), e.g. resealed under a new key epoch the relay asked for. */
export async function replaceOutboxEntry(db: PacelineDB, entry: OutboxRow): Promise<boolean> {
  const outbox = db.syncOutbox;
  return db.transaction('rw', [db.syncOutbox], async () => {
    if (!(await outbox.get([entry.docKey, entry.devSeq]))) return false;
    await outbox.put(entry);
    return true;
  });
}

/**
 * Replaces a document's unacknowledged outbox entries `before` by `after` (the same changes
 * sealed again under new devSeqs) and sets nextDevSeq right after them, in one transaction.
 * Null, and nothing written, if the outbox or nextDevSeq changed since `before` was read
 * (another tab sealed, or an ack arrived): the caller reads again.
 */
export async function commitRenumber(db: PacelineDB, docKey: string, before: readonly OutboxRow[], after: readonly OutboxRow[], nextDevSeq: number): Promise<SyncDocRow | null> {
  return db.transaction('rw', [db.syncOutbox, db.syncDocs], async () => {
    const [state, current] = await Promise.all([db.syncDocs.get(docKey), listOutbox(db, docKey)]);
    const same = current.length === before.length && current.every((row, i) => row.devSeq === before[i]?.devSeq && sameBytes(row.envelope, before[i].envelope));
    const last = before.at(-1);
    if (!state || !same || (last && state.nextDevSeq !== last.devSeq + 1)) return null;
    const next: SyncDocRow = { ...state, nextDevSeq };
    await db.syncOutbox.bulkDelete(before.map((row): [string, number] => [docKey, row.devSeq]));
    await Promise.all([db.syncOutbox.bulkAdd([...after]), db.syncDocs.put(next)]);
    return next;
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Writes a document's sync state on its own (cursor moves that apply nothing, snapshot bookkeeping). */
export async function putSyncDoc(db: PacelineDB, row: SyncDocRow): Promise<void> {
  await db.syncDocs.put(row);
}

/** Adds a pending "whole state" row: the next seal carries the document's full stored state. */
export async function addFullStatePending(db: PacelineDB, docKey: string, now: number = Date.now()): Promise<void> {
  await db.syncPending.add({ docKey, update: null, at: now });
}

/** Drops a document's pending rows (a device that only reads it; the changes stay in the document). */
export async function clearPending(db: PacelineDB, docKey: string): Promise<void> {
  await db.syncPending.where('docKey').equals(docKey).delete();
}
