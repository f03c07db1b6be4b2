// The outbox: local changes are batched for about half a second, merged and sealed into one
// envelope, committed in one transaction, and survive failures, crashes and reloads.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { PacelineDB } from '../../../src/storage/db';
import { openJournalStore } from '../../../src/storage/journal-store';
import { getSyncDoc, listOutbox, listPending } from '../../../src/storage/sync-store';
import { CircleTrust } from '../../../src/sync/circle-trust';
import { SEAL_BUDGET_BYTES, choosePending, plaintextsOf } from '../../../src/sync/outbox';
import { openEnvelope, readEnvelope } from '../../../src/sync/protocol-envelope';
import { diary, unwrap } from '../storage/test-db';
import { JOURNAL_ID, JOURNAL_KEY, type Patient, openDocSync, patientDevice, testHost, waitFor } from './client-fixtures';
import { deviceFromSeed } from './fixtures';

async function openOutbox(p: Patient, devSeq: number) {
  const row = (await listOutbox(p.db, JOURNAL_KEY)).find((r) => r.devSeq === devSeq);
  if (!row) throw new Error(`no outbox entry ${devSeq}`);
  const env = readEnvelope(row.envelope);
  if (!env.ok) throw new Error('outbox entry does not decode');
  const key = await p.trust.docKey(JOURNAL_ID, env.value.header.keyEpoch);
  const plain = await openEnvelope(env.value, key!);
  if (!plain.ok) throw new Error(plain.error.code);
  return { row, header: env.value.header, update: plain.value };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('batching', () => {
  it('merges the changes of one window into one envelope, sealed when the window ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const p = await patientDevice(await deviceFromSeed(1));
    const { host } = testHost(p.db, p.device);
    const sync = await openDocSync(p, host);
    const entries = [diary('2026-11-20T08:00:00.000Z', 3), diary('2026-11-20T09:00:00.000Z', 4), diary('2026-11-20T10:00:00.000Z', 5)];
    for (const e of entries) unwrap(await p.store.put(e));
    // The journal's first (migration) write is queued too.
    expect(await listPending(p.db, JOURNAL_KEY)).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(499);
    expect(await listOutbox(p.db, JOURNAL_KEY)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await waitFor(async () => (await listOutbox(p.db, JOURNAL_KEY)).length === 1, 'the sealed entry');
    expect(await listPending(p.db, JOURNAL_KEY)).toEqual([]);
    const { row, header, update } = await openOutbox(p, 1);
    expect(row.changes).toBe(4);
    expect(header).toMatchObject({ type: 'update', docId: JOURNAL_ID, keyEpoch: 1, devSeq: 1 });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    expect([...doc.getMap('diary').keys()].sort()).toEqual(entries.map((e) => e.id).sort());
    expect((await getSyncDoc(p.db, JOURNAL_KEY))?.nextDevSeq).toBe(2);
    await sync.close();
    await p.store.close();
  });

  it('the window ends 500 ms after its first change, however many follow; the next change opens a new one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const p = await patientDevice(await deviceFromSeed(1));
    const sync = await openDocSync(p, testHost(p.db, p.device).host);
    await vi.advanceTimersByTimeAsync(500);
    await waitFor(async () => (await listOutbox(p.db, JOURNAL_KEY)).length === 1, 'the migration write');
    unwrap(await p.store.put(diary('2026-11-20T08:00:00.000Z', 3)));
    await vi.advanceTimersByTimeAsync(400);
    unwrap(await p.store.put(diary('2026-11-20T09:00:00.000Z', 4)));
    await vi.advanceTimersByTimeAsync(100);
    await waitFor(async () => (await listOutbox(p.db, JOURNAL_KEY)).length === 2, 'second envelope');
    expect((await listOutbox(p.db, JOURNAL_KEY)).map((r) => [r.devSeq, r.changes])).toEqual([[1, 1], [2, 2]]);
    unwrap(await p.store.put(diary('2026-11-20T10:00:00.000Z', 5)));
    await vi.advanceTimersByTimeAsync(499);
    expect(await listOutbox(p.db, JOURNAL_KEY)).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await waitFor(async () => (await listOutbox(p.db, JOURNAL_KEY)).length === 3, 'third envelope');
    await sync.close();
    await p.store.close();
  });

  it('takes pending rows in order up to the envelope budget', () => {
    const row = (id: number, size: number) => ({ id, docKey: JOURNAL_KEY, update: new Uint8Array(size), at: 0 });
    const rows = [row(1, 400_000), row(2, 400_000), row(3, 400_000)];
    expect(choosePending(rows).map((r) => r.id)).toEqual([1, 2]);
    expect(choosePending([row(1, SEAL_BUDGET_BYTES + 10)]).map((r) => r.id)).toEqual([1]);
    // A whole-state row takes everything: the stored state covers every committed change.
    expect(choosePending([row(1, 10), { id: 2, docKey: JOURNAL_KEY, update: null, at: 0 }, row(3, 10)]).map((r) => r.id)).toEqual([1, 2, 3]);
  });
});

describe('changes larger than one envelope', () => {
  it('splits one huge change into updates within the budget that carry exactly it', async () => {
    const p = await patientDevice(await deviceFromSeed(1));
    const sync = await openDocSync(p, testHost(p.db, p.device).host);
    await sync.flush();
    const { update: before } = await openOutbox(p, 1);
    // One change of 300 records (an import), far over a 20 kB budget.
    const records = Array.from({ length: 300 }, (_, i) => diary(new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString(), i % 11, { note: 'x'.repeat(120) }));
    unwrap(await p.store.importRecords(records));
    const rows = await listPending(p.db, JOURNAL_KEY);
    expect(rows).toHaveLength(1);
    const { pieces, bytes } = await plaintextsOf(p.db, JOURNAL_KEY, rows, 20_000);
    if (!pieces) throw new Error('not split');
    expect(bytes).toBeGreaterThan(60_000);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(20_000);
    // What another device holds after the first envelope, then the pieces in reverse order.
    const other = new Y.Doc();
    Y.applyUpdate(other, before);
    for (const piece of [...pieces].reverse()) Y.applyUpdate(other, piece);
    expect(other.getMap('diary').toJSON()).toEqual(p.store.doc.getMap('diary').toJSON());
    expect(other.store.pendingStructs).toBeNull();
    await sync.close();
    await p.store.close();
  });
});

describe('failures and reloads', () => {
  it('a failure between sealing and its commit loses nothing; the next seal reuses the devSeq', async () => {
    const p = await patientDevice(await deviceFromSeed(1));
    const { host, status } = testHost(p.db, p.device);
    const sync = await openDocSync(p, host);
    unwrap(await p.store.put(diary('2026-11-20T08:00:00.000Z', 3)));
    const pendingBefore = await listPending(p.db, JOURNAL_KEY);
    // The envelope is sealed, then its transaction fails (the same as a crash before commit).
    const fail = () => { throw new Error('crash'); };
    p.db.syncOutbox.hook('creating', fail);
    await sync.flush();
    p.db.syncOutbox.hook('creating').unsubscribe(fail);
    expect(await listPending(p.db, JOURNAL_KEY)).toEqual(pendingBefore);
    expect(await listOutbox(p.db, JOURNAL_KEY)).toEqual([]);
    expect((await getSyncDoc(p.db, JOURNAL_KEY))?.nextDevSeq).toBe(1);
    expect(status.getSnapshot().docs[JOURNAL_ID]?.lastIssue).toMatchObject({ code: 'storage-failed' });
    await sync.close();
    await p.store.close();
    p.db.close();

    // After a reload the same changes are sealed again, as devSeq 1.
    const db = new PacelineDB(p.name);
    const store = await openJournalStore(db, p.store.circleId);
    const trust = (await CircleTrust.load(db, p.store.circleId))!;
    const reloaded: Patient = { ...p, db, store, trust };
    const again = await openDocSync(reloaded, testHost(db, p.device).host);
    await again.flush();
    expect((await listOutbox(db, JOURNAL_KEY)).map((r) => [r.devSeq, r.changes])).toEqual([[1, pendingBefore.length]]);
    expect(await listPending(db, JOURNAL_KEY)).toEqual([]);
    await again.close();
    await store.close();
  });

  it('devSeq continues across reloads, and unsealed changes from before a reload go out after it', async () => {
    const p = await patientDevice(await deviceFromSeed(1));
    const first = await openDocSync(p, testHost(p.db, p.device).host);
    unwrap(await p.store.put(diary('2026-11-20T08:00:00.000Z', 3)));
    await first.flush();
    // Written, then the tab closed before the batch window ended.
    unwrap(await p.store.put(diary('2026-11-20T09:00:00.000Z', 4)));
    await first.close();
    await p.store.close();
    p.db.close();

    const db = new PacelineDB(p.name);
    const store = await openJournalStore(db, p.store.circleId);
    const trust = (await CircleTrust.load(db, p.store.circleId))!;
    const second = await openDocSync({ ...p, db, store, trust }, testHost(db, p.device, { batchMs: 5 }).host);
    await waitFor(async () => (await listOutbox(db, JOURNAL_KEY)).length === 2, 'the change from before the reload');
    unwrap(await store.put(diary('2026-11-20T10:00:00.000Z', 5)));
    await second.flush();
    expect((await listOutbox(db, JOURNAL_KEY)).map((r) => r.devSeq)).toEqual([1, 2, 3]);
    expect((await getSyncDoc(db, JOURNAL_KEY))?.nextDevSeq).toBe(4);
    await second.close();
    await store.close();
  });
});
