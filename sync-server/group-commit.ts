// Group commit: every write the relay accepts in one event-loop turn, or while the previous
// transaction is still committing, goes into ONE store transaction. All of its waiters are
// answered when that transaction is durable, so one fsync acknowledges many pushes.
//
// Transactions run strictly one after another, in the order writes were added. The relay
// assigns seqs in memory when it adds a write, so batch N+1 may build on batch N: if N
// fails, the batch that gathered while N ran fails with it, and onFailure lets the relay
// drop its in-memory view and reload it from the store.

import type { Result } from '../src/sync/protocol';
import { type RelayStore, type StoreError, type WriteBatch, emptyBatch, isEmptyBatch } from './storage/store';

type Waiter = (result: Result<void, StoreError>) => void;

interface Pending {
  batch: WriteBatch;
  waiters: Waiter[];
}

export interface GroupCommitHooks {
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

/** Batches writes into one durable transaction at a time, in order. */
export class GroupCommitter {
  private next: Pending | null = null;
  private running: Promise<void> | null = null;
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
    while (this.running || this.next || this.scheduled) {
      if (this.running) await this.running;
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: let every frame that arrived in this turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.runNext();
    });
  }

  private runNext(): void {
    const pending = this.next;
    if (!pending || this.running) return;
    this.next = null;
    this.running = this.commit(pending).finally(() => {
      this.running = null;
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

  private async commit(pending: Pending): Promise<void> {
    const started = performance.now();
    const result: Result<void, StoreError> = isEmptyBatch(pending.batch)
      ? { ok: true, value: undefined }
      : await this.store.commit(pending.batch).catch((e: unknown) => ({ ok: false as const, error: { code: 'unavailable' as const, message: String(e) } }));
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
