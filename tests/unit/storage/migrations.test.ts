/**
 * Each schema version opens databases written by the previous one. The fixture below is a
 * frozen copy of what version 1 wrote, made with raw Dexie and the v1 table layout (never
 * import the current schema here: the point is that the current code meets old data).
 * Version 2 added the local-only sync tables; version 3 an outbox index that carries change
 * counts and the local-only circle tables. For version 4, add a `writeV3Fixture`.
 */
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PacelineDB } from '../../../src/storage/db';
import { openJournalStore } from '../../../src/storage/journal-store';
import { getLatestScores, listRecords, listWeeks } from '../../../src/storage/journal-queries';
import { ensureDeviceProfile, getSetting } from '../../../src/storage/profile';
import { countWaiting, enableSharing, listPending } from '../../../src/storage/sync-store';
import { CIRCLE, assessment, diary, freshName, snapshot, unwrap } from './test-db';

const V1_STORES = {
  docUpdates: '++seq, docKey',
  docMeta: 'docKey',
  records: 'id, [circleId+kind+at]',
  weeks: '[circleId+week]',
  latestScores: '[circleId+instrument]',
  profile: 'key',
  settings: 'key',
};

const V2_SYNC_STORES = {
  syncPending: '++id, docKey',
  syncOutbox: '[docKey+devSeq]',
  syncDocs: 'docKey, circleId',
  deviceKeys: 'id',
  ownerKeys: 'circleId',
  docKeys: '[docKey+epoch]',
  memberships: 'circleId',
};

/** A v1 database as the v1 app left it: update log, meta, profile and settings (derived rows are rebuildable). */
async function writeV1Fixture(name: string) {
  const entry = diary('2025-06-02T08:00:00.000Z', 6, { mood: 4 });
  const peg = assessment('2025-06-03T08:00:00.000Z', 'peg', [6, 6, 3]);
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  doc.getMap('meta').set('schemaVersion', 1);
  doc.getMap('diary').set(entry.id, entry);
  doc.getMap('assessment').set(peg.id, peg);
  const raw = new Dexie(name);
  raw.version(1).stores(V1_STORES);
  await raw.open();
  const docKey = `${CIRCLE}/journal`;
  await raw.table('docUpdates').bulkAdd(updates.map((update, i) => ({ docKey, update, at: 1_750_000_000_000 + i })));
  await raw.table('docMeta').put({ docKey, circleId: CIRCLE, docName: 'journal', updateCount: updates.length, schemaVersion: 1 });
  await raw.table('profile').put({ key: 'device', circleId: CIRCLE, createdAt: '2025-06-01T00:00:00.000Z', schemaVersion: 1 });
  await raw.table('settings').bulkPut([{ key: 'locale', value: 'es' }, { key: 'region', value: 'MX' }]);
  raw.close();
  return { entry, peg };
}

describe('schema migrations', () => {
  it('a version 1 database opens with the current code, with everything there', async () => {
    const name = freshName('v1');
    const { entry, peg } = await writeV1Fixture(name);
    const db = new PacelineDB(name);
    expect(await ensureDeviceProfile(db)).toBe(CIRCLE);
    expect(await getSetting(db, 'locale')).toBe('es');
    expect(await getSetting(db, 'region')).toBe('MX');
    const store = await openJournalStore(db, CIRCLE);
    expect(store.get('diary', entry.id)).toEqual(entry);
    expect(store.get('assessment', peg.id)).toEqual(peg);
    // The derived tables were missing (no derivedVersion): opening rebuilt them from the doc.
    expect((await listRecords(db, CIRCLE, 'diary')).map((r) => r.id)).toEqual([entry.id]);
    expect((await listWeeks(db, CIRCLE)).map((w) => [w.painSum, w.moodSum])).toEqual([[6, 4]]);
    expect(await getLatestScores(db, CIRCLE)).toMatchObject([{ instrument: 'peg', score: 5, responseId: peg.id }]);
    expect(db.verno).toBe(3);
    await store.close();
    db.close();
  });

  it('version 1 upgrades to 2 without loss: every v1 row is kept, the sync tables start empty, sharing is off', async () => {
    const name = freshName('v1to2');
    await writeV1Fixture(name);
    const raw = new Dexie(name);
    raw.version(1).stores(V1_STORES);
    await raw.open();
    const before: Record<string, unknown[]> = {};
    for (const table of raw.tables) before[table.name] = await table.toArray();
    raw.close();

    const db = new PacelineDB(name);
    await db.open();
    expect(db.verno).toBe(3);
    const after = await snapshot(db);
    for (const [table, rows] of Object.entries(before)) expect(after[table], table).toEqual(rows);
    for (const table of ['syncPending', 'syncOutbox', 'syncDocs', 'deviceKeys', 'ownerKeys', 'docKeys', 'memberships']) expect(after[table], table).toEqual([]);

    // Sharing is off after the upgrade: a local write queues nothing for the relay.
    const store = await openJournalStore(db, CIRCLE);
    unwrap(await store.put(diary('2025-06-04T08:00:00.000Z', 3)));
    expect(await listPending(db, `${CIRCLE}/journal`)).toEqual([]);
    // Turning it on queues the whole state that v1 wrote as the first push.
    expect(await enableSharing(db, CIRCLE, 'journal', 1_750_000_000_000)).toBe(true);
    expect(await listPending(db, `${CIRCLE}/journal`)).toMatchObject([{ update: null }]);
    await store.close();
    db.close();
  });

  it('version 2 upgrades to 3 without loss: sync rows kept, waiting changes counted from the new index', async () => {
    const name = freshName('v2to3');
    await writeV1Fixture(name);
    const docKey = `${CIRCLE}/journal`;
    const raw = new Dexie(name);
    raw.version(1).stores(V1_STORES);
    raw.version(2).stores(V2_SYNC_STORES);
    await raw.open();
    await raw.table('syncPending').add({ docKey, update: new Uint8Array([1, 2]), at: 1, schemaVersion: 1 });
    await raw.table('syncOutbox').bulkAdd([
      { docKey, devSeq: 1, envelope: new Uint8Array(64), changes: 3, createdAt: 2, schemaVersion: 1 },
      { docKey, devSeq: 2, envelope: new Uint8Array(64), changes: 2, createdAt: 3, schemaVersion: 1 },
      { docKey: `${CIRCLE}/plan`, devSeq: 1, envelope: new Uint8Array(8), changes: 7, createdAt: 3, schemaVersion: 1 },
    ]);
    await raw.table('syncDocs').put({ docKey, circleId: CIRCLE, docName: 'journal', nextDevSeq: 3 });
    const before: Record<string, unknown[]> = {};
    for (const table of raw.tables) before[table.name] = await table.toArray();
    raw.close();

    const db = new PacelineDB(name);
    await db.open();
    expect(db.verno).toBe(3);
    const after = await snapshot(db);
    for (const [table, rows] of Object.entries(before)) expect(after[table], table).toEqual(rows);
    for (const table of ['circles', 'readMarks', 'circleSummaries']) expect(after[table], table).toEqual([]);
    expect(await countWaiting(db, docKey)).toEqual({ pending: 1, unacked: 5 });
    expect(await countWaiting(db, `${CIRCLE}/plan`)).toEqual({ pending: 0, unacked: 7 });
    db.close();
  });
});
