// Sealing beyond the ordinary push: a snapshot of a document's whole state (compaction,
// or re-upload after the relay lost data), resealing an unacknowledged outbox entry under
// the circle's new key epoch when the relay refused the old one, and renumbering the
// unacknowledged entries when the relay lost devSeqs it had acknowledged.

import * as Y from 'yjs';
import type { PacelineDB } from '../storage/db';
import type { SyncDocRow } from '../storage/sync-rows';
import type { OutboxRow } from '../storage/sync-rows';
import { commitRenumber, listOutbox, replaceOutboxEntry } from '../storage/sync-store';
import type { Bytes } from './codec-bytes';
import type { CircleTrust } from './circle-trust';
import type { DeviceKeys } from './crypto';
import { AES_GCM_TAG_BYTES, type DocId, LIMITS, type Result, parseDocId } from './protocol';
import { type SealedEnvelope, type SnapshotHeader, envelopeHash, openEnvelope, readEnvelope, sealEnvelope, writeEnvelope } from './protocol-envelope';
import type { SyncIssue } from './sync-status';

/**
 * Seals the document's state as a snapshot covering relay seqs 1..state.cursor, chained to
 * the newest snapshot this device knows. The document holds everything up to the cursor
 * (the cursor moves only after an apply commits); anything newer in it is harmless extra.
 */
export async function sealSnapshot(
  doc: Y.Doc,
  docId: DocId,
  trust: CircleTrust,
  device: DeviceKeys,
  state: SyncDocRow,
): Promise<Result<{ envelope: SealedEnvelope<SnapshotHeader>; hash: Bytes }, SyncIssue>> {
  const parsed = parseDocId(docId);
  const epoch = trust.current?.keyEpoch;
  if (!parsed || epoch === undefined) return { ok: false, error: { code: 'relay-error', error: 'not-a-member', docId } };
  const key = await trust.docKey(docId, epoch);
  if (!key) return { ok: false, error: { code: 'missing-key', epoch } };
  const plaintext = Y.encodeStateAsUpdate(doc);
  if (plaintext.length + AES_GCM_TAG_BYTES > LIMITS.maxSnapshotBytes) return { ok: false, error: { code: 'change-too-large', bytes: plaintext.length } };
  const header: SnapshotHeader = {
    type: 'snapshot',
    circleId: parsed.circleId,
    docId,
    keyEpoch: epoch,
    devicePk: device.publicKey,
    coversSeq: state.cursor,
    prevSnapshotHash: state.snapshot?.hash ?? null,
  };
  const sealed = await sealEnvelope(device, key, header, plaintext);
  if (!sealed.ok) return { ok: false, error: { code: 'relay-error', error: `seal-${sealed.error.code}`, docId } };
  return { ok: true, value: { envelope: sealed.value, hash: await envelopeHash(sealed.value) } };
}

/**
 * Reseals the outbox entry `devSeq` under the circle's current key epoch, keeping its
 * devSeq (the relay never accepted the old bytes). False when there is nothing to do: the
 * entry is gone, already current, or the new key is not here yet.
 */
export async function reseal(db: PacelineDB, docKey: string, trust: CircleTrust, device: DeviceKeys, devSeq: number): Promise<boolean> {
  const entry = await db.syncOutbox.get([docKey, devSeq]);
  const epoch = trust.current?.keyEpoch;
  if (!entry || epoch === undefined) return false;
  const env = readEnvelope(entry.envelope);
  if (!env.ok || env.value.header.type !== 'update' || env.value.header.keyEpoch === epoch) return false;
  const { header } = env.value;
  const [oldKey, newKey] = await Promise.all([trust.docKey(header.docId, header.keyEpoch), trust.docKey(header.docId, epoch)]);
  if (!oldKey || !newKey) return false;
  const plaintext = await openEnvelope(env.value, oldKey);
  if (!plaintext.ok) return false;
  const sealed = await sealEnvelope(device, newKey, { ...header, keyEpoch: epoch }, plaintext.value);
  if (!sealed.ok) return false;
  return replaceOutboxEntry(db, { ...entry, envelope: writeEnvelope(sealed.value) });
}

/**
 * Renumbers the document's unacknowledged outbox entries from `fromDevSeq` on, in order, and
 * moves nextDevSeq after them. A devSeq is in the signed header, so each entry is opened and
 * sealed again (new nonce, new signature, the circle's current epoch). Returns the new sync
 * state, or null when an entry could not be opened or resealed, or the outbox changed meanwhile.
 */
export async function renumberOutbox(db: PacelineDB, docKey: string, trust: CircleTrust, device: DeviceKeys, fromDevSeq: number): Promise<SyncDocRow | null> {
  const before = await listOutbox(db, docKey);
  const epoch = trust.current?.keyEpoch;
  if (epoch === undefined) return null;
  const after: OutboxRow[] = [];
  for (const [i, entry] of before.entries()) {
    const env = readEnvelope(entry.envelope);
    if (!env.ok || env.value.header.type !== 'update') return null;
    const { header } = env.value;
    const [oldKey, newKey] = await Promise.all([trust.docKey(header.docId, header.keyEpoch), trust.docKey(header.docId, epoch)]);
    if (!oldKey || !newKey) return null;
    const plaintext = await openEnvelope(env.value, oldKey);
    if (!plaintext.ok) return null;
    const sealed = await sealEnvelope(device, newKey, { ...header, keyEpoch: epoch, devSeq: fromDevSeq + i }, plaintext.value);
    if (!sealed.ok) return null;
    after.push({ ...entry, devSeq: fromDevSeq + i, envelope: writeEnvelope(sealed.value) });
  }
  return commitRenumber(db, docKey, before, after, fromDevSeq + after.length);
}
