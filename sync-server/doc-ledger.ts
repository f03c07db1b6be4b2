// The relay's in-memory view of each active document: the seq it will assign next, the
// committed head, the newest snapshot, and per device the last devSeq and seal count.
// Seqs are assigned here, synchronously, when a push is queued for commit; that is what
// makes them gap-free with many connections pushing to one document at once. The store
// checks the same invariants again inside its transaction.
//
// Loaded lazily from the store and evicted when idle. After a failed transaction every
// ledger is dropped (marked stale) and reloaded, because the in-memory counters ran ahead
// of what is on disk.

import { type Bytes, toHex } from '../src/sync/codec-bytes';
import type { DocId, Result } from '../src/sync/protocol';
import type { FrameItem } from './frames';
import type { DeviceCounters, RelayStore, SnapshotMeta, StoreError } from './storage/store';

/** An accepted push whose transaction has not committed yet (a retransmission waits for it). */
export interface PendingPush {
  seq: number;
  hash: Bytes;
  durable: Promise<boolean>;
}

/** One document's counters; mutated only in the synchronous accept step of relay-docs.ts. */
export class DocLedger {
  /** The last seq handed out (committed or queued). */
  head: number;
  /** The last seq known to be durable: catch-up and cursor checks use this. */
  committed: number;
  /** The newest snapshot, including one queued for commit. */
  snapshot: SnapshotMeta | null;
  /** Settles when the newest snapshot is durable (a re-upload of it is acknowledged then). */
  snapshotDurable: Promise<Result<void, StoreError>> = Promise.resolve({ ok: true, value: undefined });
  prunedThrough: number;
  readonly devices = new Map<string, DeviceCounters>();
  readonly pending = new Map<string, PendingPush>();
  /**
   * Updates already sent to protocol-3 subscribers and not committed yet, in seq order
   * (committed + 1 onwards): a subscriber that missed them while it caught up from storage
   * is sent them from here instead of waiting for their commit.
   */
  sealed: FrameItem[] = [];
  pendingWrites = 0;
  stale = false;

  constructor(
    readonly docId: DocId,
    head: number,
    snapshot: SnapshotMeta | null,
    prunedThrough: number,
  ) {
    this.head = head;
    this.committed = head;
    this.snapshot = snapshot;
    this.prunedThrough = prunedThrough;
  }
}

/** Key of a device's push (its public key in hex) in the pending map. */
export const pushKey = (deviceHex: string, devSeq: number) => `${deviceHex}:${devSeq}`;

/** Loads, caches and evicts document ledgers. */
export class DocLedgers {
  private readonly ledgers = new Map<DocId, DocLedger>();
  private readonly loading = new Map<DocId, Promise<DocLedger>>();

  constructor(
    private readonly store: RelayStore,
    private readonly maxDocs = 20_000,
  ) {}

  /** The ledger if it is in memory. */
  peek(docId: DocId): DocLedger | undefined {
    return this.ledgers.get(docId);
  }

  /** The document's ledger; rejects only on storage failure. Callers re-check `stale` after awaiting anything else. */
  async get(docId: DocId): Promise<DocLedger> {
    const known = this.ledgers.get(docId);
    if (known) return known;
    let load = this.loading.get(docId);
    if (!load) {
      load = this.store.loadDoc(docId).then((d) => {
        // An invalidation while loading is harmless: this read came from the store.
        const existing = this.ledgers.get(docId);
        if (existing) return existing;
        const ledger = new DocLedger(docId, d.head, d.snapshot, d.prunedThrough);
        this.remember(ledger);
        return ledger;
      });
      const cleanup = () => this.loading.delete(docId);
      load.then(cleanup, cleanup);
      this.loading.set(docId, load);
    }
    return load;
  }

  /** The device's counters in this document, loaded once (`key`: devicePk in hex, if the caller has it). */
  async device(ledger: DocLedger, devicePk: Uint8Array, key: string = toHex(devicePk)): Promise<DeviceCounters> {
    const known = ledger.devices.get(key);
    if (known) return known;
    const loaded = await this.store.loadDevice(ledger.docId, devicePk);
    // Another request may have loaded (and since changed) it meanwhile: keep that one.
    const again = ledger.devices.get(key);
    if (again) return again;
    ledger.devices.set(key, loaded);
    return loaded;
  }

  /** Drops every ledger; the next requests reload from the store. */
  invalidate(): void {
    for (const l of this.ledgers.values()) l.stale = true;
    this.ledgers.clear();
  }

  private remember(ledger: DocLedger): void {
    this.ledgers.set(ledger.docId, ledger);
    if (this.ledgers.size <= this.maxDocs) return;
    for (const [id, l] of this.ledgers) {
      if (this.ledgers.size <= this.maxDocs) break;
      if (l.pendingWrites === 0) {
        l.stale = true;
        this.ledgers.delete(id);
      }
    }
  }
}
