// The sending half of a document's sync: batches local changes for a window, seals them
// into outbox entries (outbox.ts), pushes entries in devSeq order, records acks, and
// handles the relay's refusals of pushes.

import { ORIGIN_LOCAL } from '../storage/doc-commit';
import { ORIGIN_OTHER_TAB } from '../storage/ydoc-store';
import { clearPending, commitAck, getSyncDoc, listOutbox } from '../storage/sync-store';
import type { DocCore } from './doc-core';
import { reseal } from './doc-seal';
import { sealNext } from './outbox';
import { type ErrorCode, mayWrite, parseDocId } from './protocol';
import { readEnvelope } from './protocol-envelope';
import { findMember } from './protocol-membership';

export class DocOutbox {
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  /** Highest devSeq queued for sending on this connection (0: none yet). */
  private pushedThrough = 0;
  /** seq-gap answers this connection (one retry, then it is reported). */
  private gapRetries = 0;
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
    this.batchTimer = null;
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
    void this.core.run(() => this.offerPushes());
  }

  disconnected(): void {
    this.pushing = false;
    this.pushedThrough = 0;
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
    }
  }

  /** The relay acknowledged a push: the entry leaves the outbox. */
  onAck(devSeq: number, seq: number): Promise<void> {
    const core = this.core;
    return core.run(async () => {
      const acked = await commitAck(core.host.db, core.docKey, devSeq, seq, core.host.now());
      if (!acked) return;
      core.state = acked.state;
      core.unacked = Math.max(0, core.unacked - acked.entry.changes);
      core.report();
      await this.afterAck();
    });
  }

  /** The relay refused one of our pushes. Call inside core.run. */
  async onRefused(code: ErrorCode, devSeq: number): Promise<void> {
    const core = this.core;
    if (code === 'wrong-epoch') {
      // The circle rotated its keys: seal the same change again under the new epoch, same devSeq.
      if (await reseal(core.host.db, core.docKey, core.trust, core.host.device, devSeq)) this.rewind(devSeq);
      return core.retryLater(() => this.offerPushes());
    }
    if (code === 'storage-unavailable' || code === 'rate-limited') {
      this.rewind(devSeq);
      return core.retryLater(() => this.offerPushes());
    }
    if (code === 'unknown-circle' || code === 'unknown-signer' || code === 'forbidden' || code === 'internal') {
      // Often a membership version published a moment ago (by us or the owner) that the relay
      // had not applied yet; else a removal, which the device list shows. Try again, slowly.
      if (code === 'unknown-circle') core.host.circleUnknown(core.circleId);
      core.issue({ code: 'relay-error', error: code, docId: core.docId });
      this.rewind(devSeq);
      return core.retryLater(() => this.offerPushes(), core.host.retryMs * 5);
    }
    if (code === 'seq-gap' && this.gapRetries < 1) {
      // An earlier push of ours was refused (and reported) or lost: push again from the oldest entry, once.
      this.gapRetries += 1;
      this.rewind((await listOutbox(core.host.db, core.docKey))[0]?.devSeq ?? devSeq);
      return core.retryLater(() => this.offerPushes());
    }
    // Not fixable by retrying (a relay that lost our devSeqs answers seq-gap for ever): report it.
    core.issue({ code: 'relay-error', error: code, docId: core.docId });
  }

  private rewind(devSeq: number): void {
    this.pushedThrough = Math.min(this.pushedThrough, devSeq - 1);
  }
}
