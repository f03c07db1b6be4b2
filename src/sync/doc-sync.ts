// Sync of one shared document. The sending half is doc-outbox.ts; this file subscribes
// from the cursor, applies what the relay sends (inbox.ts), uploads and confirms
// snapshots, and reacts to the relay's refusals about the document. Every state change
// runs in the document's serial queue (doc-core.ts).

import type { SyncDocRow } from '../storage/sync-rows';
import type { SyncableDoc } from '../storage/syncable';
import { addFullStatePending, getSyncDoc, hasWaiting } from '../storage/sync-store';
import type { CircleTrust } from './circle-trust';
import { type Bytes, bytesEqual } from './codec-bytes';
import { DocCore, type DocSyncHost } from './doc-core';
import { DocOutbox } from './doc-outbox';
import { sealSnapshot } from './doc-seal';
import { type InboxContext, type Position, type Waiting, advanceDurable, applyOffer, applyPage, mayConfirm, positionAt } from './inbox';
import { type DocId, type ErrorCode, type ErrorRef, type UpdateItem, WRITE_RIGHTS, parseDocId } from './protocol';
import { findMember } from './protocol-membership';
import type { SealedEnvelope, SnapshotHeader } from './protocol-envelope';
import type { Rejection } from './receive';
import { docKeyOfDocId } from './sync-ids';

export type { DocSyncHost };

/** Why this document stopped taking what the relay sends until something changes. */
type Hold = Waiting | { reason: 'rejected-snapshot' };

export class DocSync {
  private readonly core: DocCore;
  private readonly outbox: DocOutbox;
  private subscribed = false;
  private resubscribing = false;
  private hold: Hold | null = null;
  /** How far this subscription applied beyond the stored cursor (protocol 3; inbox.ts). */
  private position: Position;
  private snapshotInFlight: { coversSeq: number; hash: Bytes } | null = null;
  /** After 'cursor-ahead': once caught up, upload our state again. */
  private reupload = false;
  /** A state over the snapshot limit is not sealed again before this many acks since the last snapshot. */
  private tooLargeUntilAcks = 0;
  private offChange: () => void = () => {};

  private constructor(core: DocCore) {
    this.core = core;
    this.position = positionAt(core.state);
    this.outbox = new DocOutbox(core, () => this.maybeSnapshot());
  }

  /** Starts syncing a shared document; null when sharing is off for it. */
  static async open(host: DocSyncHost, store: SyncableDoc, docId: DocId, trust: CircleTrust): Promise<DocSync | null> {
    const state = await getSyncDoc(host.db, docKeyOfDocId(docId));
    if (!state) return null;
    const sync = new DocSync(new DocCore(host, store, docId, trust, state));
    sync.offChange = store.onChange((origin, update) => sync.outbox.changed(origin, update));
    await sync.core.refreshCounts();
    // Changes committed while no provider ran (or in a crash before their seal) go out now.
    sync.outbox.scheduleSeal();
    return sync;
  }

  get docId(): DocId {
    return this.core.docId;
  }

  get circleId(): string {
    return this.core.circleId;
  }

  get trust(): CircleTrust {
    return this.core.trust;
  }

  /** Committed sync state (device list, tests). */
  get syncState(): SyncDocRow {
    return this.core.state;
  }

  /** Seals everything pending now instead of at the end of the batch window. */
  flush(): Promise<void> {
    return this.outbox.flush();
  }

  /** Stops timers and listening; waits for the running step. */
  async close(): Promise<void> {
    this.core.close();
    this.outbox.close();
    this.offChange();
    await this.core.idle();
    this.core.host.status.removeDoc(this.docId);
  }

  // ---- connection -------------------------------------------------------------------

  /** Authenticated: subscribe from the cursor and push the outbox. */
  connected(): void {
    this.subscribed = true;
    this.hold = null;
    this.subscribe(false);
    this.outbox.connected();
  }

  /** The socket is gone: everything unacknowledged is pushed again next time. */
  disconnected(): void {
    this.subscribed = false;
    this.resubscribing = false;
    this.snapshotInFlight = null;
    this.core.catchingUp = false;
    this.outbox.disconnected();
    this.core.report();
  }

  /** New membership versions or keys arrived: a document waiting for them continues. */
  trustChanged(): void {
    if (this.hold && this.hold.reason !== 'rejected-snapshot' && this.subscribed) {
      this.hold = null;
      this.subscribe(false);
    }
    void this.core.run(() => this.outbox.sealAll());
  }

  /** An ack also says the document is durable through its seq (commits are in seq order). */
  async onAck(devSeq: number, seq: number): Promise<void> {
    await this.onDurable(seq);
    return this.outbox.onAck(devSeq, seq);
  }

  /** The relay made the document durable through `seq` (protocol 3): the cursor may follow. */
  onDurable(seq: number): Promise<void> {
    return this.core.run(async () => {
      if (!this.subscribed || seq <= this.position.durable) return;
      const out = await advanceDurable(this.inbox(), this.position, seq);
      // A failed write leaves the cursor behind, which only means asking for more next time.
      if (out.kind === 'failed') return this.core.issue({ code: 'storage-failed', message: out.error.message });
      this.core.state = out.state;
      this.position = out.position;
      this.core.report();
    });
  }

  private subscribe(fromStart: boolean): void {
    const { cursor, cursorHash } = this.core.state;
    // What was applied above the stored cursor comes again, from the cursor on (inbox.ts).
    this.position = positionAt(this.core.state);
    const since = fromStart ? 0 : cursor;
    // The relay checks that its update at the cursor is the one applied here (protocol 2).
    const sinceHash = since > 0 && cursorHash?.length === 32 ? { sinceHash: cursorHash } : {};
    const msg = { type: 'subscribe', docId: this.docId, sinceSeq: since, membershipVersion: this.trust.relayVersion, ...sinceHash } as const;
    if (!this.core.host.send(msg)) return;
    this.core.catchingUp = true;
    this.core.report();
  }

  // ---- receiving --------------------------------------------------------------------

  /** A page of updates; `durableThrough` is absent before protocol 3, where everything sent is durable. */
  onUpdates(items: readonly UpdateItem[], more: boolean, durableThrough?: number): Promise<void> {
    return this.core.run(async () => {
      if (!this.subscribed || this.hold) return;
      const out = await applyPage(this.inbox(), items, this.position, durableThrough ?? items.at(-1)?.seq ?? 0);
      if (out.kind === 'gap') {
        // Pages of the old stream may still arrive after we asked again: ask once.
        if (!this.resubscribing) this.subscribe(false);
        this.resubscribing = true;
        return;
      }
      if (out.kind === 'failed') {
        this.core.issue({ code: 'storage-failed', message: out.error.message });
        return this.core.retryLater(async () => this.subscribe(false));
      }
      this.resubscribing = false;
      this.core.state = out.state;
      this.position = out.position;
      this.noteReceived(out.rejected, out.withheld, out.applied > 0);
      if (out.waiting) return this.holdOn(out.waiting);
      if (!more) await this.caughtUp();
    });
  }

  onSnapshotOffer(env: SealedEnvelope<SnapshotHeader>): Promise<void> {
    return this.core.run(async () => {
      if (!this.subscribed || this.hold) return;
      // The relay takes a snapshot only up to its durable head: the offer moves the watermark.
      const durable = await advanceDurable(this.inbox(), this.position, env.header.coversSeq);
      if (durable.kind === 'failed') {
        this.core.issue({ code: 'storage-failed', message: durable.error.message });
        return this.core.retryLater(async () => this.subscribe(false));
      }
      this.core.state = durable.state;
      this.position = durable.position;
      const out = await applyOffer(this.inbox(), env);
      switch (out.kind) {
        case 'applied':
          this.core.state = out.state;
          // The watermark already covers the snapshot (advanceDurable above).
          this.position = { ...positionAt(out.state), durable: this.position.durable };
          this.core.report();
          this.core.host.devicesChanged(this.circleId);
          return;
        case 'noted':
          this.core.state = out.state;
          if (!bytesEqual(env.header.devicePk, this.core.host.device.publicKey) && (await mayConfirm(this.inbox(), out.envelope))) {
            this.core.host.send({ type: 'snapshot-confirm', docId: this.docId, coversSeq: env.header.coversSeq, snapshotHash: out.hash });
          }
          return;
        case 'rejected':
          // The updates after it cannot be applied without it: stop until the next connection.
          this.noteReceived([out.reason], [], false);
          return this.holdOn({ reason: 'rejected-snapshot' });
        case 'waiting':
          return this.holdOn(out.waiting);
        case 'failed':
          this.core.issue({ code: 'storage-failed', message: out.error.message });
          return this.core.retryLater(async () => this.subscribe(false));
      }
    });
  }

  onSnapshotAck(coversSeq: number, hash: Bytes): Promise<void> {
    return this.core.run(async () => {
      const sent = this.snapshotInFlight;
      if (!sent || sent.coversSeq !== coversSeq || !bytesEqual(sent.hash, hash)) return;
      this.snapshotInFlight = null;
      await this.core.save({ ...this.core.state, snapshot: { coversSeq, hash }, ackedSinceSnapshot: 0 });
    });
  }

  /** An 'error' frame about this document or one of its pushes. */
  onError(code: ErrorCode, ref: ErrorRef | undefined): Promise<void> {
    return this.core.run(async () => {
      if (ref?.kind === 'push' && code === 'seq-conflict') {
        if (await this.outbox.onConflict(ref.expectedDevSeq)) await this.ownHistoryAhead(ref.expectedDevSeq as number);
        return;
      }
      if (ref?.kind === 'push') return this.outbox.onRefused(code, ref.devSeq, ref.expectedDevSeq);
      switch (code) {
        case 'cursor-ahead':
          return this.cursorAhead();
        case 'unknown-circle':
        case 'forbidden':
          // A device added (or a circle published) by another device a moment ago: ask again later.
          if (code === 'unknown-circle') this.core.host.circleUnknown(this.circleId);
          this.core.issue({ code: 'relay-error', error: code, docId: this.docId });
          return this.core.retryLater(async () => this.subscribe(false), this.core.host.retryMs * 5);
        case 'snapshot-rejected':
          // A refused confirmation needs nothing. A refused upload usually chained to an old
          // snapshot: subscribe from the start once, to be offered the newest one.
          if (!this.snapshotInFlight) return;
          this.snapshotInFlight = null;
          return this.subscribe(true);
        case 'storage-unavailable':
          return this.core.retryLater(async () => this.subscribe(false));
        default:
          return this.core.issue({ code: 'relay-error', error: code, docId: this.docId });
      }
    });
  }

  // ---- internals --------------------------------------------------------------------

  private inbox(): InboxContext {
    const { host, store, docId, trust, state } = this.core;
    return { db: host.db, store, docId, trust, ownPk: host.device.publicKey, state, now: host.now() };
  }

  private noteReceived(rejected: readonly Rejection[], withheld: readonly string[], applied: boolean): void {
    this.core.rejected += rejected.length;
    const last = rejected.at(-1);
    if (last) this.core.issue({ code: 'rejected-update', reason: last });
    for (const device of withheld) this.core.issue({ code: 'updates-withheld', device });
    if (applied || withheld.length > 0) this.core.host.devicesChanged(this.circleId);
    this.core.report();
  }

  private holdOn(hold: Hold): void {
    this.hold = hold;
    if (hold.reason === 'key') this.core.issue({ code: 'missing-key', epoch: hold.epoch });
    else if (hold.reason === 'membership') this.core.issue({ code: 'missing-membership', epoch: hold.epoch });
  }

  private async caughtUp(): Promise<void> {
    this.core.catchingUp = false;
    this.core.report();
    if (this.reupload) {
      this.reupload = false;
      // A state upload carries everyone's content: only a role with full rights may send one.
      if (this.limitedHere()) return;
      if (this.core.state.cursor >= 1) return this.maybeSnapshot(true);
      // The relay holds nothing: the whole state goes out as the next push.
      await addFullStatePending(this.core.host.db, this.core.docKey, this.core.host.now());
      return this.outbox.sealAll();
    }
    await this.maybeSnapshot();
  }

  /** True if this device's role may write only part of this document (receivers check what its updates touch). */
  private limitedHere(): boolean {
    const current = this.trust.current;
    const me = current && findMember(current, this.core.host.device.publicKey);
    const docClass = parseDocId(this.docId)?.docClass;
    return !me || !docClass || WRITE_RIGHTS[docClass][me.role] !== 'full';
  }

  /** The relay's head is behind our cursor (it lost data): catch up from zero, then upload our state again. */
  /**
   * The relay holds pushes of this device's key below `expected` that this store may never
   * have applied (it skipped them as its own echoes): catch up from the start, applying them.
   */
  private async ownHistoryAhead(expected: number): Promise<void> {
    await this.restartFromZero({ ownReapplyBelow: Math.max(expected, this.core.state.ownReapplyBelow ?? 0) });
  }

  private async cursorAhead(): Promise<void> {
    await this.restartFromZero({}, () => { this.reupload = true; });
  }

  /**
   * Forgets the cursor (and its hash, the known snapshot and every device's devSeq baseline)
   * and subscribes from the start; `then` runs once that state is saved.
   */
  private async restartFromZero(extra: Pick<SyncDocRow, 'ownReapplyBelow'>, then?: () => void): Promise<void> {
    const { cursorHash: _forgotten, ...s } = this.core.state;
    const devices = Object.fromEntries(Object.entries(s.devices).map(([d, seen]) => [d, { ...seen, devSeq: 0 }]));
    if (!(await this.core.save({ ...s, ...extra, cursor: 0, snapshot: null, baselineFromSnapshot: true, devices }))) return;
    then?.();
    this.subscribe(false);
  }

  /**
   * Uploads a snapshot when enough pushes were acknowledged since the last one (or `force`),
   * at a moment when no local change is waiting: the document then holds exactly what relay
   * seqs 1..cursor carry, so a second device holding the same can confirm it. (The next
   * ack tries again.)
   */
  private async maybeSnapshot(force = false): Promise<void> {
    const s = this.core.state;
    if (!this.subscribed || this.core.catchingUp || this.hold || this.snapshotInFlight || s.cursor < 1) return;
    // The others refuse a snapshot from a role with limited rights (it holds what that role may not write).
    if (this.limitedHere()) return;
    if (!force && (s.ackedSinceSnapshot < this.core.host.snapshotEvery || s.cursor <= (s.snapshot?.coversSeq ?? 0))) return;
    if (!force && (await hasWaiting(this.core.host.db, this.core.docKey))) return;
    // Updates applied beyond the durable cursor are in the document too: wait until it holds exactly 1..cursor.
    if (!force && this.position.through !== s.cursor) return;
    if (!force && s.ackedSinceSnapshot < this.tooLargeUntilAcks) return;
    const sealed = await sealSnapshot(this.core.store.doc, this.docId, this.trust, this.core.host.device, s);
    if (!sealed.ok && sealed.error.code === 'change-too-large') {
      // Over the snapshot limit (a decade of diary): the relay keeps this document's update
      // log uncompacted, which costs it space, not correctness. A state that must go out again
      // (the relay lost data) goes as ordinary pushes, split within the update limit.
      if (!force) {
        this.tooLargeUntilAcks = s.ackedSinceSnapshot + this.core.host.snapshotEvery;
        return;
      }
      await addFullStatePending(this.core.host.db, this.core.docKey, this.core.host.now());
      return this.outbox.sealAll();
    }
    if (!sealed.ok) return this.core.issue(sealed.error);
    this.snapshotInFlight = { coversSeq: s.cursor, hash: sealed.value.hash };
    this.core.host.queuePush({ type: 'snapshot', envelope: sealed.value.envelope });
  }
}
