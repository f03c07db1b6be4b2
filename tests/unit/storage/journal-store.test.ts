import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { PacelineDB } from '../../../src/storage/db';
import { openJournalStore, type JournalStore } from '../../../src/storage/journal-store';
import { getRecord, listRecords } from '../../../src/storage/journal-queries';
import { CIRCLE, assessment, diary, freshName, openFresh, snapshot, unwrap } from './test-db';

const open: Array<{ db: PacelineDB; store: JournalStore }> = [];
async function fresh(name = freshName()) {
  const opened = await openFresh({}, name);
  open.push(opened);
  return opened;
}
afterEach(async () => {
  for (const { db, store } of open.splice(0)) {
    await store.close().catch(() => undefined);
    db.close();
  }
});

describe('journal store', () => {
  it('put/get/remove/restore survive closing and reopening the database', async () => {
    const name = freshName();
    const { db, store } = await fresh(name);
    const entry = diary('2026-11-20T09:00:00.000Z', 6, { note: 'knee, "bad"', bodyAreas: ['knee-left'] });
    unwrap(await store.put(entry));
    expect(store.get('diary', entry.id)).toEqual(entry);
    const removed = unwrap(await store.remove('diary', entry.id, new Date('2026-11-21T10:00:00.000Z')));
    expect(removed.deletedAt).toBe('2026-11-21T10:00:00.000Z');
    const restored = unwrap(await store.restore('diary', entry.id, new Date('2026-11-21T10:01:00.000Z')));
    expect(restored.deletedAt).toBeUndefined();
    const second = diary('2026-11-21T08:00:00.000Z', 3);
    unwrap(await store.put(second));
    unwrap(await store.remove('diary', second.id, new Date('2026-11-21T11:00:00.000Z')));
    await store.close();
    db.close();

    // A new connection and a new store: the doc is rebuilt from the update log alone.
    const db2 = new PacelineDB(name);
    const store2 = await openJournalStore(db2, CIRCLE);
    open.push({ db: db2, store: store2 });
    expect(store2.get('diary', entry.id)).toEqual(restored);
    expect(store2.get('diary', second.id)?.deletedAt).toBe('2026-11-21T11:00:00.000Z');
    expect(store2.all('diary').map((r) => r.id)).toEqual([entry.id]);
    expect(store2.all('diary', { includeDeleted: true }).map((r) => r.id)).toEqual([entry.id, second.id]);
    expect((await getRecord(db2, second.id))?.deletedAt).toBe('2026-11-21T11:00:00.000Z');
    expect(store2.doc.getMap('meta').get('schemaVersion')).toBe(1);
  });

  it('rejects an invalid record without touching the doc or the database', async () => {
    const { db, store } = await fresh();
    unwrap(await store.put(diary('2026-11-20T09:00:00.000Z', 4)));
    const before = await snapshot(db);
    const docBefore = Y.encodeStateVector(store.doc);
    const bad = { ...diary('2026-11-20T10:00:00.000Z', 4), painNow: 11 };
    const result = await store.put(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-record');
      if (result.error.code === 'invalid-record') expect(result.error.errors[0]?.field).toBe('painNow');
    }
    expect(Y.encodeStateVector(store.doc)).toEqual(docBefore);
    expect(await snapshot(db)).toEqual(before);
  });

  it('a failed transaction leaves memory and disk unchanged, in one transaction with derived rows', async () => {
    const { db, store } = await fresh();
    const kept = diary('2026-11-20T09:00:00.000Z', 4);
    unwrap(await store.put(kept));
    const before = await snapshot(db);
    // The derived write fails after the update row was added in the same transaction:
    // the update row must roll back with it (the reason we do not use y-dexie).
    const spy = vi.spyOn(db.weeks, 'bulkPut').mockImplementation(() => { throw new Error('disk said no'); });
    const lost = diary('2026-11-20T10:00:00.000Z', 8);
    const result = await store.put(lost);
    spy.mockRestore();
    expect(result).toMatchObject({ ok: false, error: { code: 'storage-failed' } });
    expect(store.get('diary', lost.id)).toBeUndefined();
    expect(store.get('diary', kept.id)).toEqual(kept);
    expect(await snapshot(db)).toEqual(before);
    // And the store keeps working afterwards.
    unwrap(await store.put(lost));
    expect((await listRecords(db, CIRCLE, 'diary')).map((r) => r.id)).toEqual([kept.id, lost.id]);
  });

  it('reports a full disk as storage-full', async () => {
    const { db, store } = await fresh();
    const spy = vi.spyOn(db.docUpdates, 'add').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    const entry = diary('2026-11-20T10:00:00.000Z', 8);
    const result = await store.put(entry);
    spy.mockRestore();
    expect(result).toMatchObject({ ok: false, error: { code: 'storage-full' } });
    expect(store.get('diary', entry.id)).toBeUndefined();
  });

  it('a closed database: memory falls back to the committed state', async () => {
    const { db, store } = await fresh();
    const kept = diary('2026-11-20T09:00:00.000Z', 4);
    unwrap(await store.put(kept));
    db.close();
    const lost = diary('2026-11-20T10:00:00.000Z', 8);
    const result = await store.put(lost);
    expect(result.ok).toBe(false);
    expect(store.get('diary', lost.id)).toBeUndefined();
    expect(store.get('diary', kept.id)).toEqual(kept);
  });

  it('remove and restore of an unknown id are not-found values', async () => {
    const { store } = await fresh();
    expect(await store.remove('diary', '01JAAAAAAAAAAAAAAAAAAAAAAA')).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await store.restore('diary', '01JAAAAAAAAAAAAAAAAAAAAAAA')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('a bad value in the doc is reported by problems(), kept, and left out of derived tables', async () => {
    const { db, store } = await fresh();
    const good = diary('2026-11-19T09:00:00.000Z', 5);
    unwrap(await store.put(good));
    // Another device (a buggy or newer app) wrote a bad value and a newer-schema record.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(store.doc));
    const newer = { ...diary('2026-11-20T09:00:00.000Z', 5), schemaVersion: 99, futureField: 1 };
    const broken = { ...diary('2026-11-20T10:00:00.000Z', 5), painNow: 'lots' };
    const sv = Y.encodeStateVector(other);
    other.transact(() => {
      other.getMap('diary').set(newer.id, newer);
      other.getMap('diary').set(broken.id, broken);
      other.getMap('diary').set('not-an-id', 42);
    });
    unwrap(await store.applyRemoteUpdate(Y.encodeStateAsUpdate(other, sv)));
    const problems = store.problems();
    expect(problems.map((p) => [p.id, p.reason]).sort()).toEqual([
      [broken.id, 'invalid'], [newer.id, 'newer-version'], ['not-an-id', 'invalid'],
    ].sort());
    expect(store.all('diary').map((r) => r.id)).toEqual([good.id]);
    expect((await listRecords(db, CIRCLE, 'diary')).map((r) => r.id)).toEqual([good.id]);
    // Kept in the doc (never silently dropped), and still there after a reopen.
    expect(store.doc.getMap('diary').get(newer.id)).toEqual(newer);
    const db2 = new PacelineDB(db.name);
    const store2 = await openJournalStore(db2, CIRCLE);
    open.push({ db: db2, store: store2 });
    expect(store2.problems()).toHaveLength(3);
  });

  it('a remote update lands in the derived tables', async () => {
    const { db, store } = await fresh();
    const other = new Y.Doc();
    const peg = assessment('2026-11-20T09:00:00.000Z', 'peg', [6, 5, 4]);
    other.getMap('assessment').set(peg.id, peg);
    unwrap(await store.applyRemoteUpdate(Y.encodeStateAsUpdate(other)));
    expect(store.get('assessment', peg.id)).toEqual(peg);
    expect(await db.latestScores.toArray()).toEqual([{ circleId: CIRCLE, instrument: 'peg', at: peg.at, score: 5, responseId: peg.id }]);
  });

  it('the first remote update after a reopen lands in the derived tables too', async () => {
    // A reopened journal whose derived tables are current names no kind map before the update
    // arrives (a linked device's first catch-up): the changed keys must still be found.
    const { db, store } = await fresh();
    await store.close();
    const reopened = await openJournalStore(db, CIRCLE);
    open.push({ db, store: reopened });
    const other = new Y.Doc();
    const entry = diary('2026-11-20T09:00:00.000Z', 6);
    other.getMap('diary').set(entry.id, entry);
    unwrap(await reopened.applyRemoteUpdate(Y.encodeStateAsUpdate(other)));
    expect((await listRecords(db, CIRCLE, 'diary')).map((r) => r.id)).toEqual([entry.id]);
  });

  it('a document from a newer app opens read-only and refuses writes', async () => {
    const { db, store } = await fresh();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(store.doc));
    const sv = Y.encodeStateVector(other);
    other.getMap('meta').set('schemaVersion', 2);
    unwrap(await store.applyRemoteUpdate(Y.encodeStateAsUpdate(other, sv)));
    expect(store.readOnly).toBe(true);
    expect(await store.put(diary('2026-11-20T09:00:00.000Z', 3))).toMatchObject({ ok: false, error: { code: 'read-only' } });
    const store2 = await openJournalStore(db, CIRCLE);
    expect(store2.readOnly).toBe(true);
    await store2.close();
  });

  it('another tab sees committed writes through BroadcastChannel without persisting them twice', async () => {
    const name = freshName();
    const a = await fresh(name);
    const db2 = new PacelineDB(name);
    const b = await openJournalStore(db2, CIRCLE);
    open.push({ db: db2, store: b });
    const seen = new Promise<void>((resolve) => { const off = b.onChange(() => { off(); resolve(); }); });
    const entry = diary('2026-11-20T09:00:00.000Z', 7);
    const rowsBefore = await a.db.docUpdates.count();
    unwrap(await a.store.put(entry));
    await seen;
    expect(b.get('diary', entry.id)).toEqual(entry);
    await b.close();
    expect(await a.db.docUpdates.count()).toBe(rowsBefore + 1);
    expect(await a.db.records.count()).toBe(1);
  });

  it('importRecords: newer updatedAt wins, counts are reported, duplicates are refused', async () => {
    const { db, store } = await fresh();
    const one = diary('2026-11-18T09:00:00.000Z', 2);
    const two = diary('2026-11-19T09:00:00.000Z', 3);
    unwrap(await store.put(one));
    unwrap(await store.put(two));
    const newerTwo = { ...two, painNow: 9, updatedAt: '2026-11-22T00:00:00.000Z' };
    const olderOne = { ...one, painNow: 0, updatedAt: '2020-01-01T00:00:00.000Z' };
    const three = diary('2026-11-20T09:00:00.000Z', 4);
    expect(unwrap(await store.importRecords([olderOne, newerTwo, three]))).toEqual({ added: 1, updated: 1, unchanged: 1 });
    expect(store.get('diary', one.id)).toEqual(one);
    expect(store.get('diary', two.id)).toEqual(newerTwo);
    expect((await getRecord(db, two.id))).toEqual(newerTwo);
    const before = await snapshot(db);
    const dup = await store.importRecords([diary('2026-11-20T09:00:00.000Z', 1), three, three]);
    expect(dup).toMatchObject({ ok: false, error: { code: 'invalid-record' } });
    expect(await snapshot(db)).toEqual(before);
  });
});
