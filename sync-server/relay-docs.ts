// Accepting writes to documents without reading them: pushes, snapshots, snapshot
// confirmations, the retention sweep, and the authorization of ephemeral messages. The
// rules are PROTOCOL.md's, in its order, with one addition: a retransmission (same device,
// same devSeq, same envelope hash) is recognized before the membership, epoch and budget
// checks, so a push accepted before a key rotation is still acknowledged after it.
//
// Each decision reads state with awaits first, then checks and mutates the in-memory
// ledger in one synchronous step and queues the write: that step is where seqs are
// assigned. The caller answers the client when `durable` resolves.

import { type Bytes, bytesEqual, toHex } from '../src/sync/codec-bytes';
import { type CircleId, type DocId, type ErrorCode, type Result, parseDocId, writesWithoutReading } from '../src/sync/protocol';
import type { EnvelopeHeader, EphemeralHeader, SealedEnvelope, SnapshotHeader, UpdateHeader } from '../src/sync/protocol-envelope';
import { authorizeWrite, findMember, isPending, mayRead } from '../src/sync/protocol-membership';
import { type DocLedger, type DocLedgers, pushKey } from './doc-ledger';
import type { GroupCommitter } from './group-commit';
import type { CircleState, MembershipCache } from './membership-cache';
import type { RelayLimitsConfig } from './relay-options';
import type { RelayStore, StoreError } from './storage/store';

/** An envelope after the membership gate and the signature check (relay-handlers.ts check()). */
export interface CheckedEnvelope<H extends EnvelopeHeader = EnvelopeHeader> {
  env: SealedEnvelope<H>;
  /** Canonical envelope bytes, as stored and as framed to subscribers. */
  bytes: Uint8Array;
  /** envelopeHash: SHA-256 of the signed bytes. */
  hash: Bytes;
  signatureOk: boolean;
  /** Set when the envelope was refused before its signature was checked (see gate()). */
  refusal: Refusal | null;
}

/** A refused request; a 'seq-gap' names the devSeq the relay expects next from the device. */
export type Refusal = { code: ErrorCode; message: string; expectedDevSeq?: number };
export type Durable = Promise<Result<void, StoreError>>;
export type Accepted = { seq: number; duplicate: boolean; durable: Durable };

const refuse = (code: ErrorCode, message: string): { ok: false; error: Refusal } => ({ ok: false, error: { code, message } });
const DONE: Durable = Promise.resolve({ ok: true, value: undefined });

function authorize(circle: CircleState | null, header: EnvelopeHeader): Refusal | null {
  if (!circle) return { code: 'unknown-circle', message: 'no membership has been published for this circle' };
  const auth = authorizeWrite(circle.current, header);
  if (auth.ok) return null;
  switch (auth.error) {
    case 'unknown-signer':
      return { code: 'unknown-signer', message: 'the signing device is not in the current membership' };
    case 'forbidden':
      return { code: 'forbidden', message: "this role may not write this document's class" };
    case 'wrong-epoch':
      return { code: 'wrong-epoch', message: `seal under key epoch ${circle.current.keyEpoch}` };
    case 'wrong-circle':
      return { code: 'internal', message: 'envelope and membership name different circles' };
  }
}

/** Decides pushes, snapshots and confirmations against the ledgers and the membership cache. */
export class DocService {
  constructor(
    private readonly store: RelayStore,
    private readonly ledgers: DocLedgers,
    private readonly memberships: MembershipCache,
    private readonly committer: GroupCommitter,
    private readonly limits: RelayLimitsConfig,
    private readonly now: () => number,
  ) {}

  /** Decides a push (deviceHex: the signer's key in hex); on acceptance the ack waits for `durable`. */
  async push(c: CheckedEnvelope<UpdateHeader>, deviceHex: string = toHex(c.env.header.devicePk)): Promise<Result<Accepted, Refusal>> {
    const h = c.env.header;
    if (c.refusal) return { ok: false, error: c.refusal };
    if (!c.signatureOk) return refuse('bad-signature', 'the envelope signature does not verify');
    for (;;) {
      const ledger = await this.ledgers.get(h.docId);
      const device = await this.ledgers.device(ledger, h.devicePk, deviceHex);
      const circle = await this.circle(h.circleId);
      if (ledger.stale || circle?.stale) continue;
      if (h.devSeq <= device.lastDevSeq) return this.retransmission(ledger, c, deviceHex, device.lastDevSeq + 1);
      const denied = authorize(circle, h) ?? this.overBudget(device, h);
      if (denied) return { ok: false, error: denied };
      if (h.devSeq !== device.lastDevSeq + 1) {
        // The client needs the number: if it is below what it pushed, the relay lost acknowledged pushes and the client renumbers.
        const expectedDevSeq = device.lastDevSeq + 1;
        return { ok: false, error: { code: 'seq-gap', message: `expected devSeq ${expectedDevSeq}`, expectedDevSeq } };
      }
      // Synchronous from here: the seq is assigned and the write queued in one step.
      const seq = ++ledger.head;
      device.lastDevSeq = h.devSeq;
      this.countSeal(device, h.keyEpoch);
      const durable = this.queue(ledger, (batch) => {
        batch.updates.push({ docId: h.docId, seq, devicePk: h.devicePk, devSeq: h.devSeq, keyEpoch: h.keyEpoch, hash: c.hash, envelope: c.bytes, receivedAt: this.now() });
      });
      const key = pushKey(deviceHex, h.devSeq);
      ledger.pending.set(key, { seq, hash: c.hash, durable: durable.then((r) => r.ok) });
      void durable.then(() => ledger.pending.delete(key));
      return { ok: true, value: { seq, duplicate: false, durable } };
    }
  }

  /** Decides a snapshot upload; 'snapshot-ack' waits for `durable`. */
  async snapshot(c: CheckedEnvelope<SnapshotHeader>): Promise<Result<Accepted, Refusal>> {
    const h = c.env.header;
    if (c.refusal) return { ok: false, error: c.refusal };
    if (!c.signatureOk) return refuse('bad-signature', 'the envelope signature does not verify');
    for (;;) {
      const ledger = await this.ledgers.get(h.docId);
      const device = await this.ledgers.device(ledger, h.devicePk);
      const circle = await this.memberships.get(h.circleId);
      if (ledger.stale || circle?.stale) continue;
      const newest = ledger.snapshot;
      // The same snapshot again (its ack was lost): acknowledge it again.
      if (newest && bytesEqual(newest.hash, c.hash)) return { ok: true, value: { seq: newest.coversSeq, duplicate: true, durable: ledger.snapshotDurable } };
      const denied = authorize(circle, h) ?? this.overBudget(device, h);
      if (denied) return { ok: false, error: denied };
      if (h.coversSeq > ledger.committed) return refuse('snapshot-rejected', `covers seq ${h.coversSeq} but the head is ${ledger.committed}`);
      const chained = newest ? h.prevSnapshotHash !== null && bytesEqual(h.prevSnapshotHash, newest.hash) : h.prevSnapshotHash === null;
      if (!chained) return refuse('snapshot-rejected', 'prevSnapshotHash is not the hash of the newest snapshot');
      if (newest && h.coversSeq <= newest.coversSeq) return refuse('snapshot-rejected', `must cover more than seq ${newest.coversSeq}`);
      const receivedAt = this.now();
      ledger.snapshot = { coversSeq: h.coversSeq, hash: c.hash, devicePk: h.devicePk, receivedAt, confirmedAt: null };
      this.countSeal(device, h.keyEpoch);
      const durable = this.queue(ledger, (batch) => {
        batch.snapshots.push({ docId: h.docId, coversSeq: h.coversSeq, devicePk: h.devicePk, keyEpoch: h.keyEpoch, hash: c.hash, envelope: c.bytes, receivedAt });
      });
      ledger.snapshotDurable = durable;
      return { ok: true, value: { seq: h.coversSeq, duplicate: false, durable } };
    }
  }

  /** A second device vouches for the newest snapshot: the covered updates may go. */
  async confirm(devicePk: Uint8Array, msg: { docId: DocId; coversSeq: number; snapshotHash: Uint8Array }): Promise<Result<Durable, Refusal>> {
    const parsed = parseDocId(msg.docId);
    if (!parsed) return refuse('internal', 'not a document id');
    for (;;) {
      const ledger = await this.ledgers.get(msg.docId);
      const circle = await this.memberships.get(parsed.circleId);
      if (ledger.stale || circle?.stale) continue;
      const denied = this.readerCheck(circle, devicePk, msg.docId);
      if (denied) return { ok: false, error: denied };
      const snap = ledger.snapshot;
      if (!snap || snap.coversSeq !== msg.coversSeq || !bytesEqual(snap.hash, msg.snapshotHash)) return refuse('snapshot-rejected', 'this is not the newest snapshot');
      if (bytesEqual(snap.devicePk, devicePk)) return refuse('snapshot-rejected', 'a second device must confirm a snapshot');
      if (snap.confirmedAt !== null) return { ok: true, value: DONE };
      snap.confirmedAt = this.now();
      const confirmedAt = snap.confirmedAt;
      ledger.prunedThrough = Math.max(ledger.prunedThrough, msg.coversSeq);
      const durable = this.queue(ledger, (batch) => {
        batch.confirmations.push({ docId: msg.docId, coversSeq: msg.coversSeq, confirmedAt });
        batch.prunes.push({ docId: msg.docId, throughSeq: msg.coversSeq });
      });
      return { ok: true, value: durable };
    }
  }

  /** Whether an ephemeral message may be forwarded: a valid signature by a member under the current epoch. */
  async ephemeral(c: CheckedEnvelope<EphemeralHeader>): Promise<Refusal | null> {
    if (c.refusal) return c.refusal;
    if (!c.signatureOk) return { code: 'bad-signature', message: 'the envelope signature does not verify' };
    return authorize(await this.memberships.get(c.env.header.circleId), c.env.header);
  }

  /**
   * Refuses, before any signature check, an envelope whose signer was never a member of
   * the circle: a verification costs ~0.2 ms of CPU, and a stranger must not be able to
   * spend it at will. Devices of any past version pass, so a removed device's
   * retransmission is still recognized (and then its signature checked).
   */
  async gate(header: EnvelopeHeader, deviceHex: string = toHex(header.devicePk)): Promise<Refusal | null> {
    const circle = await this.circle(header.circleId);
    if (!circle) return { code: 'unknown-circle', message: 'no membership has been published for this circle' };
    if (!circle.everMembers.has(deviceHex)) return { code: 'unknown-signer', message: 'the signing device is not in the membership' };
    return null;
  }

  /** The circle's membership: from memory without a storage round trip when it is there. */
  private circle(circleId: CircleId): CircleState | null | Promise<CircleState | null> {
    const known = this.memberships.peek(circleId);
    return known === undefined ? this.memberships.get(circleId) : known;
  }

  /**
   * Whether a device may subscribe to a document, and how: 'read' for a member whose role
   * reads its class; 'write-only' for one that writes it without reading it (an intake
   * tablet), which is sent membership versions and nothing of the document.
   */
  subscriberCheck(circle: CircleState | null, devicePk: Uint8Array, docId: DocId): Refusal | 'read' | 'write-only' {
    const denied = this.readerCheck(circle, devicePk, docId);
    if (!denied) return 'read';
    const parsed = parseDocId(docId);
    const member = circle && findMember(circle.current, devicePk);
    return member && parsed && !isPending(member) && writesWithoutReading(member.role, parsed.docClass) ? 'write-only' : denied;
  }

  /** Whether a device may read a document: a member whose role may read its class. */
  readerCheck(circle: CircleState | null, devicePk: Uint8Array, docId: DocId): Refusal | null {
    const parsed = parseDocId(docId);
    if (!circle || !parsed) return { code: 'unknown-circle', message: 'no membership has been published for this circle' };
    const member = findMember(circle.current, devicePk);
    if (!member) return { code: 'forbidden', message: 'this device is not a member of the circle' };
    if (!mayRead(member, parsed.docClass)) return { code: 'forbidden', message: "this member does not read this document's class" };
    return null;
  }

  /** Drops covered updates of snapshots nobody confirmed within the retention period; returns how many. */
  async sweepRetention(retentionMs: number): Promise<number> {
    const due = await this.store.snapshotsDueForRetention(this.now() - retentionMs);
    const writes = due.map(({ docId, coversSeq }) => {
      const ledger = this.ledgers.peek(docId);
      if (ledger) ledger.prunedThrough = Math.max(ledger.prunedThrough, coversSeq);
      return this.committer.add((batch) => batch.prunes.push({ docId, throughSeq: coversSeq }));
    });
    await Promise.all(writes);
    return due.length;
  }

  /**
   * A devSeq the relay has seen: the same envelope again is acknowledged again; another one
   * is a seq-conflict, naming the devSeq the relay expects next (the device's store is older
   * than its key's history, e.g. restored from an older copy, and renumbers after it).
   */
  private async retransmission(ledger: DocLedger, c: CheckedEnvelope<UpdateHeader>, deviceHex: string, expectedDevSeq: number): Promise<Result<Accepted, Refusal>> {
    const h = c.env.header;
    const pending = ledger.pending.get(pushKey(deviceHex, h.devSeq));
    const original = pending ?? (await this.store.findUpdate(h.docId, h.devicePk, h.devSeq));
    if (!original || !bytesEqual(original.hash, c.hash)) return { ok: false, error: { code: 'seq-conflict', message: `devSeq ${h.devSeq} was already accepted with different content; expected ${expectedDevSeq}`, expectedDevSeq } };
    // A retransmission of a push still committing is acknowledged when that commit is durable.
    const durable: Durable = pending ? pending.durable.then((ok) => (ok ? { ok: true, value: undefined } : { ok: false, error: { code: 'unavailable', message: 'original write failed' } })) : DONE;
    return { ok: true, value: { seq: original.seq, duplicate: true, durable } };
  }

  private overBudget(device: { keyEpoch: number; seals: number }, h: EnvelopeHeader): Refusal | null {
    if (device.keyEpoch === h.keyEpoch && device.seals >= this.limits.sealsPerDeviceAndEpoch) {
      return { code: 'key-budget-exhausted', message: 'this device sealed its budget of envelopes under this key epoch: rotate the key' };
    }
    return null;
  }

  private countSeal(device: { keyEpoch: number; seals: number }, keyEpoch: number): void {
    if (device.keyEpoch !== keyEpoch) {
      device.keyEpoch = keyEpoch;
      device.seals = 0;
    }
    device.seals++;
  }

  private queue(ledger: DocLedger, fill: Parameters<GroupCommitter['add']>[0]): Durable {
    ledger.pendingWrites++;
    const durable = this.committer.add(fill);
    void durable.then(() => ledger.pendingWrites--);
    return durable;
  }
}

/** The circle of a document id (callers pass ids the codec already validated). */
export function circleOf(docId: DocId): CircleId {
  return docId.slice(0, docId.indexOf('.'));
}
