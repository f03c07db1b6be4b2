// The storage half of sync: pending rows written with local updates (and only with them),
// sharing turned on while a document is open, the seal and ack transactions, and a
// received update committed together with the sync cursor.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PacelineDB } from '../../../src/storage/db';
import { ORIGIN_PEER } from '../../../src/storage/doc-commit';
import { openJournalStore } from '../../../src/storage/journal-store';
import { SYNC_ROW_VERSION, type OutboxRow } from '../../../src/storage/sync-rows';
import { commitAck, commitRenumber, commitSeal, countWaiting, enableSharing, getSyncDoc, listOutbox, listPending, putSyncDoc } from '../../../src/storage/sync-store';
import { CIRCLE, diary, freshName, openFresh, snapshot, unwrap } from './test-db';

const DOC_KEY = `${CIRCLE}/journal`;

/** An update another device made: a diary entry written into a copy of `base`. */
function remoteUpdate(base: Y.Doc, at: string, pain: number): { update: Uint8Array; id: string } {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(base));
  const sv = Y.encodeStateVector(other);
  const entry = diary(at, pain);
  other.getMap('diary').set(entry.id, JSON.parse(JSON.stringify(entry)));
  return { update: Y.encodeStateAsUpdate(other, sv), id: entry.id };
}

function outboxRow(devSeq: number, changes: number): OutboxRow {
  return { docKey: DOC_KEY, devSeq, envelope: new Uint8Array([devSeq]), changes, createdAt: 1, schemaVersion: SYNC_ROW_VERSION };
}

describe('pending rows', () => {
  it('nothing is queued while sharing is off', async () => {
    const { db, store } = await openFresh();
    unwrap(await store.put(diary('2026-11-20T09:00:00.000Z', 4)));
    expect(await listPending(db, DOC_KEY)).toEqual([]);
    await store.close();
  });

  it('a local write of a shared document commits a pending row with its update, in the same transaction', async () => {
    const { db, store } = await openFresh();
    // Sharing turned on while the store is open: the open document learns it at once.
    expect(await enableSharing(db, CIRCLE, 'journal', 1000)).toBe(true);
    const entry = diary('2026-11-20T09:00:00.000Z', 4);
    unwrap(await store.put(entry));
    const pending = await listPending(db, DOC_KEY);
    // The migration write of a fresh journal was committed before sharing: only the diary entry is pending.
    expect(pending).toHaveLength(2);
    expect(pending[0]?.update).toBeNull();
    // The update depends on the migration write (same Yjs client), so read its structs rather than apply it alone.
    const structs = Y.decodeUpdate(pending[1]?.update as Uint8Array).structs;
    expect(structs.map((s) => (s instanceof Y.Item ? s.parentSub : null))).toEqual([entry.id]);
    await store.close();
  });

  it('a failed write leaves neither its update nor its pending row', async () => {
    const { db, store } = await openFresh();
    await enableSharing(db, CIRCLE, 'journal');
    const before = await snapshot(db);
    // Fail the pending row's insert: the whole transaction (update, derived rows) must go with it.
    const fail = () => { throw new Error('disk full'); };
    db.syncPending.hook('creating', fail);
    const result = await store.put(diary('2026-11-20T10:00:00.000Z', 8));
    db.syncPending.hook('creating').unsubscribe(fail);
    expect(result.ok).toBe(false);
    expect(await snapshot(db)).toEqual(before);
    await store.close();
  });

  it('received, peer and other-tab updates never create pending rows', async () => {
    const name = freshName();
    const { db, store } = await openFresh({}, name);
    await enableSharing(db, CIRCLE, 'journal');
    const queued = (await listPending(db, DOC_KEY)).length;
    unwrap(await store.applyRemoteUpdate(remoteUpdate(store.doc, '2026-11-20T09:00:00.000Z', 3).update));
    unwrap(await store.applyRemoteUpdate(remoteUpdate(store.doc, '2026-11-20T10:00:00.000Z', 5).update, { origin: ORIGIN_PEER }));
    // A second tab: its local write queues one row; this tab's copy of that update queues none.
    const tab2 = await openJournalStore(new PacelineDB(name), CIRCLE);
    const seen = new Promise<void>((resolve) => { const off = store.onChange(() => { off(); resolve(); }); });
    unwrap(await tab2.put(diary('2026-11-20T11:00:00.000Z', 6)));
    await seen;
    expect((await listPending(db, DOC_KEY)).length).toBe(queued + 1);
    await tab2.close();
    await store.close();
  });

  it('turning sharing on queues the whole stored state once; a document without content queues nothing', async () => {
    const { db, store } = await openFresh();
    unwrap(await store.put(diary('2026-11-20T09:00:00.000Z', 4)));
    expect(await enableSharing(db, CIRCLE, 'journal')).toBe(true);
    expect(await enableSharing(db, CIRCLE, 'journal')).toBe(false);
    expect(await listPending(db, DOC_KEY)).toMatchObject([{ update: null }]);
    expect(await enableSharing(db, CIRCLE, 'plan')).toBe(true);
    expect(await listPending(db, `${CIRCLE}/plan`)).toEqual([]);
    await store.close();
  });
});

describe('seal and ack transactions', () => {
  it('a seal deletes exactly its pending rows, adds the entry and bumps nextDevSeq; a stale one writes nothing', async () => {
    const { db, store } = await openFresh();
    await enableSharing(db, CIRCLE, 'journal');
    unwrap(await store.put(diary('2026-11-20T09:00:00.000Z', 4)));
    unwrap(await store.put(diary('2026-11-20T10:00:00.000Z', 5)));
    const [first, second, third] = await listPending(db, DOC_KEY);
    const sealed = await commitSeal(db, DOC_KEY, [first?.id as number, second?.id as number], outboxRow(1, 2));
    expect(sealed).toMatchObject({ ok: true, value: { nextDevSeq: 2 } });
    expect((await listPending(db, DOC_KEY)).map((r) => r.id)).toEqual([third?.id]);
    // Stale: the rows are gone (sealed by another tab), or the devSeq is not the next one.
    const before = await snapshot(db);
    expect(await commitSeal(db, DOC_KEY, [first?.id as number], outboxRow(2, 1))).toEqual({ ok: false, error: 'stale' });
    expect(await commitSeal(db, DOC_KEY, [third?.id as number], outboxRow(5, 1))).toEqual({ ok: false, error: 'stale' });
    expect(await snapshot(db)).toEqual(before);
    expect(await countWaiting(db, DOC_KEY)).toEqual({ pending: 1, unacked: 2 });
    await store.close();
  });

  it('an ack removes the entry and records when; a repeated ack changes nothing', async () => {
    const { db, store } = await openFresh();
    await enableSharing(db, CIRCLE, 'journal');
    const ids = (await listPending(db, DOC_KEY)).map((r) => r.id as number);
    unwrap(await commitSeal(db, DOC_KEY, ids, outboxRow(1, 1)));
    const acked = await commitAck(db, DOC_KEY, 1, 7, 5000);
    expect(acked?.state).toMatchObject({ lastAckedSeq: 7, lastAckedAt: 5000, ackedSinceSnapshot: 1, nextDevSeq: 2 });
    expect(await listOutbox(db, DOC_KEY)).toEqual([]);
    expect(await commitAck(db, DOC_KEY, 1, 7, 6000)).toBeNull();
    expect((await getSyncDoc(db, DOC_KEY))?.lastAckedAt).toBe(5000);
    await store.close();
  });
});

describe('renumbering the outbox', () => {
  it('replaces the entries and moves nextDevSeq in one step; a stale view writes nothing', async () => {
    const { db, store } = await openFresh();
    await enableSharing(db, CIRCLE, 'journal');
    unwrap(await store.put(diary('2026-11-20T09:00:00.000Z', 4)));
    const [a, b] = await listPending(db, DOC_KEY);
    // Entries 7 and 8 of a device whose devSeqs from 3 on the relay lost.
    await putSyncDoc(db, { ...(await getSyncDoc(db, DOC_KEY))!, nextDevSeq: 7 });
    unwrap(await commitSeal(db, DOC_KEY, [a?.id as number], outboxRow(7, 1)));
    unwrap(await commitSeal(db, DOC_KEY, [b?.id as number], outboxRow(8, 1)));
    const before = await listOutbox(db, DOC_KEY);
    const resealed = [{ ...outboxRow(3, 1), envelope: new Uint8Array([30]) }, { ...outboxRow(4, 1), envelope: new Uint8Array([40]) }];
    // Stale: an entry the caller did not see, or different bytes (resealed meanwhile).
    const unchanged = await snapshot(db);
    expect(await commitRenumber(db, DOC_KEY, before.slice(0, 1), resealed.slice(0, 1), 4)).toBeNull();
    expect(await commitRenumber(db, DOC_KEY, [before[0]!, { ...before[1]!, envelope: new Uint8Array([9]) }], resealed, 5)).toBeNull();
    expect(await snapshot(db)).toEqual(unchanged);
    expect(await commitRenumber(db, DOC_KEY, before, resealed, 5)).toMatchObject({ nextDevSeq: 5 });
    expect((await listOutbox(db, DOC_KEY)).map((r) => [r.devSeq, r.envelope[0]])).toEqual([[3, 30], [4, 40]]);
    expect((await getSyncDoc(db, DOC_KEY))?.nextDevSeq).toBe(5);
    await store.close();
  });
});

describe('received updates with the cursor', () => {
  it('the update, its derived rows and the cursor commit together', async () => {
    const { db, store } = await openFresh();
    await enableSharing(db, CIRCLE, 'journal');
    const row = (await getSyncDoc(db, DOC_KEY))!;
    const { update, id } = remoteUpdate(store.doc, '2026-11-20T09:00:00.000Z', 3);
    unwrap(await store.applyRemoteUpdate(update, { also: { tables: [db.syncDocs], run: () => db.syncDocs.put({ ...row, cursor: 1 }) } }));
    expect((await getSyncDoc(db, DOC_KEY))?.cursor).toBe(1);
    expect(await db.records.get(id)).toBeDefined();
    await store.close();
  });

  it('when the cursor write fails, neither document, derived rows nor cursor change', async () => {
    const { db, store } = await openFresh();
    await enableSharing(db, CIRCLE, 'journal');
    const row = (await getSyncDoc(db, DOC_KEY))!;
    const before = await snapshot(db);
    const { update, id } = remoteUpdate(store.doc, '2026-11-20T09:00:00.000Z', 3);
    const result = await store.applyRemoteUpdate(update, { also: { tables: [db.syncDocs], run: () => Promise.reject(new Error('boom')) } });
    expect(result.ok).toBe(false);
    expect(await snapshot(db)).toEqual(before);
    expect(store.get('diary', id)).toBeUndefined();
    // And the same update applies cleanly afterwards.
    unwrap(await store.applyRemoteUpdate(update, { also: { tables: [db.syncDocs], run: () => db.syncDocs.put({ ...row, cursor: 1 }) } }));
    expect(store.get('diary', id)).toBeDefined();
    await store.close();
  });

  it('an update already held is not stored again, but its cursor still moves', async () => {
    const { db, store } = await openFresh();
    await enableSharing(db, CIRCLE, 'journal');
    const row = (await getSyncDoc(db, DOC_KEY))!;
    const { update } = remoteUpdate(store.doc, '2026-11-20T09:00:00.000Z', 3);
    unwrap(await store.applyRemoteUpdate(update));
    const rows = await db.docUpdates.count();
    unwrap(await store.applyRemoteUpdate(update, { also: { tables: [db.syncDocs], run: () => db.syncDocs.put({ ...row, cursor: 9 }) } }));
    expect(await db.docUpdates.count()).toBe(rows);
    expect((await getSyncDoc(db, DOC_KEY))?.cursor).toBe(9);
    await store.close();
  });
});
