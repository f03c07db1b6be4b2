// The one test suite every RelayStore implementation runs (automerge-repo's
// runStorageAdapterTests habit). A PostgreSQL adapter calls runStoreSuite with its own
// factory and passes when it behaves exactly like the embedded store.
import { afterEach, describe, expect, it } from 'vitest';
import type { Bytes } from '../../../src/sync/codec-bytes';
import type { DocId } from '../../../src/sync/protocol';
import { type RelayStore, type UpdateWrite, type WriteBatch, emptyBatch } from '../../../sync-server/storage/store';

export interface StoreFactory {
  /** A fresh, empty store. */
  open(): Promise<RelayStore>;
  /** Closes `store` and opens the same data again, for stores that persist; omitted otherwise. */
  reopen?(store: RelayStore): Promise<RelayStore>;
  /** Removes what open() created. */
  cleanup?(): void;
}

const CIRCLE = '01HZY3J6Q8W8X7V5T4S3R2Q1P0';
const DOC: DocId = `${CIRCLE}.journal`;
const OTHER: DocId = `${CIRCLE}.plan`;
const bytes = (n: number, fill: number): Bytes => new Uint8Array(n).fill(fill);
const PK_A = bytes(32, 0xa1);
const PK_B = bytes(32, 0xb2);

function update(seq: number, devSeq: number, size = 100, devicePk = PK_A, keyEpoch = 0, docId = DOC): UpdateWrite {
  return { docId, seq, devicePk, devSeq, keyEpoch, hash: bytes(32, seq), envelope: bytes(size, seq & 0xff), receivedAt: 1_000 + seq };
}

function batch(fill: Partial<WriteBatch>): WriteBatch {
  return { ...emptyBatch(), ...fill };
}

/** Runs the shared storage tests against one implementation. */
export function runStoreSuite(name: string, factory: StoreFactory): void {
  describe(`RelayStore: ${name}`, () => {
    const open: RelayStore[] = [];
    const fresh = async () => {
      const store = await factory.open();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
      factory.cleanup?.();
    });

    it('starts empty', async () => {
      const store = await fresh();
      expect(await store.loadCircle(CIRCLE)).toBeNull();
      expect(await store.loadDoc(DOC)).toEqual({ head: 0, snapshot: null, prunedThrough: 0 });
      expect(await store.loadDevice(DOC, PK_A)).toEqual({ lastDevSeq: 0, keyEpoch: 0, seals: 0 });
      expect(await store.findUpdate(DOC, PK_A, 1)).toBeNull();
      expect(await store.readUpdates(DOC, 1, 1 << 20)).toEqual([]);
      expect(await store.readSnapshot(DOC)).toBeNull();
      expect(await store.snapshotsDueForRetention(Number.MAX_SAFE_INTEGER)).toEqual([]);
    });

    it('stores a membership chain pinned to its owner key, only in consecutive versions', async () => {
      const store = await fresh();
      expect(await store.commit(batch({ memberships: [{ circleId: CIRCLE, version: 1, link: bytes(50, 1), ownerPk: PK_A }] }))).toEqual({ ok: true, value: undefined });
      expect(await store.commit(batch({ memberships: [{ circleId: CIRCLE, version: 2, link: bytes(60, 2), ownerPk: null }, { circleId: CIRCLE, version: 3, link: bytes(70, 3), ownerPk: null }] }))).toMatchObject({ ok: true });
      expect(await store.commit(batch({ memberships: [{ circleId: CIRCLE, version: 5, link: bytes(10, 5), ownerPk: null }] }))).toMatchObject({ ok: false, error: { code: 'invariant' } });
      expect(await store.commit(batch({ memberships: [{ circleId: CIRCLE, version: 1, link: bytes(10, 9), ownerPk: PK_B }] }))).toMatchObject({ ok: false, error: { code: 'invariant' } });
      const circle = await store.loadCircle(CIRCLE);
      expect(circle?.ownerPk).toEqual(PK_A);
      expect(circle?.links.map((l) => l.length)).toEqual([50, 60, 70]);
    });

    it('appends updates with gap-free seqs and refuses a whole batch that would break a rule', async () => {
      const store = await fresh();
      expect(await store.commit(batch({ updates: [update(1, 1), update(2, 2), update(1, 1, 100, PK_A, 0, OTHER)] }))).toMatchObject({ ok: true });
      expect((await store.loadDoc(DOC)).head).toBe(2);
      expect((await store.loadDoc(OTHER)).head).toBe(1);
      // A gap, a reused seq and a reused devSeq: each refused, and the good writes beside them too.
      for (const bad of [update(4, 3), update(2, 3), update(3, 2)]) {
        const result = await store.commit(batch({ memberships: [{ circleId: CIRCLE, version: 1, link: bytes(5, 1), ownerPk: PK_A }], updates: [bad] }));
        expect(result).toMatchObject({ ok: false, error: { code: 'invariant' } });
      }
      expect(await store.loadCircle(CIRCLE)).toBeNull();
      expect((await store.loadDoc(DOC)).head).toBe(2);
      expect(await store.findUpdate(DOC, PK_A, 2)).toEqual({ seq: 2, hash: bytes(32, 2) });
      expect(await store.findUpdate(DOC, PK_B, 2)).toBeNull();
    });

    it('counts each device per document: last devSeq, and seals per key epoch', async () => {
      const store = await fresh();
      await store.commit(batch({ updates: [update(1, 1), update(2, 1, 100, PK_B), update(3, 2)] }));
      expect(await store.loadDevice(DOC, PK_A)).toEqual({ lastDevSeq: 2, keyEpoch: 0, seals: 2 });
      expect(await store.loadDevice(DOC, PK_B)).toEqual({ lastDevSeq: 1, keyEpoch: 0, seals: 1 });
      await store.commit(batch({ updates: [update(4, 3, 100, PK_A, 1)] }));
      expect(await store.loadDevice(DOC, PK_A)).toEqual({ lastDevSeq: 3, keyEpoch: 1, seals: 1 });
      await store.commit(batch({ snapshots: [{ docId: DOC, coversSeq: 4, devicePk: PK_A, keyEpoch: 1, hash: bytes(32, 40), envelope: bytes(300, 4), receivedAt: 5_000 }] }));
      expect(await store.loadDevice(DOC, PK_A)).toEqual({ lastDevSeq: 3, keyEpoch: 1, seals: 2 });
      expect(await store.loadDevice(OTHER, PK_A)).toEqual({ lastDevSeq: 0, keyEpoch: 0, seals: 0 });
    });

    it('reads consecutive updates from a cursor in pages bounded by bytes, at least one item each', async () => {
      const store = await fresh();
      await store.commit(batch({ updates: Array.from({ length: 10 }, (_, i) => update(i + 1, i + 1, 100 * (i + 1))) }));
      const page = await store.readUpdates(DOC, 3, 1_000);
      expect(page.map((u) => u.seq)).toEqual([3, 4]);
      expect(page[0]?.envelope).toEqual(bytes(300, 3));
      expect((await store.readUpdates(DOC, 10, 10)).map((u) => u.seq)).toEqual([10]);
      expect(await store.readUpdates(DOC, 11, 1 << 20)).toEqual([]);
      expect((await store.readUpdates(DOC, 1, 1 << 20)).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('keeps the newest snapshot, confirms it, and prunes the covered prefix while remembering duplicates', async () => {
      const store = await fresh();
      await store.commit(batch({ updates: Array.from({ length: 6 }, (_, i) => update(i + 1, i + 1)) }));
      const snap = (coversSeq: number, receivedAt: number) => ({ docId: DOC, coversSeq, devicePk: PK_A, keyEpoch: 0, hash: bytes(32, 100 + coversSeq), envelope: bytes(400, coversSeq), receivedAt });
      await store.commit(batch({ snapshots: [snap(2, 10_000)] }));
      expect(await store.commit(batch({ snapshots: [snap(2, 10_001)] }))).toMatchObject({ ok: false, error: { code: 'invariant' } });
      await store.commit(batch({ snapshots: [snap(4, 20_000)] }));
      expect(await store.readSnapshot(DOC)).toEqual({ meta: { coversSeq: 4, hash: bytes(32, 104), devicePk: PK_A, receivedAt: 20_000, confirmedAt: null }, envelope: bytes(400, 4) });
      expect(await store.snapshotsDueForRetention(20_001)).toEqual([{ docId: DOC, coversSeq: 4 }]);
      expect(await store.snapshotsDueForRetention(20_000)).toEqual([]);
      await store.commit(batch({ confirmations: [{ docId: DOC, coversSeq: 4, confirmedAt: 30_000 }], prunes: [{ docId: DOC, throughSeq: 4 }] }));
      expect((await store.loadDoc(DOC)).snapshot).toMatchObject({ coversSeq: 4, confirmedAt: 30_000 });
      expect((await store.loadDoc(DOC)).prunedThrough).toBe(4);
      expect(await store.readUpdates(DOC, 1, 1 << 20)).toEqual([]);
      expect((await store.readUpdates(DOC, 5, 1 << 20)).map((u) => u.seq)).toEqual([5, 6]);
      expect(await store.findUpdate(DOC, PK_A, 1)).toEqual({ seq: 1, hash: bytes(32, 1) });
      expect(await store.snapshotsDueForRetention(Number.MAX_SAFE_INTEGER)).toEqual([]);
      // Seqs are never reused after a prune.
      expect(await store.commit(batch({ updates: [update(7, 7)] }))).toMatchObject({ ok: true });
      expect(await store.commit(batch({ updates: [update(1, 8)] }))).toMatchObject({ ok: false });
    });

    it('offers an unconfirmed snapshot to the retention sweep once, until it is pruned', async () => {
      const store = await fresh();
      await store.commit(batch({ updates: [update(1, 1), update(2, 2)] }));
      await store.commit(batch({ snapshots: [{ docId: DOC, coversSeq: 2, devicePk: PK_B, keyEpoch: 0, hash: bytes(32, 9), envelope: bytes(50, 9), receivedAt: 100 }] }));
      expect(await store.snapshotsDueForRetention(101)).toEqual([{ docId: DOC, coversSeq: 2 }]);
      await store.commit(batch({ prunes: [{ docId: DOC, throughSeq: 2 }] }));
      expect(await store.snapshotsDueForRetention(101)).toEqual([]);
      expect((await store.readSnapshot(DOC))?.meta.coversSeq).toBe(2);
    });

    it('does not share memory with the caller', async () => {
      const store = await fresh();
      const u = update(1, 1);
      await store.commit(batch({ updates: [u] }));
      u.envelope.fill(0);
      u.hash.fill(0);
      expect((await store.readUpdates(DOC, 1, 1 << 20))[0]?.envelope).toEqual(bytes(100, 1));
      expect(await store.findUpdate(DOC, PK_A, 1)).toEqual({ seq: 1, hash: bytes(32, 1) });
    });

    if (factory.reopen) {
      const reopen = factory.reopen.bind(factory);
      it('keeps every committed write across a reopen', async () => {
        const store = await fresh();
        await store.commit(batch({ memberships: [{ circleId: CIRCLE, version: 1, link: bytes(50, 1), ownerPk: PK_A }], updates: [update(1, 1), update(2, 2)] }));
        await store.commit(batch({ snapshots: [{ docId: DOC, coversSeq: 2, devicePk: PK_A, keyEpoch: 0, hash: bytes(32, 7), envelope: bytes(60, 7), receivedAt: 1 }] }));
        const again = await reopen(store);
        open.push(again);
        expect((await again.loadCircle(CIRCLE))?.links).toHaveLength(1);
        expect(await again.loadDoc(DOC)).toMatchObject({ head: 2, snapshot: { coversSeq: 2 } });
        expect(await again.loadDevice(DOC, PK_A)).toEqual({ lastDevSeq: 2, keyEpoch: 0, seals: 3 });
        expect((await again.readUpdates(DOC, 1, 1 << 20)).map((u) => u.seq)).toEqual([1, 2]);
      });
    }
  });
}
