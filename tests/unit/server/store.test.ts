// Every RelayStore implementation runs the shared suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../sync-server/storage/memory';
import { openSqliteStore } from '../../../sync-server/storage/sqlite';
import { openSqliteStoreOnThread } from '../../../sync-server/storage/sqlite-thread';
import { type RelayStore, type StoreError, emptyBatch } from '../../../sync-server/storage/store';
import type { Result } from '../../../src/sync/protocol';
import { runStoreSuite } from './store-suite';

runStoreSuite('memory', { open: async () => createMemoryStore() });

describe('memory store', () => {
  it('keeps envelopes read before its buffer grew intact, and after a prune still knows the pruned pushes by devSeq', async () => {
    const store = createMemoryStore();
    const docId = '01HZY3J6Q8W8X7V5T4S3R2Q1P0.journal' as never;
    const pk = new Uint8Array(32).fill(9);
    const envelope = (seq: number) => new Uint8Array(300 + (seq % 7)).fill(seq & 0xff);
    const hash = (seq: number) => new Uint8Array(32).fill((seq * 3) & 0xff);
    const commit = (from: number, to: number) =>
      store.commit({
        ...emptyBatch(),
        updates: Array.from({ length: to - from + 1 }, (_, i) => ({ docId, seq: from + i, devicePk: pk, devSeq: from + i, keyEpoch: 0, hash: hash(from + i), envelope: envelope(from + i), receivedAt: 1 })),
      });
    expect(await commit(1, 10)).toEqual({ ok: true, value: undefined });
    const early = await store.readUpdates(docId, 1, 1 << 20);
    // Hundreds of kilobytes more: the buffer grows several times under the views read above.
    for (let from = 11; from <= 2000; from += 90) await commit(from, Math.min(from + 89, 2000));
    expect(early).toEqual(Array.from({ length: 10 }, (_, i) => ({ seq: i + 1, envelope: envelope(i + 1) })));
    expect(await store.readUpdates(docId, 1, 1 << 30)).toEqual(Array.from({ length: 2000 }, (_, i) => ({ seq: i + 1, envelope: envelope(i + 1) })));

    expect(await store.commit({ ...emptyBatch(), prunes: [{ docId, throughSeq: 1500 }] })).toEqual({ ok: true, value: undefined });
    expect(await store.readUpdates(docId, 1, 1 << 30)).toEqual([]);
    expect(await store.readUpdates(docId, 1501, 1 << 30)).toEqual(Array.from({ length: 500 }, (_, i) => ({ seq: i + 1501, envelope: envelope(i + 1501) })));
    // Pruned envelopes are gone, but a retransmission of one is still recognized.
    expect(await store.findUpdate(docId, pk, 700)).toEqual({ seq: 700, hash: hash(700) });
    expect((await commit(2001, 2001)).ok).toBe(true);
    expect((await store.readUpdates(docId, 2001, 1 << 20))[0]?.envelope).toEqual(envelope(2001));
  });
});

const dirs: string[] = [];
const newDataDir = () => mkdtempSync(join(tmpdir(), 'paceline-store-'));
/** Runs a test in a fresh data directory, removed afterwards. */
async function inDataDir(test: (dir: string) => Promise<void>): Promise<void> {
  const dir = newDataDir();
  try {
    await test(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const stores = new Map<RelayStore, string>();
/** The store a Result-returning opener gives for dir, remembered for reopen. */
async function openedAt(dir: string, open: (dir: string) => Result<RelayStore, StoreError> | Promise<Result<RelayStore, StoreError>>): Promise<RelayStore> {
  const opened = await open(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  stores.set(opened.value, dir);
  return opened.value;
}
const sqliteAt = (dir: string) => openedAt(dir, openSqliteStore);
// The relay's own: the same store on a thread of its own.
const threadAt = (dir: string) => openedAt(dir, openSqliteStoreOnThread);

/** The shared suite for a store kept in a data directory, reopened from the same directory. */
function runDurableSuite(name: string, at: (dir: string) => Promise<RelayStore>): void {
  runStoreSuite(name, {
    async open() {
      const dir = newDataDir();
      dirs.push(dir);
      return at(dir);
    },
    async reopen(store) {
      await store.close();
      return at(stores.get(store) as string);
    },
    cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  });
}

runDurableSuite('sqlite', sqliteAt);
runDurableSuite('sqlite on its own thread', threadAt);

describe('sqlite store', () => {
  it('refuses a data directory another relay process holds', () =>
    inDataDir(async (dir) => {
      const first = await sqliteAt(dir);
      const second = openSqliteStore(dir);
      expect(second).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      await first.close();
      const third = await sqliteAt(dir);
      await third.close();
    }));

  it('on its own thread: a batch hands over whole, with byte fields that are views into a larger buffer and writes of every kind', () =>
    inDataDir(async (dir) => {
      const store = await threadAt(dir);
      const circleId = '01HZY3J6Q8W8X7V5T4S3R2Q1P0' as never;
      const docId = `${circleId}.journal` as never;
      // As the relay has them: keys, hashes and envelopes decoded in place from one socket buffer.
      const socket = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 0xff);
      const pk = socket.subarray(100, 132);
      const updates = Array.from({ length: 40 }, (_, i) => ({
        docId,
        seq: i + 1,
        devicePk: pk,
        devSeq: i + 1,
        keyEpoch: 3,
        hash: socket.subarray(200 + i, 232 + i),
        envelope: socket.subarray(1000 + 300 * i, 1000 + 300 * i + 150 + i),
        receivedAt: 1_700_000_000_000 + i,
      }));
      const membership = { circleId, version: 1, link: socket.subarray(5, 55), ownerPk: pk };
      expect(await store.commit({ ...emptyBatch(), memberships: [membership], updates })).toEqual({ ok: true, value: undefined });
      expect(await store.loadCircle(circleId)).toEqual({ ownerPk: new Uint8Array(pk), links: [new Uint8Array(membership.link)] });
      expect(await store.readUpdates(docId, 1, 1 << 20)).toEqual(updates.map((u) => ({ seq: u.seq, envelope: new Uint8Array(u.envelope) })));
      expect(await store.findUpdate(docId, new Uint8Array(pk), 40)).toEqual({ seq: 40, hash: new Uint8Array(updates[39]?.hash as Uint8Array) });
      expect(await store.loadDevice(docId, new Uint8Array(pk))).toEqual({ lastDevSeq: 40, keyEpoch: 3, seals: 40 });
      expect(await store.loadDoc(docId)).toMatchObject({ head: 40 });
      await store.close();
    }));

  it('on its own thread: refuses a data directory in use, and a dead thread fails calls instead of hanging', () =>
    inDataDir(async (dir) => {
      const first = await threadAt(dir);
      expect(await openSqliteStoreOnThread(dir)).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/in use/) } });
      await first.close();
      const second = await threadAt(dir);
      expect(await second.loadDoc('d1' as never)).toEqual({ head: 0, prunedThrough: 0, snapshot: null });
      await second.close();
      await expect(second.loadDoc('d1' as never)).rejects.toThrow(/stopped/);
      expect(await second.commit(emptyBatch())).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    }));
});
