// The relay's storage interface. The relay stores only sealed envelopes, signed membership
// links and the metadata it needs to order them (ids, device keys, epochs, sequence
// numbers, hashes, times); it never hands a store anything it could read.
//
// Every implementation runs the same suite (tests/unit/server/store-suite.ts), so an
// adapter for another engine (PostgreSQL for several relays) is written against those
// tests. The interface is asynchronous for that reason, even though SQLite is not.
//
// Writes arrive only as a WriteBatch that the store applies in ONE transaction, durable
// when commit() resolves: the relay acknowledges pushes only after that (group commit,
// see group-commit.ts). Reads never see uncommitted data.

import type { Bytes } from '../../src/sync/codec-bytes';
import type { CircleId, DocId, Result } from '../../src/sync/protocol';

/** A circle's pinned owner key and its membership chain as encoded SignedMembership links, oldest first. */
export interface StoredCircle {
  ownerPk: Bytes;
  links: Uint8Array[];
}

/** What the relay knows about a document's newest snapshot (the envelope itself is read separately). */
export interface SnapshotMeta {
  coversSeq: number;
  /** envelopeHash of the snapshot: the next snapshot's prevSnapshotHash. */
  hash: Bytes;
  devicePk: Bytes;
  receivedAt: number;
  /** When a second device confirmed it, or null. */
  confirmedAt: number | null;
}

/** A document's position: the highest committed seq (0 when empty) and its newest snapshot. */
export interface DocHead {
  head: number;
  snapshot: SnapshotMeta | null;
  /** Envelopes with seq <= prunedThrough were dropped after a snapshot covered them. */
  prunedThrough: number;
}

/** Per (document, device): the last accepted devSeq and how many envelopes it sealed under keyEpoch. */
export interface DeviceCounters {
  lastDevSeq: number;
  keyEpoch: number;
  /** Updates and snapshots sealed under keyEpoch (ephemeral messages use another key). */
  seals: number;
}

export interface StoredUpdate {
  seq: number;
  /** The envelope's canonical bytes (writeEnvelope). */
  envelope: Uint8Array;
}

export interface MembershipWrite {
  circleId: CircleId;
  version: number;
  link: Uint8Array;
  /** Set exactly for version 1: the key the circle's chain is pinned to. */
  ownerPk: Bytes | null;
}

export interface UpdateWrite {
  docId: DocId;
  seq: number;
  devicePk: Bytes;
  devSeq: number;
  keyEpoch: number;
  hash: Bytes;
  envelope: Uint8Array;
  receivedAt: number;
}

export interface SnapshotWrite {
  docId: DocId;
  coversSeq: number;
  devicePk: Bytes;
  keyEpoch: number;
  hash: Bytes;
  envelope: Uint8Array;
  receivedAt: number;
}

export interface ConfirmWrite {
  docId: DocId;
  coversSeq: number;
  confirmedAt: number;
}

/** Drop the envelopes of updates with seq <= throughSeq and the snapshots older than the one covering throughSeq. */
export interface PruneWrite {
  docId: DocId;
  throughSeq: number;
}

/**
 * One transaction, applied in this order: memberships, updates, snapshots, confirmations,
 * prunes. A store refuses the whole batch if it would break an invariant: per-document seq
 * gap-free from head + 1, devSeq unique per (document, device), membership versions
 * consecutive from the stored chain (genesis with an owner key), each snapshot covering
 * more than the document's newest.
 */
export interface WriteBatch {
  memberships: MembershipWrite[];
  updates: UpdateWrite[];
  snapshots: SnapshotWrite[];
  confirmations: ConfirmWrite[];
  prunes: PruneWrite[];
}

/** An empty batch to fill. */
export function emptyBatch(): WriteBatch {
  return { memberships: [], updates: [], snapshots: [], confirmations: [], prunes: [] };
}

/** True when a batch holds nothing to write. */
export function isEmptyBatch(b: WriteBatch): boolean {
  return b.memberships.length + b.updates.length + b.snapshots.length + b.confirmations.length + b.prunes.length === 0;
}

/**
 * 'invariant': the batch would break a rule above (a relay bug, or two relays writing one
 * embedded store); nothing was written. 'unavailable': the engine failed (disk full, I/O).
 */
export type StoreError = { code: 'invariant' | 'unavailable'; message: string };

export interface RelayStore {
  /** A short name for logs and metrics ('sqlite', 'memory'). */
  readonly kind: string;
  /** The circle's owner key and chain, or null if no genesis was stored. */
  loadCircle(circleId: CircleId): Promise<StoredCircle | null>;
  /** The document's committed head and newest snapshot; head 0 for an unknown document. */
  loadDoc(docId: DocId): Promise<DocHead>;
  /** The device's counters in a document; zeros for a device that never wrote to it. */
  loadDevice(docId: DocId, devicePk: Uint8Array): Promise<DeviceCounters>;
  /** The seq and envelope hash of an accepted update, for duplicate detection (kept after pruning). */
  findUpdate(docId: DocId, devicePk: Uint8Array, devSeq: number): Promise<{ seq: number; hash: Bytes } | null>;
  /**
   * Committed updates from fromSeq on, consecutive, in seq order, stopping before maxBytes
   * of envelope bytes (at least one item when there is one) and at the first pruned seq.
   */
  readUpdates(docId: DocId, fromSeq: number, maxBytes: number): Promise<StoredUpdate[]>;
  /** The newest snapshot's envelope bytes, or null. */
  readSnapshot(docId: DocId): Promise<{ meta: SnapshotMeta; envelope: Uint8Array } | null>;
  /** Newest snapshots received before the cutoff that were never confirmed and whose prefix is not yet pruned. */
  snapshotsDueForRetention(receivedBefore: number): Promise<{ docId: DocId; coversSeq: number }[]>;
  /** Applies the batch in one durable transaction; resolves only once it is on disk. */
  commit(batch: WriteBatch): Promise<Result<void, StoreError>>;
  /** Releases the engine; pending commits must have settled. */
  close(): Promise<void>;
}
// Reads reject only when the engine fails (an I/O error, not an expected outcome); the
// relay turns that into a 'storage-unavailable' error frame.
