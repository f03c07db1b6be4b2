// Group commit: every write the relay accepts goes into a store transaction shared with the
// writes around it, and all of a transaction's waiters are answered when it is durable, so
// one fsync acknowledges many pushes.
//
// Transactions run one at a time, in the order their writes were added, and are answered in
// that order. The relay assigns seqs in memory when it adds a write, so later writes may build
// on earlier ones: if a transaction fails, every write added after it fails with it, and
// onFailure lets the relay drop its in-memory view and reload it from the store.
//
// Updates are sealed at the end of the event-loop turn in which they were added: the
// onSealed hook sends them to protocol-3 subscribers then (PROTOCOL.md "Durability"),
// whatever the store is doing. They commit with every other update sealed until the store is
// free again, and at most once per COMMIT_WINDOW_MS. So a slow fsync delays
// acknowledgements, never the fan-out, and under load one fsync covers the pushes of many
// turns instead of two or three.
//
// Relay bench, SQLite store, 200 clients at 20 updates/s each (4,000 pushes/s), against the
// design before (each turn's pushes went to the store on their own, at most two transactions
// in flight, and a turn's fan-out waited when two were): 370 transactions a second instead
// of 1,400, relay CPU 74-86% of a core instead of 98-107%, and fan-out p99 5.0-7.5 ms
// instead of 12 ms (medians of 5 rounds, two interleaved runs). A 5 ms window used about the
// same CPU as 2 ms but had the higher p99 at 20/s in its runs (9.6 ms, the old design 6.8).
//
// Memberships, snapshots, confirmations and prunes, whose checks read state an earlier write
// may change, wait until everything before them has committed, commit on their own, and
// nothing added after them goes ahead of them. A batch that publishes membership is not
// sealed early: its links must reach subscribers before the updates sealed under them.

import type { Result } from '../src/sync/protocol';
import { type RelayStore, type StoreError, type WriteBatch, emptyBatch, isEmptyBatch } from './storage/store';

type Waiter = (result: Result<void, StoreError>) => void;

interface Pending {
  batch: WriteBatch;
  waiters: Waiter[];
}

export interface GroupCommitHooks {
  /** Called when a turn's updates are sealed, before their commit (protocol-3 fan-out goes then). */
  onSealed?(batch: WriteBatch): void;
  /** Called after every transaction with its duration and number of writes. */
  onCommit?(seconds: number, writes: number, ok: boolean): void;
  /** Called after a successful transaction, before its waiters hear of it (fan-out goes before acks). */
  onCommitted?(batch: WriteBatch): void;
  /** Called once per failed transaction, before any waiter hears of it. */
  onFailure?(error: StoreError): void;
  /** Called after every transaction's waiters were answered (their direct continuations are queued by then). */
  onSettled?(): void;
  /** A hook threw (a bug): reported here so that the commit queue keeps going. */
  onHookError?(error: unknown): void;
}

const writesIn = (b: WriteBatch) => b.memberships.length + b.updates.length + b.snapshots.length + b.confirmations.length + b.prunes.length;

const onlyUpdates = (b: WriteBatch) => writesIn(b) === b.updates.length;

/** The shortest time from the start of one transaction of sealed updates to the start of the next. */
export const COMMIT_WINDOW_MS = 2;

/** Batches writes into durable transactions, applied and answered in order. */
export class GroupCommitter {
  /** Writes added in the current turn. */
  private next: Pending | null = null;
  /** Updates sealed (sent out early) and waiting for their transaction. */
  private sealed: Pending | null = null;
  /** The transaction at the store, if any: nothing is sealed while one that holds more than updates is. */
  private atStore: 'updates' | 'other' | null = null;
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  /** Settles when the transaction at the store was answered. */
  private answered: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: RelayStore,
    private readonly hooks: GroupCommitHooks = {},
    private readonly windowMs = COMMIT_WINDOW_MS,
  ) {}

  /** Adds writes to the current turn's batch; resolves once their transaction is durable or has failed. */
  add(fill: (batch: WriteBatch) => void): Promise<Result<void, StoreError>> {
    if (!this.next) this.next = { batch: emptyBatch(), waiters: [] };
    fill(this.next.batch);
    const pending = this.next;
    const done = new Promise<Result<void, StoreError>>((resolve) => pending.waiters.push(resolve));
    this.schedule();
    return done;
  }

  /** Resolves when every write added so far has been committed (or has failed), without waiting for the window. */
  async flushed(): Promise<void> {
    for (;;) {
      if (this.atStore) await this.answered;
      else if (this.sealed) this.commit(this.takeSealed());
      else if (this.next || this.scheduled) await new Promise<void>((resolve) => setImmediate(resolve));
      else return;
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: let every frame that arrived in this turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.endTurn();
    });
  }

  /** Seals the turn's updates, or lets the turn's other writes commit once everything before them has. */
  private endTurn(): void {
    const pending = this.next;
    if (!pending) return;
    if (onlyUpdates(pending.batch)) {
      // Updates a client sealed under membership still on its way to the disk wait for it.
      if (this.atStore === 'other') return;
      this.next = null;
      this.guard(() => this.hooks.onSealed?.(pending.batch));
      if (!this.sealed) this.sealed = { batch: emptyBatch(), waiters: [] };
      this.sealed.batch.updates.push(...pending.batch.updates);
      this.sealed.waiters.push(...pending.waiters);
      this.commitSoon();
      return;
    }
    if (this.atStore) return;
    if (this.sealed) return this.commit(this.takeSealed());
    this.next = null;
    // Not sealed early when it publishes membership (onSealed leaves such a batch for onCommitted).
    this.guard(() => this.hooks.onSealed?.(pending.batch));
    this.commit(pending);
  }

  /** Commits the sealed updates once the store is free and the window since the last transaction has passed. */
  private commitSoon(): void {
    if (!this.sealed || this.atStore || this.timer) return;
    const wait = this.lastCommitAt + this.windowMs - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.commitSoon();
      }, wait);
      return;
    }
    this.commit(this.takeSealed());
  }

  private takeSealed(): Pending {
    const pending = this.sealed as Pending;
    this.sealed = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return pending;
  }

  private commit(pending: Pending): void {
    this.atStore = onlyUpdates(pending.batch) ? 'updates' : 'other';
    const started = performance.now();
    this.lastCommitAt = started;
    const result: Promise<Result<void, StoreError>> = isEmptyBatch(pending.batch)
      ? Promise.resolve({ ok: true, value: undefined })
      : this.store.commit(pending.batch).catch((e: unknown) => ({ ok: false as const, error: { code: 'unavailable' as const, message: String(e) } }));
    this.answered = result
      .then((r) => this.answer(pending, r, started))
      .finally(() => {
        this.atStore = null;
        // Writes that waited for this one; sealed updates wait for their window.
        if (this.next) this.schedule();
        this.commitSoon();
      });
  }

  private guard(hook: () => void): void {
    try {
      hook();
    } catch (e) {
      this.hooks.onHookError?.(e);
    }
  }

  private answer(pending: Pending, result: Result<void, StoreError>, started: number): void {
    this.hooks.onCommit?.((performance.now() - started) / 1000, writesIn(pending.batch), result.ok);
    if (!result.ok) {
      // Everything added after this transaction was built on its state: it fails with it.
      const later = [this.sealed && this.takeSealed(), this.next];
      this.next = null;
      this.guard(() => this.hooks.onFailure?.(result.error));
      for (const w of pending.waiters) w(result);
      for (const p of later) for (const w of p?.waiters ?? []) w(result);
      this.guard(() => this.hooks.onSettled?.());
      return;
    }
    this.guard(() => this.hooks.onCommitted?.(pending.batch));
    for (const w of pending.waiters) w(result);
    this.guard(() => this.hooks.onSettled?.());
  }
}
