// Applying what the relay sends for one document: a page of updates or a snapshot offer is
// judged item by item (receive.ts), then everything that passed is merged and applied in
// ONE storage transaction together with the new cursor and device bookkeeping. The caller
// adopts the returned state only after that commit; a failure leaves document, cursor and
// memory as they were, and the same items are asked for again.

import * as Y from 'yjs';
import type { PacelineDB } from '../storage/db';
import { ORIGIN_SYNC } from '../storage/doc-commit';
import type { StorageError } from '../storage/errors';
import type { SeenDevice, StoredBytes, SyncDocRow } from '../storage/sync-rows';
import type { SyncableDoc } from '../storage/syncable';
import { putSyncDoc } from '../storage/sync-store';
import { toStorageError } from '../storage/errors';
import type { Bytes } from './codec-bytes';
import type { CircleTrust } from './circle-trust';
import type { DocId, UpdateItem } from './protocol';
import { type SealedEnvelope, type SnapshotHeader, type UpdateHeader, envelopeHash } from './protocol-envelope';
import { type ReceiveContext, type Rejection, judgeSnapshot, judgeUpdate } from './receive';
import { toMemberRef } from './circle-members';
import type { Role } from './protocol';

export interface InboxContext {
  readonly db: PacelineDB;
  readonly store: SyncableDoc;
  readonly docId: DocId;
  readonly trust: CircleTrust;
  readonly ownPk: Bytes;
  readonly state: SyncDocRow;
  readonly now: number;
}

export type Waiting = { reason: 'membership' | 'key'; epoch: number };

export type PageOutcome =
  /** The page does not continue the cursor: subscribe again from it. */
  | { kind: 'gap'; expected: number; got: number }
  | {
      kind: 'applied';
      state: SyncDocRow;
      applied: number;
      rejected: Rejection[];
      /** Devices (hex) whose devSeq jumped in this page. */
      withheld: string[];
      /** Set when processing stopped before the end of the page. */
      waiting: Waiting | null;
    }
  | { kind: 'failed'; error: StorageError };

function receiveContext(ctx: InboxContext, devices: Record<string, SeenDevice>, earlier: readonly Uint8Array[] = []): ReceiveContext {
  const scope = ctx.store.remoteScope?.bind(ctx.store);
  return {
    ...(scope ? { scope: (role: Role, devicePk: Bytes, plaintext: Bytes) => scope(plaintext, { role, memberRef: toMemberRef(devicePk) }, earlier) } : {}),
    ownPk: ctx.ownPk,
    ownNextDevSeq: ctx.state.nextDevSeq,
    ownReapplyBelow: ctx.state.ownReapplyBelow ?? 0,
    newestEpoch: ctx.trust.current?.keyEpoch ?? 0,
    membershipFor: (epoch) => ctx.trust.forEpoch(epoch),
    docKey: (epoch) => ctx.trust.docKey(ctx.docId, epoch),
    lastSeen: (device) => {
      const seen = devices[device];
      return seen && seen.devSeq > 0 ? seen.devSeq : undefined;
    },
    baselineFromSnapshot: ctx.state.baselineFromSnapshot,
  };
}

function isUpdate(env: SealedEnvelope): env is SealedEnvelope<UpdateHeader> {
  return env.header.type === 'update';
}

/** Commits `next` with `update` applied (or alone when nothing is to be applied). */
async function commit(ctx: InboxContext, next: SyncDocRow, updates: Uint8Array[]): Promise<StorageError | null> {
  if (updates.length === 0) {
    try {
      await putSyncDoc(ctx.db, next);
      return null;
    } catch (err) {
      return toStorageError(err);
    }
  }
  const merged = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates);
  // This transaction is crucial: the update, its derived rows and the cursor commit together.
  const written = await ctx.store.applyRemoteUpdate(merged, { origin: ORIGIN_SYNC, also: { tables: [ctx.db.syncDocs], run: () => ctx.db.syncDocs.put(next) } });
  return written.ok ? null : written.error;
}

/** Judges and applies one page of updates that should continue the cursor. */
export async function applyPage(ctx: InboxContext, items: readonly UpdateItem[]): Promise<PageOutcome> {
  const fresh = items.filter((item) => item.seq > ctx.state.cursor);
  const first = fresh[0];
  if (first && first.seq !== ctx.state.cursor + 1) return { kind: 'gap', expected: ctx.state.cursor + 1, got: first.seq };
  const devices = { ...ctx.state.devices };
  const updates: Uint8Array[] = [];
  // Updates accepted earlier in this page come before the next one in a scope check.
  const judge = receiveContext(ctx, devices, updates);
  const rejected: Rejection[] = [];
  const withheld: string[] = [];
  let cursor = ctx.state.cursor;
  let last: UpdateItem | undefined;
  let waiting: Waiting | null = null;
  for (const item of fresh) {
    // The codec admits only update envelopes of this document into a page; checked again here for the type.
    const verdict = isUpdate(item.envelope) ? await judgeUpdate(item.envelope, judge) : ({ kind: 'reject', reason: 'wrong-document', device: '' } as const);
    if (verdict.kind === 'wait') {
      waiting = { reason: verdict.reason, epoch: verdict.epoch };
      break;
    }
    if (verdict.kind === 'apply') {
      updates.push(verdict.plaintext);
      const seen = devices[verdict.device];
      devices[verdict.device] = { devSeq: verdict.devSeq, at: ctx.now, gaps: (seen?.gaps ?? 0) + (verdict.gap ? 1 : 0) };
      if (verdict.gap) withheld.push(verdict.device);
    } else if (verdict.kind === 'reject') rejected.push(verdict.reason);
    cursor = item.seq;
    last = item;
  }
  if (cursor === ctx.state.cursor || !last) return { kind: 'applied', state: ctx.state, applied: 0, rejected, withheld, waiting };
  const cursorHash = (await envelopeHash(last.envelope)) as StoredBytes;
  const next: SyncDocRow = { ...ctx.state, cursor, cursorHash, devices };
  const error = await commit(ctx, next, updates);
  if (error) return { kind: 'failed', error };
  return { kind: 'applied', state: next, applied: updates.length, rejected, withheld, waiting };
}

export type OfferOutcome =
  /** Applied: the cursor jumped to coversSeq. */
  | { kind: 'applied'; state: SyncDocRow }
  /** Covers no more than we hold: only its hash was noted (the next snapshot chains to it). */
  | { kind: 'noted'; state: SyncDocRow; envelope: SealedEnvelope<SnapshotHeader>; hash: Bytes }
  | { kind: 'rejected'; reason: Rejection }
  | { kind: 'waiting'; waiting: Waiting }
  | { kind: 'failed'; error: StorageError };

/** Handles a snapshot offer: applies it when it covers more than the cursor, else notes it. */
export async function applyOffer(ctx: InboxContext, env: SealedEnvelope<SnapshotHeader>): Promise<OfferOutcome> {
  const { coversSeq } = env.header;
  const hash = await envelopeHash(env);
  const newer = !ctx.state.snapshot || coversSeq > ctx.state.snapshot.coversSeq;
  if (coversSeq <= ctx.state.cursor) {
    // A client ignores a snapshot that covers less than its cursor, except to chain the next one to it.
    if (!newer) return { kind: 'noted', state: ctx.state, envelope: env, hash };
    // Learned of a newer snapshot: the count towards this device's next one starts again.
    const next: SyncDocRow = { ...ctx.state, snapshot: { coversSeq, hash }, ackedSinceSnapshot: 0 };
    const error = await commit(ctx, next, []);
    return error ? { kind: 'failed', error } : { kind: 'noted', state: next, envelope: env, hash };
  }
  const verdict = await judgeSnapshot(env, receiveContext(ctx, ctx.state.devices));
  if (verdict.kind === 'reject') return { kind: 'rejected', reason: verdict.reason };
  if (verdict.kind === 'wait') return { kind: 'waiting', waiting: { reason: verdict.reason, epoch: verdict.epoch } };
  // The snapshot covers an unknown number of each device's updates: devSeq baselines restart.
  const devices: Record<string, SeenDevice> = {};
  for (const [device, seen] of Object.entries(ctx.state.devices)) devices[device] = { ...seen, devSeq: 0 };
  const { cursorHash: _seen, ...rest } = ctx.state;
  const next: SyncDocRow = { ...rest, cursor: coversSeq, snapshot: { coversSeq, hash }, ackedSinceSnapshot: 0, baselineFromSnapshot: true, devices };
  const error = await commit(ctx, next, [verdict.plaintext]);
  return error ? { kind: 'failed', error } : { kind: 'applied', state: next };
}

/**
 * Whether this device may vouch for a snapshot (snapshot-confirm): it has processed
 * everything the snapshot covers, and the snapshot's state equals the document's (it
 * covers every update held here and adds nothing this device has not seen).
 */
export async function mayConfirm(ctx: InboxContext, env: SealedEnvelope<SnapshotHeader>): Promise<boolean> {
  if (ctx.state.cursor < env.header.coversSeq) return false;
  const verdict = await judgeSnapshot(env, receiveContext(ctx, ctx.state.devices));
  if (verdict.kind !== 'apply') return false;
  const ours = Y.encodeStateAsUpdate(ctx.store.doc);
  return addsNothing(ours, verdict.plaintext) && addsNothing(verdict.plaintext, ours);
}

/** True when applying `update` to a document holding `base` changes nothing. */
function addsNothing(base: Uint8Array, update: Uint8Array): boolean {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  let changed = false;
  doc.on('update', () => { changed = true; });
  Y.applyUpdate(doc, update);
  const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
  doc.destroy();
  return !changed && !pending;
}
