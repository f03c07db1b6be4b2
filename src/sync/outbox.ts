// Sealing: pending local changes of one document become one signed, encrypted envelope in
// the outbox, or several consecutive ones when they are larger than an envelope may carry
// (split-update.ts: the whole state when sharing starts on years of data, or one huge
// change). The seal itself (merge, encrypt, sign) happens outside any transaction; the
// commit (delete exactly those pending rows, add the outbox rows, bump nextDevSeq) is ONE
// transaction. A crash or failure before that commit leaves the pending rows where they
// were, and the next seal uses the same devSeqs again: nothing is lost, and no devSeq is
// skipped, because an envelope is pushed only after its commit.

import * as Y from 'yjs';
import type { PacelineDB } from '../storage/db';
import { type OutboxRow, type PendingRow, SYNC_ROW_VERSION, type SyncDocRow } from '../storage/sync-rows';
import { commitSeal, listPending } from '../storage/sync-store';
import { loadDoc } from '../storage/ydoc-store';
import { toStorageError } from '../storage/errors';
import type { DeviceKeys, DocKey } from './crypto';
import { AES_GCM_TAG_BYTES, type DocId, LIMITS, type Result, parseDocId } from './protocol';
import { type UpdateHeader, sealEnvelope, writeEnvelope } from './protocol-envelope';
import { splitState } from './split-update';
import { docKeyOfDocId } from './sync-ids';

/**
 * Plaintext budget of one envelope. Merged updates are about the sum of their parts, so
 * rows are taken while their sum fits; the rest go into the next envelope.
 */
export const SEAL_BUDGET_BYTES = LIMITS.maxUpdateBytes - AES_GCM_TAG_BYTES - 4 * 1024;

export type SealError =
  /** A single struct (one value), or the delete set, is larger than one envelope may carry. */
  | { code: 'too-large'; bytes: number }
  /** Another tab sealed first, or the rows changed: reload the state and seal again. */
  | { code: 'stale' }
  | { code: 'seal-failed'; reason: string }
  | { code: 'storage-failed'; message: string };

export interface Sealed {
  state: SyncDocRow;
  /** Consecutive devSeqs; more than one when the changes had to be split. */
  entries: OutboxRow[];
  /** Pending rows were left for the next envelope (over the budget). */
  more: boolean;
}

/** Picks the pending rows for one envelope: all of them for a whole-state row, else as many as fit in order. */
export function choosePending(rows: readonly PendingRow[], budget: number = SEAL_BUDGET_BYTES): PendingRow[] {
  if (rows.some((r) => r.update === null)) return [...rows];
  const chosen: PendingRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = (row.update as Uint8Array).length;
    if (chosen.length > 0 && bytes + size > budget) break;
    chosen.push(row);
    bytes += size;
  }
  return chosen;
}

/**
 * The plaintexts of chosen rows, each within `budget`: the whole stored state if one row asks
 * for it, else their merge; split into several updates when too large. Null when even a
 * split cannot fit (one value over the budget). The second value is the unsplit size.
 */
export async function plaintextsOf(db: PacelineDB, docKey: string, rows: readonly PendingRow[], budget: number = SEAL_BUDGET_BYTES): Promise<{ pieces: Uint8Array[] | null; bytes: number }> {
  const whole = rows.some((r) => r.update === null);
  let since: Map<number, number> | undefined;
  if (!whole) {
    const updates = rows.map((r) => r.update as Uint8Array);
    const merged = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates);
    if (merged.length <= budget) return { pieces: [merged], bytes: merged.length };
    // The document holds this change (and maybe later ones): split its state from where the change starts.
    since = Y.parseUpdateMeta(merged).from;
  }
  // Read from storage, not from memory: it also holds what other tabs committed.
  const doc = await loadDoc(db, docKey);
  try {
    const bytes = Y.encodeStateAsUpdate(doc, since && Y.encodeStateVector(since)).length;
    return { pieces: splitState(doc, budget, since), bytes };
  } finally {
    doc.destroy();
  }
}

/**
 * Seals the next envelope of a document from its pending rows and commits it to the outbox.
 * ok(null) when nothing is pending. `state` is the caller's copy of the sync state.
 */
export async function sealNext(
  db: PacelineDB,
  docId: DocId,
  state: SyncDocRow,
  device: DeviceKeys,
  key: DocKey,
  now: number,
): Promise<Result<Sealed | null, SealError>> {
  const parsed = parseDocId(docId);
  if (!parsed) throw new RangeError(`not a document id: ${docId}`);
  const docKey = docKeyOfDocId(docId);
  let rows: PendingRow[];
  let all: PendingRow[];
  let plaintexts: { pieces: Uint8Array[] | null; bytes: number };
  try {
    all = await listPending(db, docKey);
    rows = choosePending(all);
    if (rows.length === 0) return { ok: true, value: null };
    plaintexts = await plaintextsOf(db, docKey, rows);
  } catch (err) {
    return { ok: false, error: { code: 'storage-failed', message: toStorageError(err).message } };
  }
  const { pieces } = plaintexts;
  if (!pieces) return { ok: false, error: { code: 'too-large', bytes: plaintexts.bytes } };
  const entries: OutboxRow[] = [];
  for (const [i, plaintext] of pieces.entries()) {
    const header: UpdateHeader = { type: 'update', circleId: parsed.circleId, docId, keyEpoch: key.epoch, devicePk: device.publicKey, devSeq: state.nextDevSeq + i };
    const sealed = await sealEnvelope(device, key, header, plaintext);
    if (!sealed.ok) return { ok: false, error: { code: 'seal-failed', reason: sealed.error.code } };
    entries.push({
      docKey,
      devSeq: header.devSeq,
      envelope: writeEnvelope(sealed.value),
      // The status counts changes: they are shared once the last piece is acknowledged (acks come in devSeq order).
      changes: i === pieces.length - 1 ? rows.length : 0,
      createdAt: now,
      schemaVersion: SYNC_ROW_VERSION,
    });
  }
  try {
    const committed = await commitSeal(db, docKey, rows.map((r) => r.id as number), entries);
    if (!committed.ok) return { ok: false, error: { code: 'stale' } };
    return { ok: true, value: { state: committed.value, entries, more: rows.length < all.length } };
  } catch (err) {
    // The pending rows are still there; the same devSeq is sealed again next time.
    return { ok: false, error: { code: 'storage-failed', message: toStorageError(err).message } };
  }
}
