// Sealing: pending local changes of one document become one signed, encrypted envelope in
// the outbox. The seal itself (merge, encrypt, sign) happens outside any transaction; the
// commit (delete exactly those pending rows, add the outbox row, bump nextDevSeq) is ONE
// transaction. A crash or failure before that commit leaves the pending rows where they
// were, and the next seal uses the same devSeq again: nothing is lost, and no devSeq is
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
import { docKeyOfDocId } from './sync-ids';

/**
 * Plaintext budget of one envelope. Merged updates are about the sum of their parts, so
 * rows are taken while their sum fits; the rest go into the next envelope.
 */
export const SEAL_BUDGET_BYTES = LIMITS.maxUpdateBytes - AES_GCM_TAG_BYTES - 4 * 1024;

export type SealError =
  /** A single change (or the whole state when sharing starts) is larger than one envelope may carry. */
  | { code: 'too-large'; bytes: number }
  /** Another tab sealed first, or the rows changed: reload the state and seal again. */
  | { code: 'stale' }
  | { code: 'seal-failed'; reason: string }
  | { code: 'storage-failed'; message: string };

export interface Sealed {
  state: SyncDocRow;
  entry: OutboxRow;
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

/** The plaintext of chosen rows: the whole stored state if one row asks for it, else their merge. */
export async function plaintextOf(db: PacelineDB, docKey: string, rows: readonly PendingRow[]): Promise<Uint8Array> {
  if (rows.some((r) => r.update === null)) {
    // Read from storage, not from memory: it also holds what other tabs committed.
    const doc = await loadDoc(db, docKey);
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return state;
  }
  const updates = rows.map((r) => r.update as Uint8Array);
  return updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates);
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
  let plaintext: Uint8Array;
  try {
    all = await listPending(db, docKey);
    rows = choosePending(all);
    if (rows.length === 0) return { ok: true, value: null };
    plaintext = await plaintextOf(db, docKey, rows);
  } catch (err) {
    return { ok: false, error: { code: 'storage-failed', message: toStorageError(err).message } };
  }
  if (plaintext.length > SEAL_BUDGET_BYTES) return { ok: false, error: { code: 'too-large', bytes: plaintext.length } };
  const header: UpdateHeader = { type: 'update', circleId: parsed.circleId, docId, keyEpoch: key.epoch, devicePk: device.publicKey, devSeq: state.nextDevSeq };
  const sealed = await sealEnvelope(device, key, header, plaintext);
  if (!sealed.ok) return { ok: false, error: { code: 'seal-failed', reason: sealed.error.code } };
  const entry: OutboxRow = {
    docKey,
    devSeq: header.devSeq,
    envelope: writeEnvelope(sealed.value),
    changes: rows.length,
    createdAt: now,
    schemaVersion: SYNC_ROW_VERSION,
  };
  try {
    const committed = await commitSeal(db, docKey, rows.map((r) => r.id as number), entry);
    if (!committed.ok) return { ok: false, error: { code: 'stale' } };
    return { ok: true, value: { state: committed.value, entry, more: rows.length < all.length } };
  } catch (err) {
    // The pending rows are still there; the same devSeq is sealed again next time.
    return { ok: false, error: { code: 'storage-failed', message: toStorageError(err).message } };
  }
}
