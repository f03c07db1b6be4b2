// The sending half of a document's sync: batches local changes for a window, seals them
// into outbox entries (outbox.ts), pushes entries in devSeq order, records acks, and
// handles the relay's refusals of pushes.

import { ORIGIN_LOCAL } from '../storage/doc-commit';
import { ORIGIN_OTHER_TAB } from '../storage/ydoc-store';
import { addFullStatePending, clearPending, commitAck, getSyncDoc, listOutbox } from '../storage/sync-store';
import type { DocCore } from './doc-core';
import { renumberOutbox, reseal } from './doc-seal';
import { sealNext } from './outbox';
import { type ErrorCode, mayWrite, parseDocId } from './protocol';
import { readEnvelope } from './protocol-envelope';
import { findMember } from './protocol-membership';

export class DocOutbox {
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  /** Its own timer: a retry of the subscription or of a seal pending in core.retryLater must not swallow it. */
  private pushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Highest devSeq queued for sending on this connection (0: none yet). */
  private pushedThrough = 0;
  /** seq-gap answers acted on since the last ack (a few retries, then it is reported). */
  private gapRetries = 0;
  /**
   * Pushes queued on this connection and not answered yet. The relay answers every push once
   * (ack or error), and errors in push order: after a seq-gap is acted on, the answers still
   * due for pushes queued before (staleAnswers) say nothing new, and their seq-gaps are ignored.
   */
  private inFlight = 0;
  private staleAnswers = 0;
  private pushing = false;

  constructor(
    private readonly core: DocCore,
    /** Called after each ack (the snapshot policy looks at the count). */
    private readonly afterAck: () => Promise<void>,
  ) {}

  /** A committed change of the document. */
  changed(origin: unknown, update: Uint8Array | null): void {
    if (!update) return;
    if (origin === ORIGIN_LOCAL) {
      this.core.pending += 1;
      this.core.report();
      this.scheduleSeal();
    } else if (origin === ORIGIN_OTHER_TAB) {
      // Another tab may have written a pending row with it: look at the table at seal time.
      this.scheduleSeal();
    }
  }

  /** Seals at the end of the batch window; the window is not extended by later changes. */
  scheduleSeal(): void {
    if (this.batchTimer || this.core.closed) return;
    this.batchTimer = setTimeout(() => {
      this.batchTimer = null;
      void this.core.run(() => this.sealAll());
    }, this.core.host.batchMs);
  }

  /** Seals everything pending now instead of at the end of the window. */
  flush(): Promise<void> {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    return this.core.run(() => this.sealAll());
  }

  close(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.batchTimer = null;
    this.pushTimer = null;
  }

  /** Offers the outbox again after a delay (once at a time). */
  private retryPushes(delayMs = this.core.host.retryMs): void {
    if (this.pushTimer || this.core.closed) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      if (!this.core.closed) void this.core.run(() => this.offerPushes());
    }, delayMs);
  }

  /** Seals pending rows into envelopes (more than one only when over the size budget). Call inside core.run. */
  async sealAll(): Promise<void> {
    const core = this.core;
    for (let stale = 0; stale < 3 && !core.closed; ) {
      const current = core.trust.current;
      const me = current && findMember(current, core.host.device.publicKey);
      const docClass = parseDocId(core.docId)?.docClass;
      // Not (yet) in the verified membership: keep the changes until it arrives.
      if (!current || !me || !docClass) return core.issue({ code: 'relay-error', error: 'not-a-member', docId: core.docId });
      if (!mayWrite(me.role, docClass)) return this.dropUnshareable();
      const key = await core.trust.docKey(core.docId, current.keyEpoch);
      if (!key) return core.issue({ code: 'missing-key', epoch: current.keyEpoch });
      const sealed = await sealNext(core.host.db, core.docId, core.state, core.host.device, key, core.host.now());
      if (!sealed.ok) {
        if (sealed.error.code === 'stale') {
          stale += 1;
          core.state = (await getSyncDoc(core.host.db, core.docKey)) ?? core.state;
          continue;
        }
        if (sealed.error.code === 'too-large') return core.issue({ code: 'change-too-large', bytes: sealed.error.bytes });
        core.issue({ code: 'storage-failed', message: sealed.error.code === 'storage-failed' ? sealed.error.message : sealed.error.reason });
        return core.retryLater(() => this.sealAll());
      }
      if (!sealed.value) break;
      core.state = sealed.value.state;
      // From the table, not just this entry: older ones may not have been queued on this connection yet.
      await this.offerPushes();
      // Changes committed while this seal ran have their own batch window; only rows over the budget go on now.
      if (!sealed.value.more) break;
    }
    await core.refreshCounts();
  }

  /**
   * This device's role may not write this document (a clinician and the journal): it only
   * reads it. Its own local changes (the journal's schema marker) stay on this device and
   * are not counted as waiting, since they can never be shared.
   */
  private async dropUnshareable(): Promise<void> {
    await clearPending(this.core.host.db, this.core.docKey);
    await this.core.refreshCounts();
  }

  /** A new connection (authenticated): everything unacknowledged is pushed again. */
  connected(): void {
    this.pushing = true;
    this.pushedThrough = 0;
    this.gapRetries = 0;
    this.inFlight = 0;
    this.staleAnswers = 0;
    void this.core.run(() => this.offerPushes());
  }

  disconnected(): void {
    this.pushing = false;
    this.pushedThrough = 0;
    this.inFlight = 0;
    this.staleAnswers = 0;
  }

  /**
   * Queues outbox entries above pushedThrough, in devSeq order. The outbox holds consecutive
   * devSeqs (sealed in order, acknowledged in order), so this never leaves a gap.
   */
  async offerPushes(): Promise<void> {
    if (!this.core.host.isConnected() || !this.pushing) return;
    for (const entry of await listOutbox(this.core.host.db, this.core.docKey)) {
      if (entry.devSeq <= this.pushedThrough) continue;
      const envelope = readEnvelope(entry.envelope);
      // Our own stored bytes; one that no longer decodes is a bug, never sent.
      if (!envelope.ok) return this.core.issue({ code: 'storage-failed', message: 'an outbox entry does not decode' });
      this.core.host.queuePush({ type: 'push', envelope: envelope.value });
      this.pushedThrough = entry.devSeq;
      this.inFlight += 1;
    }
  }

  /** The relay acknowledged a push: the entry leaves the outbox. */
  onAck(devSeq: number, seq: number): Promise<void> {
    const core = this.core;
    return core.run(async () => {
      this.answered();
      this.gapRetries = 0;
      const acked = await commitAck(core.host.db, core.docKey, devSeq, seq, core.host.now());
      if (!acked) return;
      core.state = acked.state;
      core.unacked = Math.max(0, core.unacked - acked.entry.changes);
      core.report();
      await this.afterAck();
    });
  }

  /** The relay refused one of our pushes (a seq-gap says which devSeq it expects). Call inside core.run. */
  async onRefused(code: ErrorCode, devSeq: number, expectedDevSeq?: number): Promise<void> {
    const core = this.core;
    const stale = this.answered();
    if (code === 'seq-gap') return stale ? undefined : this.onGap(expectedDevSeq);
    if (code === 'wrong-epoch') {
      // The circle rotated its keys: seal the same change again under the new epoch, same devSeq.
      if (await reseal(core.host.db, core.docKey, core.trust, core.host.device, devSeq)) this.rewind(devSeq);
      return this.retryPushes();
    }
    if (code === 'storage-unavailable' || code === 'rate-limited') {
      this.rewind(devSeq);
      return this.retryPushes();
    }
    if (code === 'unknown-circle' || code === 'unknown-signer' || code === 'forbidden' || code === 'internal') {
      // Often a membership version published a moment ago (by us or the owner) that the relay
      // had not applied yet; else a removal, which the device list shows. Try again, slowly.
      if (code === 'unknown-circle') core.host.circleUnknown(core.circleId);
      core.issue({ code: 'relay-error', error: code, docId: core.docId });
      this.rewind(devSeq);
      return this.retryPushes(core.host.retryMs * 5);
    }
    // Not fixable by retrying: report it.
    core.issue({ code: 'relay-error', error: code, docId: core.docId });
  }

  /**
   * A push was refused with seq-gap. If the relay expects a devSeq below our oldest
   * unacknowledged entry, it lost pushes it had acknowledged (restored from an older backup):
   * the entries are renumbered from the expected devSeq, and the whole state is queued too,
   * because the lost pushes' changes are gone from the relay. Otherwise an earlier push of
   * ours was refused or lost: everything from the expected devSeq is pushed again.
   */
  private async onGap(expectedDevSeq: number | undefined): Promise<void> {
    const core = this.core;
    const oldest = (await listOutbox(core.host.db, core.docKey))[0]?.devSeq;
    // Everything was acknowledged meanwhile: nothing to renumber or push again.
    if (oldest === undefined) return;
    if (this.gapRetries >= 3) return core.issue({ code: 'relay-error', error: 'seq-gap', docId: core.docId });
    this.gapRetries += 1;
    const expected = expectedDevSeq ?? oldest;
    this.staleAnswers = this.inFlight;
    if (expected >= oldest) {
      this.rewind(expected);
      return this.retryPushes();
    }
    const renumbered = await renumberOutbox(core.host.db, core.docKey, core.trust, core.host.device, expected);
    if (!renumbered) {
      // An entry that cannot be opened any more (its key is gone), or the outbox moved: next connection.
      return core.issue({ code: 'relay-error', error: 'seq-gap', docId: core.docId });
    }
    core.state = renumbered;
    await addFullStatePending(core.host.db, core.docKey, core.host.now());
    this.rewind(expected);
    await this.offerPushes();
    // Seals the whole state after the renumbered entries (and pushes it).
    await this.sealAll();
  }

  /**
   * A push was refused with seq-conflict: the relay holds a different envelope under this
   * devSeq from this device's key, so this store is older than its key's history (restored
   * from an older copy). The unacknowledged entries are renumbered after what the relay
   * holds; the caller then catches up from the start, applying this key's other pushes.
   * False when there is nothing to do (a stale answer, or no number from a version-1 relay).
   */
  async onConflict(expectedDevSeq: number | undefined): Promise<boolean> {
    const core = this.core;
    if (this.answered()) return false;
    const oldest = (await listOutbox(core.host.db, core.docKey))[0]?.devSeq;
    if (expectedDevSeq === undefined || oldest === undefined || expectedDevSeq <= oldest || this.gapRetries >= 3) {
      core.issue({ code: 'relay-error', error: 'seq-conflict', docId: core.docId });
      return false;
    }
    this.gapRetries += 1;
    this.staleAnswers = this.inFlight;
    const renumbered = await renumberOutbox(core.host.db, core.docKey, core.trust, core.host.device, expectedDevSeq);
    if (!renumbered) {
      core.issue({ code: 'relay-error', error: 'seq-conflict', docId: core.docId });
      return false;
    }
    core.state = renumbered;
    this.rewind(expectedDevSeq);
    await this.offerPushes();
    return true;
  }

  /** Counts an answer to one of this connection's pushes; true when it answers a push queued before the last seq-gap was acted on. */
  private answered(): boolean {
    if (this.inFlight > 0) this.inFlight -= 1;
    if (this.staleAnswers === 0) return false;
    this.staleAnswers -= 1;
    return true;
  }

  private rewind(devSeq: number): void {
    this.pushedThrough = Math.min(this.pushedThrough, devSeq - 1);
  }
}
