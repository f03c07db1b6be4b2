// Group commit: one transaction per turn, answered in order; a batch of updates goes to the
// store while an earlier batch of updates is still committing, anything else waits; a failed
// batch fails the one that gathered behind it, and a pipelined batch that built on it is
// refused by the store's own invariants.
import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../../sync-server/group-commit';
import { createMemoryStore } from '../../../sync-server/storage/memory';
import type { RelayStore, StoreError, UpdateWrite, WriteBatch } from '../../../sync-server/storage/store';
import type { DocId, Result } from '../../../src/sync/protocol';

const CIRCLE = '01HZY3J6Q8W8X7V5T4S3R2Q1P0';
const D1: DocId = `${CIRCLE}.journal`;
const D2: DocId = `${CIRCLE}.plan`;
const PK = new Uint8Array(32).fill(7);
const update = (docId: DocId, seq: number): UpdateWrite => ({ docId, seq, devicePk: PK, devSeq: seq, keyEpoch: 0, hash: new Uint8Array(32).fill(seq), envelope: new Uint8Array(150).fill(seq), receivedAt: 1 });
// Two turns: an answer's bookkeeping, then the next batch's dispatch at the end of a turn.
const turn = async () => {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A store whose commits wait until released, taken in the order they arrive, as the store thread takes them. */
function heldStore(failFirst = false) {
  const inner = createMemoryStore();
  const calls: Array<{ batch: WriteBatch; release: () => void }> = [];
  let failNext = failFirst;
  const store: RelayStore = {
    ...inner,
    commit: (batch) =>
      new Promise<Result<void, StoreError>>((resolve) => {
        calls.push({
          batch,
          release: () => {
            if (failNext) {
              failNext = false;
              resolve({ ok: false, error: { code: 'unavailable', message: 'disk full' } });
            } else void inner.commit(batch).then(resolve);
          },
        });
      }),
  };
  return { store, inner, calls };
}

describe('GroupCommitter', () => {
  it('sends a second batch of updates while the first is committing, and answers both in order', async () => {
    const { store, inner, calls } = heldStore();
    const order: string[] = [];
    const committer = new GroupCommitter(store, { onCommitted: (b) => order.push(`committed ${b.updates.map((u) => u.seq).join(',')}`) });
    const first = committer.add((b) => b.updates.push(update(D1, 1), update(D2, 1))).then((r) => order.push(`answer 1 ${r.ok}`));
    await turn();
    expect(calls).toHaveLength(1);
    const second = committer.add((b) => b.updates.push(update(D1, 2))).then((r) => order.push(`answer 2 ${r.ok}`));
    await turn();
    // Pipelined: the second batch is at the store before the first was answered.
    expect(calls).toHaveLength(2);
    // A third waits: two are in flight.
    const third = committer.add((b) => b.updates.push(update(D1, 3))).then((r) => order.push(`answer 3 ${r.ok}`));
    await turn();
    expect(calls).toHaveLength(2);
    calls[0]?.release();
    calls[1]?.release();
    await Promise.all([first, second]);
    await turn();
    expect(calls).toHaveLength(3);
    calls[2]?.release();
    await third;
    expect(order).toEqual(['committed 1,1', 'answer 1 true', 'committed 2', 'answer 2 true', 'committed 3', 'answer 3 true']);
    expect((await inner.loadDoc(D1)).head).toBe(3);
    await committer.flushed();
  });

  it('lets nothing but updates overtake: a membership batch waits for every earlier answer, and nothing goes past it', async () => {
    const { store, calls } = heldStore();
    const committer = new GroupCommitter(store);
    const first = committer.add((b) => b.updates.push(update(D1, 1)));
    await turn();
    const second = committer.add((b) => b.memberships.push({ circleId: CIRCLE as never, version: 1, link: new Uint8Array(40), ownerPk: PK }));
    await turn();
    expect(calls).toHaveLength(1);
    calls[0]?.release();
    await first;
    await turn();
    expect(calls).toHaveLength(2);
    const third = committer.add((b) => b.updates.push(update(D1, 2)));
    await turn();
    expect(calls).toHaveLength(2);
    calls[1]?.release();
    expect(await second).toEqual({ ok: true, value: undefined });
    await turn();
    calls[2]?.release();
    expect(await third).toEqual({ ok: true, value: undefined });
  });

  it('when a batch fails: the one gathering behind it fails too, and a pipelined one that continued its seqs is refused by the store', async () => {
    const { store, inner, calls } = heldStore(true);
    const failures: string[] = [];
    const committer = new GroupCommitter(store, { onFailure: (e) => failures.push(e.code) });
    const first = committer.add((b) => b.updates.push(update(D1, 1)));
    await turn();
    // Pipelined behind it: D1 seq 2 builds on the first batch; D2 seq 1 does not, but shares its transaction.
    const second = committer.add((b) => b.updates.push(update(D1, 2), update(D2, 1)));
    await turn();
    const third = committer.add((b) => b.updates.push(update(D1, 3)));
    await turn();
    expect(calls).toHaveLength(2);
    calls[0]?.release();
    expect(await first).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    // The gathering batch failed with it, without reaching the store.
    expect(await third).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    calls[1]?.release();
    expect(await second).toMatchObject({ ok: false, error: { code: 'invariant' } });
    expect(failures).toEqual(['unavailable', 'invariant']);
    expect(calls).toHaveLength(2);
    expect((await inner.loadDoc(D1)).head).toBe(0);
    expect((await inner.loadDoc(D2)).head).toBe(0);
    await committer.flushed();
  });
});
