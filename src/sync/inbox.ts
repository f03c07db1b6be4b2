// Applying what the relay sends for one document: a page of updates or a snapshot offer is
// judged item by item (receive.ts), then everything that passed is merged and applied in
// ONE storage transaction together with the new cursor and device bookkeeping. The caller
// adopts the returned state only after that commit; a failure leaves document, cursor and
// memory as they were, and the same items are asked for again.
//
// Protocol 3: the relay sends live updates before they are durable and tells how far the
// document is durable (PROTOCOL.md "Durability"). Updates are applied at once, but the
// stored cursor stays at or below the durable watermark: should the relay die and give a
// seq to another update, a subscription from the cursor brings that one too. Applying an
// update twice changes nothing (Yjs), and a device's devSeq it already applied is skipped.
// Position says how far a subscription got beyond the cursor; it lives only in memory and
// starts at the cursor with every subscription.

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

/** How far a subscription applied beyond the stored cursor (see the note at the top). */
export interface Position {
  /** The last seq applied to the document (at least the cursor). */
  readonly through: number;
  /** Envelope hashes of the applied seqs above the cursor: one becomes the cursor's hash once durable. */
  readonly hashes: ReadonlyMap<number, Bytes>;
  /** The relay's durability watermark for this document, as far as it has told. */
  readonly durable: number;
}

/** The position of a subscription that starts at the stored cursor. */
export function positionAt(state: SyncDocRow): Position {
  return { through: state.cursor, hashes: new Map(), durable: state.cursor };
}

/** The state with the cursor a position allows (the applied seq, but no further than the durable one), or null if it stays. */
function cursorOf(state: SyncDocRow, position: Position): SyncDocRow | null {
  const cursor = Math.min(position.through, position.durable);
  if (cursor <= state.cursor) return null;
  const { cursorHash: _old, ...rest } = state;
  const hash = position.hashes.get(cursor);
  // Every applied seq above the cursor has its hash; without one the cursor is stored without it.
  return hash ? { ...rest, cursor, cursorHash: hash as StoredBytes } : { ...rest, cursor };
}

/** The hashes still needed once the cursor is at `cursor`. */
function hashesAbove(hashes: ReadonlyMap<number, Bytes>, cursor: number): Map<number, Bytes> {
  const kept = new Map<number, Bytes>();
  for (const [seq, hash] of hashes) if (seq > cursor) kept.set(seq, hash);
  return kept;
}

export type PageOutcome =
  /** The page does not continue the cursor: subscribe again from it. */
  | { kind: 'gap'; expected: number; got: number }
  | {
      kind: 'applied';
      state: SyncDocRow;
      position: Position;
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

/**
 * Judges and applies one page of updates that should continue the position; `durableThrough`
 * is the page's watermark (everything on it, before protocol 3).
 */
export async function applyPage(ctx: InboxContext, items: readonly UpdateItem[], position: Position, durableThrough: number): Promise<PageOutcome> {
  const fresh = items.filter((item) => item.seq > position.through);
  const first = fresh[0];
  if (first && first.seq !== position.through + 1) return { kind: 'gap', expected: position.through + 1, got: first.seq };
  const durable = Math.max(position.durable, durableThrough);
  const devices = { ...ctx.state.devices };
  const updates: Uint8Array[] = [];
  // Updates accepted earlier in this page come before the next one in a scope check.
  const judge = receiveContext(ctx, devices, updates);
  const rejected: Rejection[] = [];
  const withheld: string[] = [];
  let through = position.through;
  const hashes = new Map(position.hashes);
  const processed: UpdateItem[] = [];
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
    through = item.seq;
    processed.push(item);
  }
  // A hash is needed only where the cursor may stop: where it moves now, or at a seq not yet durable.
  const target = Math.min(through, durable);
  for (const item of processed) if (item.seq > durable || item.seq === target) hashes.set(item.seq, await envelopeHash(item.envelope));
  const moved: Position = { through, hashes, durable };
  const cursor = cursorOf(ctx.state, moved);
  if (through === position.through && !cursor) return { kind: 'applied', state: ctx.state, position: moved, applied: 0, rejected, withheld, waiting };
  const next: SyncDocRow = { ...(cursor ?? ctx.state), devices };
  const error = await commit(ctx, next, updates);
  if (error) return { kind: 'failed', error };
  return { kind: 'applied', state: next, position: { ...moved, hashes: hashesAbove(hashes, next.cursor) }, applied: updates.length, rejected, withheld, waiting };
}

/** The relay says the document is durable through `seq`: the stored cursor follows as far as applied. */
export async function advanceDurable(ctx: InboxContext, position: Position, seq: number): Promise<{ kind: 'moved'; state: SyncDocRow; position: Position } | { kind: 'failed'; error: StorageError }> {
  const moved: Position = { ...position, durable: Math.max(position.durable, seq) };
  const next = cursorOf(ctx.state, moved);
  if (!next) return { kind: 'moved', state: ctx.state, position: moved };
  const error = await commit(ctx, next, []);
  if (error) return { kind: 'failed', error };
  return { kind: 'moved', state: next, position: { ...moved, hashes: hashesAbove(moved.hashes, next.cursor) } };
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
