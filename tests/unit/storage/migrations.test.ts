/**
 * Each schema version opens databases written by the previous one. The fixture below is a
 * frozen copy of what version 1 wrote, made with raw Dexie and the v1 table layout (never
 * import the current schema here: the point is that the current code meets old data).
 * Version 2 added the local-only sync tables; for version 3, add a `writeV2Fixture` (raw
 * Dexie with the v1 stores plus V2_SYNC_STORES) and a test that opens it with PacelineDB.
 */
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PacelineDB } from '../../../src/storage/db';
import { openJournalStore } from '../../../src/storage/journal-store';
import { getLatestScores, listRecords, listWeeks } from '../../../src/storage/journal-queries';
import { ensureDeviceProfile, getSetting } from '../../../src/storage/profile';
import { enableSharing, listPending } from '../../../src/storage/sync-store';
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
    expect(db.verno).toBe(2);
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
    expect(db.verno).toBe(2);
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
});
