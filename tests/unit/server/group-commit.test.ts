// Group commit: each turn's updates are sealed (sent out) at the end of the turn whatever the
// store is doing, and commit together, one transaction at a time, at most once per window;
// anything else waits for every earlier write and commits alone; a failed transaction fails
// everything added after it.
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
  it('seals every turn at once while a transaction is held, then commits what was sealed meanwhile in one, answered in order', async () => {
    const { store, inner, calls } = heldStore();
    const order: string[] = [];
    const committer = new GroupCommitter(store, {
      onSealed: (b) => order.push(`sealed ${b.updates.map((u) => u.seq).join(',')}`),
      onCommitted: (b) => order.push(`committed ${b.updates.map((u) => u.seq).join(',')}`),
    }, 0);
    const first = committer.add((b) => b.updates.push(update(D1, 1), update(D2, 1))).then((r) => order.push(`answer 1 ${r.ok}`));
    await turn();
    expect(calls).toHaveLength(1);
    const second = committer.add((b) => b.updates.push(update(D1, 2))).then((r) => order.push(`answer 2 ${r.ok}`));
    await turn();
    const third = committer.add((b) => b.updates.push(update(D1, 3))).then((r) => order.push(`answer 3 ${r.ok}`));
    await turn();
    // Both later turns went out while the first transaction was held; neither is at the store yet.
    expect(order).toEqual(['sealed 1,1', 'sealed 2', 'sealed 3']);
    expect(calls).toHaveLength(1);
    calls[0]?.release();
    await first;
    await turn();
    // One transaction for both.
    expect(calls).toHaveLength(2);
    expect(calls[1]?.batch.updates.map((u) => u.seq)).toEqual([2, 3]);
    calls[1]?.release();
    await Promise.all([second, third]);
    expect(order).toEqual(['sealed 1,1', 'sealed 2', 'sealed 3', 'committed 1,1', 'answer 1 true', 'committed 2,3', 'answer 2 true', 'answer 3 true']);
    expect((await inner.loadDoc(D1)).head).toBe(3);
    await committer.flushed();
  });

  it('starts a transaction of sealed updates at most once per window', async () => {
    const inner = createMemoryStore();
    const starts: number[] = [];
    const store: RelayStore = { ...inner, commit: (batch) => (starts.push(performance.now()), inner.commit(batch)) };
    const committer = new GroupCommitter(store, {}, 60);
    const answers: Promise<unknown>[] = [];
    for (let seq = 1; seq <= 5; seq++) {
      answers.push(committer.add((b) => b.updates.push(update(D1, seq))));
      await turn();
    }
    // The first went at once; the other four wait for the window, then go together.
    expect(starts).toHaveLength(1);
    await Promise.all(answers);
    expect(starts).toHaveLength(2);
    expect((starts[1] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(55);
    expect((await inner.loadDoc(D1)).head).toBe(5);
    // flushed() does not wait for a window.
    const late = committer.add((b) => b.updates.push(update(D1, 6)));
    await committer.flushed();
    expect(await late).toEqual({ ok: true, value: undefined });
    expect(performance.now() - (starts[1] as number)).toBeLessThan(55);
  });

  it('lets nothing but updates overtake: a membership batch waits for every earlier answer, and nothing goes past it', async () => {
    const { store, calls } = heldStore();
    const sealed: string[] = [];
    const committer = new GroupCommitter(store, { onSealed: (b) => sealed.push(b.memberships.length ? 'membership' : `updates ${b.updates.map((u) => u.seq).join(',')}`) }, 0);
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
    // Not even sealed: a client may have sealed it under the membership still on its way to the disk.
    expect(sealed).toEqual(['updates 1', 'membership']);
    calls[1]?.release();
    expect(await second).toEqual({ ok: true, value: undefined });
    await turn();
    calls[2]?.release();
    expect(await third).toEqual({ ok: true, value: undefined });
    // The update after the membership went out only after the membership's transaction.
    expect(sealed).toEqual(['updates 1', 'membership', 'updates 2']);
  });

  it('when a transaction fails, everything added after it fails too without reaching the store: sealed and still gathering', async () => {
    const { store, inner, calls } = heldStore(true);
    const failures: string[] = [];
    const committer = new GroupCommitter(store, { onFailure: (e) => failures.push(e.code) }, 0);
    const first = committer.add((b) => b.updates.push(update(D1, 1)));
    await turn();
    // Sealed behind it: D1 seq 2 builds on the first transaction; D2 seq 1 does not, but shares its fate.
    const second = committer.add((b) => b.updates.push(update(D1, 2), update(D2, 1)));
    await turn();
    // Still gathering: a membership waits for everything before it.
    const third = committer.add((b) => b.memberships.push({ circleId: CIRCLE as never, version: 1, link: new Uint8Array(40), ownerPk: PK }));
    await turn();
    expect(calls).toHaveLength(1);
    calls[0]?.release();
    expect(await first).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await second).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await third).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(failures).toEqual(['unavailable']);
    await committer.flushed();
    expect(calls).toHaveLength(1);
    expect((await inner.loadDoc(D1)).head).toBe(0);
    expect((await inner.loadDoc(D2)).head).toBe(0);
    // The store works again: the next write commits.
    const again = committer.add((b) => b.updates.push(update(D1, 1)));
    await turn();
    calls[1]?.release();
    expect(await again).toEqual({ ok: true, value: undefined });
  });
});
