// Group commit: every write the relay accepts in one event-loop turn, or while the previous
// transaction is still committing, goes into ONE store transaction. All of its waiters are
// answered when that transaction is durable, so one fsync acknowledges many pushes.
//
// Transactions are applied strictly one after another, in the order writes were added, and
// answered in that order. The relay assigns seqs in memory when it adds a write, so batch
// N+1 may build on batch N: if N fails, the batch that gathered while N ran fails with it,
// and onFailure lets the relay drop its in-memory view and reload it from the store.
//
// Pipelining: a batch of nothing but updates goes to the store while an earlier batch of
// nothing but updates is still committing (at most MAX_IN_FLIGHT), instead of waiting for
// that one's answer to come back first. The store applies them in order (the SQLite thread
// takes one call at a time), so this saves the hand-back to the main thread and the
// previous fan-out from every batch's wait. Should the earlier one fail, the later one
// still cannot break an invariant: in a document both touch, its seqs continue the earlier
// batch's, so the store refuses the whole later batch as a gap; a later batch that touches
// only other documents is valid on its own and commits. Memberships, snapshots,
// confirmations and prunes, whose checks read state an earlier batch may change, wait for
// every earlier batch.

import type { Result } from '../src/sync/protocol';
import { type RelayStore, type StoreError, type WriteBatch, emptyBatch, isEmptyBatch } from './storage/store';

type Waiter = (result: Result<void, StoreError>) => void;

interface Pending {
  batch: WriteBatch;
  waiters: Waiter[];
}

export interface GroupCommitHooks {
  /** Called when a batch goes to the store, before its commit (protocol-3 fan-out goes then). */
  onDispatched?(batch: WriteBatch): void;
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

/** Batches in flight at once (see the pipelining note above). */
const MAX_IN_FLIGHT = 2;

const onlyUpdates = (b: WriteBatch) => writesIn(b) === b.updates.length;

/** Batches writes into durable transactions, applied and answered in order. */
export class GroupCommitter {
  private next: Pending | null = null;
  private inFlight = 0;
  /** In-flight batches that hold more than updates (nothing may overtake their answer). */
  private inFlightOther = 0;
  /** Settles once every dispatched batch was answered; answers go out in dispatch order. */
  private answered: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(
    private readonly store: RelayStore,
    private readonly hooks: GroupCommitHooks = {},
  ) {}

  /** Adds writes to the next transaction; resolves once that transaction is durable or has failed. */
  add(fill: (batch: WriteBatch) => void): Promise<Result<void, StoreError>> {
    if (!this.next) this.next = { batch: emptyBatch(), waiters: [] };
    fill(this.next.batch);
    const pending = this.next;
    const done = new Promise<Result<void, StoreError>>((resolve) => pending.waiters.push(resolve));
    this.schedule();
    return done;
  }

  /** Resolves when every write added so far has been committed (or has failed). */
  async flushed(): Promise<void> {
    while (this.inFlight > 0 || this.next || this.scheduled) {
      if (this.inFlight > 0) await this.answered;
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Whether the gathering batch may go to the store now. */
  private mayDispatch(): boolean {
    if (this.inFlight === 0) return true;
    return this.inFlight < MAX_IN_FLIGHT && this.inFlightOther === 0 && this.next !== null && onlyUpdates(this.next.batch);
  }

  private schedule(): void {
    if (this.scheduled || !this.mayDispatch()) return;
    this.scheduled = true;
    // setImmediate, not a microtask: let every frame that arrived in this turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.runNext();
    });
  }

  private runNext(): void {
    const pending = this.next;
    if (!pending || !this.mayDispatch()) return;
    this.next = null;
    const other = !onlyUpdates(pending.batch);
    this.inFlight++;
    if (other) this.inFlightOther++;
    const started = performance.now();
    if (!isEmptyBatch(pending.batch)) this.guard(() => this.hooks.onDispatched?.(pending.batch));
    const result: Promise<Result<void, StoreError>> = isEmptyBatch(pending.batch)
      ? Promise.resolve({ ok: true, value: undefined })
      : this.store.commit(pending.batch).catch((e: unknown) => ({ ok: false as const, error: { code: 'unavailable' as const, message: String(e) } }));
    this.answered = this.answered
      .then(() => result)
      .then((r) => this.answer(pending, r, started))
      .finally(() => {
        this.inFlight--;
        if (other) this.inFlightOther--;
        if (this.next) this.schedule();
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
      // Writes gathered while this one ran were built on its state: they fail with it.
      const dependent = this.next;
      this.next = null;
      this.guard(() => this.hooks.onFailure?.(result.error));
      for (const w of pending.waiters) w(result);
      for (const w of dependent?.waiters ?? []) w(result);
      this.guard(() => this.hooks.onSettled?.());
      return;
    }
    this.guard(() => this.hooks.onCommitted?.(pending.batch));
    for (const w of pending.waiters) w(result);
    this.guard(() => this.hooks.onSettled?.());
  }
}
