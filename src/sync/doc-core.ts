// What the two halves of a document's sync share (doc-outbox.ts sends, doc-sync.ts
// receives): the committed sync state, one serial queue for every step that changes it,
// and the document's line in the status. A step adopts a new state only after its
// storage transaction committed.

import type { PacelineDB } from '../storage/db';
import { toStorageError } from '../storage/errors';
import type { SyncDocRow } from '../storage/sync-rows';
import { countWaiting, putSyncDoc } from '../storage/sync-store';
import type { SyncableDoc } from '../storage/syncable';
import type { CircleTrust } from './circle-trust';
import type { DeviceKeys } from './crypto';
import type { ClientMessage, DocId } from './protocol';
import type { SyncIssue, SyncStatusStore } from './sync-status';

/** What a document's sync needs from the provider. */
export interface DocSyncHost {
  readonly db: PacelineDB;
  readonly device: DeviceKeys;
  readonly status: SyncStatusStore;
  readonly batchMs: number;
  /** Acknowledged pushes after which this device uploads a snapshot. */
  readonly snapshotEvery: number;
  /** Delay before retrying after a refusal that may pass (storage busy, rate); a subscription refused for membership waits 5x. */
  readonly retryMs: number;
  now(): number;
  /** Authenticated to the relay right now. */
  isConnected(): boolean;
  /** Sends a control frame at once (subscribe, snapshot-confirm); false when offline. */
  send(msg: ClientMessage): boolean;
  /** Queues a push or snapshot behind the relay's rate limit. */
  queuePush(msg: Extract<ClientMessage, { type: 'push' | 'snapshot' }>): void;
  /** The relay does not know the circle: publish its membership and subscribe again. */
  circleUnknown(circleId: string): void;
  /** Device bookkeeping changed (for the device list). */
  devicesChanged(circleId: string): void;
}

export class DocCore {
  readonly docKey: string;
  readonly circleId: string;
  /** Committed sync state: changed only after the transaction that stored it. */
  state: SyncDocRow;
  /** Local changes not sealed yet, and changes in sealed envelopes not acknowledged yet. */
  pending = 0;
  unacked = 0;
  rejected = 0;
  catchingUp = false;
  closed = false;
  private queue: Promise<void> = Promise.resolve();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly host: DocSyncHost,
    readonly store: SyncableDoc,
    readonly docId: DocId,
    readonly trust: CircleTrust,
    state: SyncDocRow,
  ) {
    this.state = state;
    this.docKey = state.docKey;
    this.circleId = state.circleId;
  }

  /** Runs a step after the previous one; a step's failure is reported, never left unhandled. */
  run(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((err: unknown) => this.issue({ code: 'storage-failed', message: toStorageError(err).message }));
    this.queue = next;
    return next;
  }

  /** Waits for the running step (on close). */
  async idle(): Promise<void> {
    await this.queue;
  }

  /** Runs a step again later (once at a time), e.g. after a refusal that may pass. */
  retryLater(step: () => Promise<void>, delayMs = this.host.retryMs): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) void this.run(step);
    }, delayMs);
  }

  /** Stops timers; steps already queued still run. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Stores a new state on its own and adopts it; false (reported) when storage failed. */
  async save(next: SyncDocRow): Promise<boolean> {
    try {
      await putSyncDoc(this.host.db, next);
      this.state = next;
      return true;
    } catch (err) {
      this.issue({ code: 'storage-failed', message: toStorageError(err).message });
      return false;
    }
  }

  /** Recounts waiting changes from storage (other tabs may have added pending rows). */
  async refreshCounts(): Promise<void> {
    try {
      const counts = await countWaiting(this.host.db, this.docKey);
      this.pending = counts.pending;
      this.unacked = counts.unacked;
    } catch {
      // Counts are informational; the next seal or ack counts again.
    }
    this.report();
  }

  issue(issue: SyncIssue): void {
    this.host.status.patchDoc(this.docId, { lastIssue: issue });
  }

  report(): void {
    this.host.status.patchDoc(this.docId, {
      waiting: this.pending + this.unacked,
      lastSharedAt: this.state.lastAckedAt,
      rejected: this.rejected,
      cursor: this.state.cursor,
      catchingUp: this.catchingUp,
    });
  }
}
