// Subscriptions: catch-up from a cursor and live fan-out.
//
// Catch-up is pulled by a per-connection pump that sends the next step (membership links,
// snapshot offer, one page) only while the socket buffers less than the low-water mark, and
// runs again when a send completes. A reader that does not read therefore delays only
// itself and costs the relay at most about one page of memory per connection.
//
// Live fan-out comes from the batch itself, in seq order: for protocol-3 subscribers when the
// turn's updates are sealed (before they are durable), for older ones after they commit. Each
// 'updates' frame of protocol 3 carries the document's durable head, and a subscriber that
// no frame told of a commit within DURABLE_NOTICE_MS gets a 'durable' frame; should the
// commit fail instead, every protocol-3 subscription that was sent a lost seq ends with
// 'storage-unavailable' and its client subscribes again from its durable cursor
// (PROTOCOL.md "Durability"). A batch that publishes membership goes out after its commit
// to everyone, so the links still reach subscribers before the updates sealed under them.
//
// A subscriber whose buffer is above the high-water mark is not sent more: it drops back to
// catch-up and reads the rest from storage when it has drained. Items are sent only in seq
// order from the subscriber's sentThrough, so the paths never send a seq twice or skip one;
// a protocol-3 subscriber that missed seqs (it was catching up when they went out early)
// is sent them from the ledger's list of updates sent out but not committed yet, or else
// from storage once they commit. A committed snapshot is offered to the
// live subscribers of other devices, so that an up-to-date device can confirm it.

import { type Bytes, bytesEqual } from '../src/sync/codec-bytes';
import { envelopeHashOf, signedBytesOf } from './envelope-bytes';
import type { CircleId, DocId } from '../src/sync/protocol';
import { DOC_CLASSES, docIdOf, parseDocId } from '../src/sync/protocol';
import type { DocLedgers } from './doc-ledger';
import type { Logger } from './log';
import { type FrameItem, durableFrame, membershipFrames, pageItems, snapshotOfferFrame, updatesFrame } from './frames';
import type { CircleState, MembershipCache } from './membership-cache';
import type { Connection, Subscription } from './relay-connection';
import type { DocService } from './relay-docs';
import type { ResolvedRelayOptions } from './relay-options';
import type { RelayStore, WriteBatch } from './storage/store';
import { wsBinaryFrame } from './ws-frame';

interface FramedPage {
  framed: Buffer;
  /** Length of the relay frame inside (metrics). */
  bytes: number;
}

/** A relay frame framed for WebSocket, to write to several sockets. */
function framed(bytes: Uint8Array): FramedPage {
  return { framed: wsBinaryFrame(bytes), bytes: bytes.length };
}

function framePage(version: number, docId: DocId, page: readonly FrameItem[], durableThrough: number): FramedPage {
  return framed(updatesFrame(version, docId, page, false, durableThrough));
}

/** Protocol 3: how soon after a commit a subscriber that no 'updates' frame told of it gets a 'durable' frame. */
const DURABLE_NOTICE_MS = 50;

/** Subscribers sent live updates before they are durable (protocol 3), and the others. */
const early = (conn: Connection) => conn.version >= 3;
const late = (conn: Connection) => conn.version < 3;
const anyone = () => true;

/** A batch that publishes membership fans out after its commit, links first, to everyone. */
const fansOutEarly = (batch: WriteBatch) => batch.memberships.length === 0;

/** Removes the items up to `seq` from the front of a list in seq order. */
function dropThrough(items: FrameItem[], seq: number): void {
  let n = 0;
  while (n < items.length && (items[n] as FrameItem).seq <= seq) n++;
  if (n > 0) items.splice(0, n);
}

/** A batch's updates by document, in seq order. */
function itemsByDoc(batch: WriteBatch): Map<DocId, FrameItem[]> {
  const byDoc = new Map<DocId, FrameItem[]>();
  for (const u of batch.updates) {
    let items = byDoc.get(u.docId);
    if (!items) byDoc.set(u.docId, (items = []));
    items.push({ seq: u.seq, envelope: u.envelope });
  }
  return byDoc;
}

/** Every connection's subscriptions: catch-up pumps and live fan-out. */
export class Subscriptions {
  private readonly byDoc = new Map<DocId, Set<Connection>>();
  /** Subscriptions across all connections (the metrics gauge). */
  count = 0;
  /** Documents with a commit that protocol-3 subscribers may not have been told of, and the head then. */
  private notices = new Map<DocId, number>();
  private noticeTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: RelayStore,
    private readonly ledgers: DocLedgers,
    private readonly memberships: MembershipCache,
    private readonly docs: DocService,
    private readonly opts: ResolvedRelayOptions,
    private readonly log: Logger,
  ) {}

  /** Handles 'subscribe': checks, then queues the catch-up. */
  async subscribe(conn: Connection, msg: { docId: DocId; sinceSeq: number; membershipVersion: number; sinceHash?: Bytes }): Promise<void> {
    const { docId } = msg;
    const ref = { kind: 'doc', docId } as const;
    const subs = conn.subscriptions();
    if (!subs.has(docId) && subs.size >= this.opts.limits.maxSubscriptions) {
      conn.strikes++;
      conn.sendError('too-many-documents', `at most ${this.opts.limits.maxSubscriptions} documents per connection`, ref);
      if (conn.strikes >= this.opts.limits.abuseStrikes) conn.close('too-many-documents');
      return;
    }
    conn.strikes = 0;
    const parsed = parseDocId(docId);
    if (!parsed || !conn.devicePk) return;
    const circle = await this.memberships.get(parsed.circleId);
    const ledger = await this.ledgers.get(docId);
    if (!conn.open) return;
    // A client holding versions the relay lacks (a restore from an older backup lost them)
    // is asked to publish again, as for a circle the relay does not know at all: until then
    // members added in the lost versions would be refused.
    if (circle && msg.membershipVersion > circle.committedVersion) {
      return conn.sendError('unknown-circle', `the relay holds membership versions up to ${circle.committedVersion}: publish the rest again`, ref);
    }
    const access = this.docs.subscriberCheck(circle, conn.devicePk, docId);
    if (typeof access === 'object') return conn.sendError(access.code, access.message, ref);
    if (msg.sinceSeq > ledger.committed) return conn.sendError('cursor-ahead', `the relay's head is ${ledger.committed}: upload a snapshot and push again`, ref);
    if (msg.sinceHash && !(await this.sameHistory(docId, msg.sinceSeq, msg.sinceHash, ledger.prunedThrough))) {
      if (!conn.open) return;
      return conn.sendError('cursor-ahead', `the relay's update at ${msg.sinceSeq} is not the one the device saw: upload a snapshot and push again`, ref);
    }
    if (!conn.open) return;
    this.remove(conn, docId);
    const sub: Subscription = { docId, circleId: parsed.circleId, sinceSeq: msg.sinceSeq, phase: 'membership', sentThrough: msg.sinceSeq, toldDurable: msg.sinceSeq, announced: false, writeOnly: access === 'write-only' };
    subs.set(docId, sub);
    let set = this.byDoc.get(docId);
    if (!set) this.byDoc.set(docId, (set = new Set()));
    set.add(conn);
    this.count++;
    // The client says what it holds: a device that just claimed an invitation was sent only the
    // versions from its invitation on, and now asks for the chain from genesis.
    if (!conn.membershipSent) conn.membershipSent = new Map();
    conn.membershipSent.set(parsed.circleId, Math.min(conn.membershipSent.get(parsed.circleId) ?? msg.membershipVersion, msg.membershipVersion));
    this.queue(conn, sub);
  }

  /**
   * Whether the update stored at `seq` is the one the client applied there (its envelope
   * hash). A relay restored from an older backup and written to again reuses seqs for
   * other updates; a client that skipped them by its cursor would never see those. A seq
   * pruned after a snapshot cannot be checked: the snapshot offered covers it anyway.
   */
  private async sameHistory(docId: DocId, seq: number, sinceHash: Bytes, prunedThrough: number): Promise<boolean> {
    if (seq === 0 || seq <= prunedThrough) return true;
    const [stored] = await this.store.readUpdates(docId, seq, 1);
    if (!stored || stored.seq !== seq) return true;
    const signed = signedBytesOf(stored.envelope);
    return signed !== null && bytesEqual(envelopeHashOf(signed), sinceHash);
  }

  /** Handles 'unsubscribe' (a no-op for a document it is not subscribed to). */
  unsubscribe(conn: Connection, docId: DocId): void {
    this.remove(conn, docId);
  }

  /** Forgets every subscription of a closed connection. */
  drop(conn: Connection): void {
    if (!conn.subs) return;
    for (const docId of [...conn.subs.keys()]) this.remove(conn, docId);
    conn.pumpQueue = null;
  }

  /** Records that the client already holds membership versions up to `version`. */
  claimMembership(conn: Connection, circleId: CircleId, version: number): void {
    if (!conn.membershipSent) conn.membershipSent = new Map();
    conn.membershipSent.set(circleId, Math.max(conn.membershipSent.get(circleId) ?? 0, version));
  }

  /** Sends the durable membership links the client has not had yet. */
  sendMembership(conn: Connection, circle: CircleState): void {
    if (!conn.membershipSent) conn.membershipSent = new Map();
    const known = conn.membershipSent.get(circle.circleId) ?? 0;
    if (circle.committedVersion <= known) return;
    for (const frame of membershipFrames(conn.version, circle.links.slice(known, circle.committedVersion))) conn.send(frame);
    conn.membershipSent.set(circle.circleId, circle.committedVersion);
  }

  /** Sends durable links from..to again, whatever the client was sent before (the answer to a retransmitted publish). */
  resendMembership(conn: Connection, circle: CircleState, from: number, to: number): void {
    const upTo = Math.min(to, circle.committedVersion);
    if (upTo < from) return;
    for (const frame of membershipFrames(conn.version, circle.links.slice(from - 1, upTo))) conn.send(frame);
    this.claimMembership(conn, circle.circleId, upTo);
  }

  /** Sends catch-up steps while the connection's socket has room. */
  pump(conn: Connection): void {
    if (conn.pumping || !conn.pumpQueue?.length || !conn.open) return;
    conn.pumping = true;
    void this.runPump(conn)
      .catch((e: unknown) => this.log.error('pump-failed', { error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        conn.pumping = false;
        // A send may have completed while this pump ran; look again.
        if (conn.pumpQueue?.length && conn.open && conn.buffered < this.opts.backpressure.lowWaterBytes) this.pump(conn);
      });
  }

  /** A turn's updates were sealed (group-commit.ts): they go to protocol-3 subscribers now, before they are durable. */
  onSealed(batch: WriteBatch): void {
    if (!fansOutEarly(batch)) return;
    for (const [docId, items] of itemsByDoc(batch)) {
      this.ledgers.peek(docId)?.sealed.push(...items);
      this.fanOutUpdates(docId, items, early);
    }
  }

  /**
   * A commit failed: what it held was sent to protocol-3 subscribers and is lost, and its
   * seqs will go to other updates. Every subscription sent a seq beyond the durable head
   * ends; its client subscribes again from its cursor, which never passed the durable head.
   * Runs before the ledgers are dropped (their heads are still the durable ones).
   */
  onFailed(): void {
    for (const [docId, set] of [...this.byDoc]) {
      const ledger = this.ledgers.peek(docId);
      if (!ledger) continue;
      for (const conn of [...set]) {
        const sub = conn.subs?.get(docId);
        if (!sub || sub.sentThrough <= ledger.committed) continue;
        this.remove(conn, docId);
        conn.sendError('storage-unavailable', 'updates sent were not stored; subscribe again', { kind: 'doc', docId });
      }
    }
  }

  /** Fans out a committed batch: membership links first, then updates in seq order. */
  onCommitted(batch: WriteBatch): void {
    const circles = new Map<CircleId, number>();
    for (const m of batch.memberships) circles.set(m.circleId, Math.max(circles.get(m.circleId) ?? 0, m.version));
    for (const [circleId, version] of circles) {
      this.memberships.committed(circleId, version);
      const circle = this.memberships.peek(circleId);
      if (circle) this.fanOutMembership(circle);
    }
    const wentEarly = fansOutEarly(batch);
    for (const [docId, items] of itemsByDoc(batch)) {
      const ledger = this.ledgers.peek(docId);
      const last = (items.at(-1) as FrameItem).seq;
      if (ledger && last > ledger.committed) ledger.committed = last;
      if (ledger) dropThrough(ledger.sealed, ledger.committed);
      this.fanOutUpdates(docId, items, wentEarly ? late : anyone);
      if (ledger) this.madeDurable(ledger.docId, ledger.committed);
    }
    for (const snap of batch.snapshots) this.offerSnapshot(snap.docId, snap.devicePk, snap.envelope);
  }

  /**
   * Offers a newly durable snapshot to the document's live subscribers on other devices.
   * They are up to date, so catch-up would never offer it to them; one of them must see it
   * to confirm it (PROTOCOL.md "Snapshots"), which lets the relay drop the covered updates.
   */
  private offerSnapshot(docId: DocId, uploader: Uint8Array, envelope: Uint8Array): void {
    const frames = new Map<number, FramedPage>();
    for (const conn of this.byDoc.get(docId) ?? []) {
      const sub = conn.subs?.get(docId);
      if (sub?.phase !== 'live' || sub.writeOnly || !conn.devicePk || bytesEqual(conn.devicePk, uploader)) continue;
      let frame = frames.get(conn.version);
      if (!frame) frames.set(conn.version, (frame = framed(snapshotOfferFrame(conn.version, docId, envelope))));
      conn.sendFramed(frame.framed, frame.bytes);
    }
  }

  /** Forwards an ephemeral frame to the document's other live subscribers that have room; never stored. */
  forwardEphemeral(from: Connection, docId: DocId, frame: Uint8Array): number {
    let sent = 0;
    const frames = new Map<number, FramedPage>();
    for (const conn of this.byDoc.get(docId) ?? []) {
      const sub = conn.subs?.get(docId);
      if (conn === from || sub?.phase !== 'live' || sub.writeOnly || conn.buffered > this.opts.backpressure.highWaterBytes) continue;
      let out = frames.get(conn.version);
      // The layout is the same in every version; only byte 0 differs.
      if (!out) frames.set(conn.version, (out = framed(conn.version === frame[0] ? frame : Uint8Array.from(frame, (b, i) => (i === 0 ? conn.version : b)))));
      conn.sendFramed(out.framed, out.bytes);
      sent++;
    }
    return sent;
  }

  private fanOutMembership(circle: CircleState): void {
    const conns = new Set<Connection>();
    for (const docClass of DOC_CLASSES) for (const conn of this.byDoc.get(docIdOf(circle.circleId, docClass)) ?? []) conns.add(conn);
    for (const conn of conns) {
      this.sendMembership(conn, circle);
      // A device that lost access stops receiving the circle's documents.
      for (const sub of [...(conn.subs?.values() ?? [])]) {
        if (sub.circleId !== circle.circleId || !conn.devicePk) continue;
        const denied = this.docs.subscriberCheck(circle, conn.devicePk, sub.docId);
        if (typeof denied !== 'object') continue;
        this.remove(conn, sub.docId);
        conn.sendError(denied.code, denied.message, { kind: 'doc', docId: sub.docId });
      }
    }
  }

  /**
   * A commit made the document durable through `head`: protocol-3 subscribers that missed
   * seqs up to it catch up from storage, and the others are told within DURABLE_NOTICE_MS
   * unless an 'updates' frame tells them first.
   */
  private madeDurable(docId: DocId, head: number): void {
    for (const conn of this.byDoc.get(docId) ?? []) {
      const sub = conn.subs?.get(docId);
      if (sub?.phase === 'live' && !sub.writeOnly && early(conn) && sub.sentThrough < head) this.toCatchUp(conn, sub);
    }
    if (!this.notices.has(docId)) this.notices.set(docId, head);
    this.armNotices();
  }

  private armNotices(): void {
    if (this.noticeTimer || this.notices.size === 0 || this.closed) return;
    this.noticeTimer = setTimeout(() => this.sendNotices(), DURABLE_NOTICE_MS);
    this.noticeTimer.unref();
  }

  /** Sends 'durable' to live protocol-3 subscribers not yet told of the commit noted; a later commit is noted for the next round. */
  private sendNotices(): void {
    this.noticeTimer = null;
    const due = this.notices;
    this.notices = new Map();
    for (const [docId, noted] of due) {
      const ledger = this.ledgers.peek(docId);
      if (!ledger || ledger.stale) continue;
      const head = ledger.committed;
      for (const conn of this.byDoc.get(docId) ?? []) {
        const sub = conn.subs?.get(docId);
        if (sub?.phase !== 'live' || sub.writeOnly || !early(conn) || sub.toldDurable >= noted) continue;
        const seq = Math.min(head, sub.sentThrough);
        if (seq <= sub.toldDurable) continue;
        conn.send(durableFrame(conn.version, docId, seq));
        sub.toldDurable = seq;
      }
      if (head > noted) this.notices.set(docId, head);
    }
    this.armNotices();
  }

  /** An ack was sent: it tells a protocol-3 client that the document is durable through its seq. */
  acked(conn: Connection, docId: DocId, seq: number): void {
    const sub = conn.subs?.get(docId);
    if (sub && sub.toldDurable < seq) sub.toldDurable = seq;
  }

  /** Stops the notice timer (the relay is closing). */
  close(): void {
    this.closed = true;
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = null;
  }

  private fanOutUpdates(docId: DocId, items: FrameItem[], to: (conn: Connection) => boolean): void {
    const set = this.byDoc.get(docId);
    if (!set) return;
    const pages = pageItems(items, this.opts.limits.pageBytes);
    const durableThrough = this.ledgers.peek(docId)?.committed ?? 0;
    // Each page is encoded and framed for WebSocket once (per protocol version), then
    // written to every subscriber.
    const frames = new Map<string, FramedPage>();
    for (const conn of set) {
      const sub = conn.subs?.get(docId);
      if (!sub || sub.phase !== 'live' || sub.writeOnly || !to(conn)) continue;
      if (conn.buffered > this.opts.backpressure.highWaterBytes) {
        this.toCatchUp(conn, sub);
        continue;
      }
      for (const [i, page] of pages.entries()) {
        const first = (page[0] as FrameItem).seq;
        const last = (page.at(-1) as FrameItem).seq;
        if (last <= sub.sentThrough) continue;
        if (first !== sub.sentThrough + 1) {
          // Missed seqs: sent from the ones not committed yet if they continue it, else from storage.
          if (!this.sendSealed(conn, sub)) this.toCatchUp(conn, sub);
          break;
        }
        const key = `${conn.version}:${i}`;
        let frame = frames.get(key);
        if (!frame) frames.set(key, (frame = framePage(conn.version, docId, page, durableThrough)));
        conn.sendFramed(frame.framed, frame.bytes);
        sub.sentThrough = last;
        sub.toldDurable = Math.max(sub.toldDurable, durableThrough);
      }
    }
  }

  /**
   * Sends a protocol-3 subscriber the updates sent out but not committed yet that continue
   * what it was sent; false if they do not (the gap is in storage, or it speaks protocol 2).
   */
  private sendSealed(conn: Connection, sub: Subscription): boolean {
    const ledger = this.ledgers.peek(sub.docId);
    if (!ledger || !early(conn)) return false;
    const from = ledger.sealed.findIndex((item) => item.seq === sub.sentThrough + 1);
    if (from < 0) return false;
    for (const page of pageItems(ledger.sealed.slice(from), this.opts.limits.pageBytes)) {
      conn.send(updatesFrame(conn.version, sub.docId, page, false, ledger.committed));
      sub.sentThrough = (page.at(-1) as FrameItem).seq;
    }
    sub.toldDurable = Math.max(sub.toldDurable, ledger.committed);
    return true;
  }

  private toCatchUp(conn: Connection, sub: Subscription): void {
    sub.phase = 'pages';
    this.queue(conn, sub);
  }

  private queue(conn: Connection, sub: Subscription): void {
    if (!conn.pumpQueue) conn.pumpQueue = [];
    conn.pumpQueue.push(sub);
    this.pump(conn);
  }

  private remove(conn: Connection, docId: DocId): void {
    if (!conn.subs?.delete(docId)) return;
    this.count--;
    const set = this.byDoc.get(docId);
    set?.delete(conn);
    if (set?.size === 0) this.byDoc.delete(docId);
  }

  private async runPump(conn: Connection): Promise<void> {
    const queue = conn.pumpQueue;
    while (queue && conn.open && conn.buffered < this.opts.backpressure.lowWaterBytes) {
      const sub = queue.shift();
      if (!sub) break;
      if (conn.subs?.get(sub.docId) !== sub || sub.phase === 'live') continue;
      let again: boolean;
      try {
        again = await this.step(conn, sub);
      } catch (e) {
        // A failed storage read: end this subscription; the client subscribes again later.
        this.log.error('catch-up-failed', { error: e instanceof Error ? e.message : String(e) });
        this.remove(conn, sub.docId);
        conn.sendError('storage-unavailable', 'catch-up failed; subscribe again later', { kind: 'doc', docId: sub.docId });
        continue;
      }
      if (again && conn.subs?.get(sub.docId) === sub) queue.push(sub);
    }
  }

  /** One catch-up step; true when the subscription needs another. */
  private async step(conn: Connection, sub: Subscription): Promise<boolean> {
    switch (sub.phase) {
      case 'membership': {
        const circle = await this.memberships.get(sub.circleId);
        if (circle && conn.open) this.sendMembership(conn, circle);
        sub.phase = 'offer';
        return true;
      }
      case 'offer': {
        if (sub.writeOnly) {
          // Nothing of the document: an empty last page says "caught up".
          conn.send(updatesFrame(conn.version, sub.docId, [], false, 0));
          sub.announced = true;
          sub.phase = 'live';
          return false;
        }
        const snap = await this.store.readSnapshot(sub.docId);
        if (snap && snap.meta.coversSeq > sub.sinceSeq && conn.subs?.get(sub.docId) === sub) {
          conn.send(snapshotOfferFrame(conn.version, sub.docId, snap.envelope));
          sub.sentThrough = Math.max(sub.sentThrough, snap.meta.coversSeq);
        }
        sub.phase = 'pages';
        return true;
      }
      case 'pages': {
        const ledger = await this.ledgers.get(sub.docId);
        // Storage holds everything through this head when the read starts.
        const before = ledger.committed;
        const items = await this.store.readUpdates(sub.docId, sub.sentThrough + 1, this.opts.limits.pageBytes);
        if (conn.subs?.get(sub.docId) !== sub || sub.phase !== 'pages') return false;
        // Read after the page: a commit that landed meanwhile makes this page not the last.
        const head = ledger.committed;
        // A read that found nothing may have looked before such a commit reached storage. Its
        // updates went out neither to this subscriber (not live yet) nor stay in the ledger's
        // list of updates not committed yet: read again, rather than go live behind them.
        if (items.length === 0 && head > before && head > sub.sentThrough) return true;
        const last = items.at(-1)?.seq ?? sub.sentThrough;
        const more = items.length > 0 && last < head;
        // What storage holds is durable (the head may lag the read by a commit's answer).
        const durable = Math.max(head, last);
        if (items.length > 0 || !sub.announced) {
          conn.send(updatesFrame(conn.version, sub.docId, items, more, durable));
          sub.toldDurable = Math.max(sub.toldDurable, durable);
        }
        sub.sentThrough = Math.max(sub.sentThrough, last);
        if (more) return true;
        // Caught up with storage: what was sent out meanwhile and is not committed yet follows.
        this.sendSealed(conn, sub);
        sub.announced = true;
        sub.phase = 'live';
        return false;
      }
      case 'live':
        return false;
    }
  }
}
