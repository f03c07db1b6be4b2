/**
 * Encryption at rest (src/storage/at-rest): what IndexedDB holds is sealed, and everything
 * above the middleware behaves as plain Dexie. Raw reads (raw-idb.ts) bypass Dexie entirely.
 */
import Dexie, { liveQuery } from 'dexie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encryptExistingRows } from '../../../src/storage/at-rest/encrypt-existing';
import { AtRestError, installAtRest, type AtRestKeyring, type AtRestOptions } from '../../../src/storage/at-rest/middleware';
import { PacelineDB, prefixRange } from '../../../src/storage/db';
import { getLatestScores, listRecords } from '../../../src/storage/journal-queries';
import { openJournalStore } from '../../../src/storage/journal-store';
import { fromStoredKey } from '../../../src/storage/private-keys';
import { apply, arbitraryOp, observe, recordRow } from './at-rest-ops';
import { SECRET_NOTE, rowsForEveryTable } from './at-rest-rows';
import { rawContains, rawDelete, rawPut, rawRows } from './raw-idb';
import { CIRCLE, assessment, diary, freshName, practiceLog, snapshot, unwrap } from './test-db';

type TestKeyring = AtRestKeyring & { lock(): void; unlock(): void };

function keyring(seed = 1): TestKeyring {
  const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + seed) & 0xff);
  let current: Uint8Array | null = key;
  return { key: () => current, lock: () => { current = null; }, unlock: () => { current = key; } };
}

function sealedDb(name: string, ring: AtRestKeyring, options?: AtRestOptions): PacelineDB {
  const db = new PacelineDB(name);
  installAtRest(db, ring, options);
  return db;
}

async function expectAtRestError(promise: Promise<unknown>, code: AtRestError['code']): Promise<void> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err, `expected AtRestError '${code}'`).toBeInstanceOf(AtRestError);
  expect((err as AtRestError).code).toBe(code);
}

const isSealedRow = (row: unknown) => typeof row === 'object' && row !== null && (row as { __pl?: unknown }).__pl instanceof Uint8Array;

describe('encryption at rest', () => {
  it('round-trips a realistic row in every table, and stores none of it in clear', async () => {
    const name = freshName('at-rest');
    const ring = keyring();
    const db = sealedDb(name, ring);
    const rows = await rowsForEveryTable();
    expect(Object.keys(rows).sort()).toEqual(db.tables.map((t) => t.name).sort());
    const expected: Record<string, unknown> = {};
    for (const [table, row] of Object.entries(rows)) {
      const key = await db.table(table).add(row);
      const auto = db.table(table).schema.primKey;
      expected[table] = auto.auto ? { ...row, [auto.keyPath as string]: key } : row;
    }
    db.close();

    const reopened = sealedDb(name, ring);
    for (const [table, row] of Object.entries(expected)) expect(await reopened.table(table).toArray(), table).toEqual([row]);
    // Bytes come back as their own Uint8Array, as a structured clone gives them, not a view into a larger buffer.
    const [update] = await reopened.docUpdates.toArray();
    expect(update!.update.byteOffset).toBe(0);
    expect(update!.update.buffer.byteLength).toBe(update!.update.length);
    const membership = await reopened.memberships.get(CIRCLE);
    for (const link of membership!.links) expect(link.buffer.byteLength).toBe(link.length);
    // The private key still signs.
    const device = await reopened.deviceKeys.get('device');
    const privateKey = await fromStoredKey(device!.privateKey);
    const signature = await crypto.subtle.sign('Ed25519', privateKey, new Uint8Array([1, 2, 3]));
    const publicKey = await crypto.subtle.importKey('raw', device!.publicKey, 'Ed25519', false, ['verify']);
    expect(await crypto.subtle.verify('Ed25519', publicKey, signature, new Uint8Array([1, 2, 3]))).toBe(true);
    reopened.close();

    const raw: unknown[] = [];
    for (const table of Object.keys(rows)) raw.push(...(await rawRows(name, table)));
    expect(raw.every(isSealedRow)).toBe(true);
    for (const text of [SECRET_NOTE, 'painNow', 'painSum', 'lower-back', 'Ana María', 'checkedAt', 'granted', 'ab12']) {
      expect(rawContains(raw, text), text).toBe(false);
    }
    // Only key and index fields stay in clear.
    const [record] = await rawRows(name, 'records');
    expect(Object.keys(record as object).sort()).toEqual(['__pl', 'at', 'circleId', 'id', 'kind']);
  });

  it('returns exactly what plain Dexie returns for values lib0 cannot hold as they are', async () => {
    const value = {
      nested: { list: [new Uint8Array([1, 2]), { deeper: new Uint8Array(0) }] },
      missing: undefined, negZero: -0, nan: Number.NaN, inf: -Infinity, half: 2 ** 31 + 0.5,
      big: 2n ** 70n, small: -5n, when: new Date('2025-06-02T08:00:00.000Z'), lone: `cut emoji \uD83D`, holes: [1, , 3],
      odd: JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
    };
    const plain = new PacelineDB(freshName('plain'));
    const sealed = sealedDb(freshName('at-rest'), keyring());
    await plain.settings.put({ key: 'odd', value });
    await sealed.settings.put({ key: 'odd', value });
    const expected = await plain.settings.get('odd');
    const got = await sealed.settings.get('odd');
    expect(got).toStrictEqual(expected);
    const v = got!.value as typeof value;
    expect(Object.is(v.negZero, -0)).toBe(true);
    expect(v.lone).toBe(value.lone);
    expect(Object.getPrototypeOf(v.odd)).toBe(Object.prototype);
    expect(Object.keys(v.odd as object)).toEqual(['__proto__']);
    plain.close();
    sealed.close();
  });

  it('refuses values it cannot store exactly, and writes nothing', async () => {
    const name = freshName('at-rest');
    const db = sealedDb(name, keyring());
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    // A CryptoKey could only be stored in clear (script cannot read a non-extractable key's bytes).
    const { privateKey } = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']) as CryptoKeyPair;
    for (const value of [new Map([[1, 2]]), new Set([1]), new Uint16Array(2), cyclic, privateKey, { nested: [privateKey] }]) {
      await expectAtRestError(db.settings.put({ key: 'x', value }), 'unsupported');
    }
    expect(await rawRows(name, 'settings')).toEqual([]);
    db.close();
  });

  it('answers every kind of query exactly as plain Dexie does (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(arbitraryOp, { maxLength: 30 }), fc.integer({ min: 1, max: 28 }), async (ops, pivot) => {
      const plain = new PacelineDB(freshName('plain'));
      const sealed = sealedDb(freshName('at-rest'), keyring());
      for (const o of ops) for (const db of [plain, sealed]) await apply(db, o);
      expect(await observe(sealed, pivot)).toEqual(await observe(plain, pivot));
      plain.close();
      sealed.close();
    }), { seed: 20261123, numRuns: 40 });
  }, 30_000);

  it('a wrong key fails as corrupt on every read path that touches values', async () => {
    const name = freshName('at-rest');
    const db = sealedDb(name, keyring(1));
    await db.records.bulkPut([recordRow('a', '2025-06-02T08:00:00.000Z', 5), recordRow('b', '2025-06-03T08:00:00.000Z', 6)]);
    db.close();
    const wrong = sealedDb(name, keyring(2));
    await expectAtRestError(wrong.records.get('a'), 'corrupt');
    await expectAtRestError(wrong.records.bulkGet(['a', 'b']), 'corrupt');
    await expectAtRestError(wrong.records.toArray(), 'corrupt');
    await expectAtRestError(wrong.records.each(() => undefined), 'corrupt');
    await expectAtRestError(wrong.records.filter(() => true).toArray(), 'corrupt');
    await expectAtRestError(wrong.records.where('[circleId+kind+at]').between(...prefixRange(CIRCLE)).first(), 'corrupt');
    await expectAtRestError(wrong.records.toCollection().modify({ deleted: 1 }), 'corrupt');
    // Keys and counts need no values.
    expect(await wrong.records.count()).toBe(2);
    expect(await wrong.records.toCollection().primaryKeys()).toEqual(['a', 'b']);
    expect(await wrong.records.where('[circleId+kind+at]').between(...prefixRange(CIRCLE)).keys()).toHaveLength(2);
    wrong.close();
  });

  it('locked: sealed rows do not read, nothing is written, deletes and counts still work', async () => {
    const name = freshName('at-rest');
    const ring = keyring();
    const db = sealedDb(name, ring);
    await db.records.put(recordRow('a', '2025-06-02T08:00:00.000Z', 5));
    const before = await rawRows(name, 'records');
    ring.lock();
    await expectAtRestError(db.records.get('a'), 'locked');
    await expectAtRestError(db.records.toArray(), 'locked');
    await expectAtRestError(db.records.put(recordRow('b', '2025-06-03T08:00:00.000Z', 6)), 'locked');
    await expectAtRestError(db.records.bulkAdd([recordRow('c', '2025-06-04T08:00:00.000Z', 6)]), 'locked');
    await expectAtRestError(db.docUpdates.add({ docKey: 'k', update: new Uint8Array([1]), at: 1 }), 'locked');
    await expectAtRestError(db.records.update('a', { deleted: 1 }), 'locked');
    expect(await rawRows(name, 'records')).toEqual(before);
    expect(await rawRows(name, 'docUpdates')).toEqual([]);
    expect(await db.records.count()).toBe(1);
    await db.records.delete('a');
    expect(await rawRows(name, 'records')).toEqual([]);
    db.close();
  });

  it('a sealed row moved to another key or table, or with a changed clear field, does not open', async () => {
    const name = freshName('at-rest');
    const db = sealedDb(name, keyring());
    await db.records.put(recordRow('a', '2025-06-02T08:00:00.000Z', 5));
    await db.docMeta.put({ docKey: 'c/journal', circleId: 'c', docName: 'journal', updateCount: 1, schemaVersion: 1 });
    await db.docUpdates.put({ seq: 7, docKey: 'c/journal', update: new Uint8Array([1, 2]), at: 1 });
    const [record] = (await rawRows(name, 'records')) as Record<string, unknown>[];
    const [meta] = (await rawRows(name, 'docMeta')) as Record<string, unknown>[];
    const [update] = (await rawRows(name, 'docUpdates')) as Record<string, unknown>[];
    await rawPut(name, 'records', { ...record, id: 'moved' });
    await rawPut(name, 'records', { ...record, id: 'index', circleId: 'someone-else' });
    await rawPut(name, 'syncDocs', { ...meta });
    await rawPut(name, 'docUpdates', { ...update, seq: 8 });
    const flipped = new Uint8Array(record!['__pl'] as Uint8Array);
    flipped[20]! ^= 1;
    await rawPut(name, 'records', { ...record, id: 'b', __pl: flipped });
    await expectAtRestError(db.records.get('moved'), 'corrupt');
    await expectAtRestError(db.records.get('index'), 'corrupt');
    await expectAtRestError(db.records.get('b'), 'corrupt');
    await expectAtRestError(db.syncDocs.get('c/journal'), 'corrupt');
    await expectAtRestError(db.docUpdates.get(8), 'corrupt');
    expect((await db.records.get('a'))?.record).toMatchObject({ note: SECRET_NOTE });
    db.close();
  });

  it('tables in clearTables are stored as they are and work while locked', async () => {
    const name = freshName('at-rest');
    const ring = keyring();
    const db = sealedDb(name, ring, { clearTables: ['profile'] });
    const profile = { key: 'device' as const, circleId: CIRCLE, createdAt: '2025-06-01T00:00:00.000Z', schemaVersion: 1 };
    ring.lock();
    await db.profile.put(profile);
    expect(await db.profile.get('device')).toEqual(profile);
    expect(await rawRows(name, 'profile')).toEqual([profile]);
    db.close();
  });

  it('liveQuery sees sealed writes as plain values', async () => {
    const db = sealedDb(freshName('at-rest'), keyring());
    const seen: unknown[] = [];
    const sub = liveQuery(() => db.records.where('[circleId+kind+at]').between(...prefixRange(CIRCLE, 'diary')).toArray()).subscribe({ next: (rows) => seen.push(rows.map((r) => r.id)) });
    await until(() => seen.length === 1);
    await db.records.put(recordRow('a', '2025-06-02T08:00:00.000Z', 5));
    await until(() => seen.length === 2);
    expect(seen).toEqual([[], ['a']]);
    sub.unsubscribe();
    db.close();
  });

  it('a refused write aborts the whole transaction across tables', async () => {
    const name = freshName('at-rest');
    const ring = keyring();
    const db = sealedDb(name, ring);
    const failed = db.transaction('rw', db.records, db.docMeta, async () => {
      await db.records.put(recordRow('a', '2025-06-02T08:00:00.000Z', 5));
      ring.lock();
      await db.docMeta.put({ docKey: 'c/journal', circleId: 'c', docName: 'journal', updateCount: 1, schemaVersion: 1 });
    });
    await expectAtRestError(failed, 'locked');
    ring.unlock();
    expect(await db.records.count()).toBe(0);
    db.close();
  });

  it('encryptExistingRows seals a database written in clear, page by page, changing no value', async () => {
    const name = freshName('at-rest');
    const plain = new PacelineDB(name);
    const store = await openJournalStore(plain, CIRCLE);
    const entries = Array.from({ length: 230 }, (_, d) => diary(new Date(Date.UTC(2025, 0, 1 + d, 8)).toISOString(), d % 11, { note: `${SECRET_NOTE} ${d}` }));
    unwrap(await store.importRecords(entries));
    unwrap(await store.put(diary('2025-12-01T08:00:00.000Z', 3)));
    await store.close();
    await plain.settings.put({ key: 'locale', value: 'es' });
    const before = await snapshot(plain);
    const rowCount = Object.values(before).reduce((n, rows) => n + rows.length, 0);
    expect(before['records']!.length).toBeGreaterThan(200);
    plain.close();

    const ring = keyring();
    const db = sealedDb(name, ring, { clearTables: ['settings'] });
    expect(await snapshot(db)).toEqual(before); // rows in clear read as they are
    expect(await encryptExistingRows(db)).toBe(rowCount - 1);
    for (const table of db.tables) {
      const raw = await rawRows(name, table.name);
      expect(raw.every(table.name === 'settings' ? (r) => !isSealedRow(r) : isSealedRow), table.name).toBe(true);
      expect(rawContains(raw, SECRET_NOTE), table.name).toBe(false);
    }
    expect(await snapshot(db)).toEqual(before);
    expect(await encryptExistingRows(db)).toBe(0);

    // Locked: refused, and the table is left as it was.
    await rawPut(name, 'docMeta', { docKey: 'x/journal', circleId: 'x', docName: 'journal', updateCount: 0, schemaVersion: 1 });
    ring.lock();
    await expectAtRestError(encryptExistingRows(db), 'locked');
    expect((await rawRows(name, 'docMeta')).filter((r) => !isSealedRow(r))).toHaveLength(1);
    ring.unlock();
    expect(await encryptExistingRows(db)).toBe(1);
    db.close();
  }, 30_000);

  it('the journal store runs on a sealed database; another key or a locked device cannot open it', async () => {
    const name = freshName('at-rest');
    const ring = keyring();
    const db = sealedDb(name, ring);
    const store = await openJournalStore(db, CIRCLE);
    const entries = [diary('2025-06-02T08:00:00.000Z', 6, { note: SECRET_NOTE }), diary('2025-06-03T08:00:00.000Z', 4)];
    for (const e of entries) unwrap(await store.put(e));
    unwrap(await store.put(practiceLog('2025-06-02T18:00:00.000Z')));
    unwrap(await store.put(assessment('2025-06-03T09:00:00.000Z', 'peg', [6, 5, 4])));
    await store.close();
    db.close();

    const again = sealedDb(name, ring);
    const reopened = await openJournalStore(again, CIRCLE);
    expect(reopened.all('diary')).toEqual(entries);
    expect(await listRecords(again, CIRCLE, 'diary')).toEqual(entries);
    expect((await getLatestScores(again, CIRCLE)).map((s) => s.instrument)).toEqual(['peg']);
    await reopened.close();
    again.close();
    expect(rawContains(await rawRows(name, 'docUpdates'), SECRET_NOTE)).toBe(false);

    const wrong = sealedDb(name, keyring(2));
    await expectAtRestError(openJournalStore(wrong, CIRCLE), 'corrupt');
    wrong.close();
    const lockedRing = keyring();
    lockedRing.lock();
    const locked = sealedDb(name, lockedRing);
    await expectAtRestError(openJournalStore(locked, CIRCLE), 'locked');
    locked.close();
  });

  it('handles outbound keys, outbound auto-increment, multiEntry and dotted index paths like plain Dexie', async () => {
    const stores = { out: '', outAuto: '++', tagged: 'id, *tags, meta.owner' };
    const plainName = freshName('plain');
    const name = freshName('at-rest');
    const plain = new Dexie(plainName);
    const sealed = new Dexie(name);
    plain.version(1).stores(stores);
    sealed.version(1).stores(stores);
    installAtRest(sealed, keyring());
    const observe = async (db: Dexie) => ({
      out: await db.table('out').toArray(),
      outKeys: await db.table('out').toCollection().primaryKeys(),
      k2: await db.table('out').get('k2'),
      outAuto: await db.table('outAuto').toArray(),
      reversed: await db.table('out').reverse().toArray(),
      byTag: await db.table('tagged').where('tags').equals('b').toArray(),
      byOwner: await db.table('tagged').where('meta.owner').equals('ann').toArray(),
      tagKeys: await db.table('tagged').orderBy('tags').keys(),
    });
    for (const db of [plain, sealed]) {
      await db.table('out').put({ a: 1, note: 'classified' }, 'k1');
      await db.table('out').put('a bare string', 'k2');
      await db.table('outAuto').bulkAdd([{ x: 1 }, { x: 2 }]);
      await db.table('tagged').bulkPut([
        { id: 1, tags: ['a', 'b', { not: 'a key' }], meta: { owner: 'ann', detail: 'classified' } },
        { id: 2, tags: ['b'], meta: { owner: 'bob' } },
      ]);
    }
    expect(await observe(sealed)).toEqual(await observe(plain));
    expect(rawContains([...(await rawRows(name, 'out')), ...(await rawRows(name, 'tagged'))], 'classified')).toBe(false);
    const [k1] = await rawRows(name, 'out');
    await rawPut(name, 'out', k1, 'k3');
    await expectAtRestError(sealed.table('out').get('k3'), 'corrupt');
    await rawDelete(name, 'out', 'k3');
    plain.close();
    sealed.close();
  });

  it('a new index over sealed rows needs an upgrade() that rewrites them (IndexedDB cannot read sealed fields)', async () => {
    const ring = keyring();
    const openAt = (name: string, version: number, upgrade?: (tx: import('dexie').Transaction) => Promise<unknown>) => {
      const db = new Dexie(name);
      db.version(1).stores({ t: 'id' });
      if (version > 1) {
        const v2 = db.version(2).stores({ t: 'id, owner' });
        if (upgrade) v2.upgrade(upgrade);
      }
      installAtRest(db, ring);
      return db;
    };
    const byOwner = async (name: string, upgrade?: (tx: import('dexie').Transaction) => Promise<unknown>) => {
      const v1 = openAt(name, 1);
      await v1.table('t').bulkPut([{ id: 1, owner: 'ann' }, { id: 2, owner: 'bob' }]);
      v1.close();
      const v2 = openAt(name, 2, upgrade);
      const found = await v2.table('t').where('owner').equals('ann').toArray();
      v2.close();
      return found;
    };
    expect(await byOwner(freshName('at-rest'))).toEqual([]);
    // A modify() that changes nothing still puts every row, sealed again with the new index field in clear.
    expect(await byOwner(freshName('at-rest'), (tx) => tx.table('t').toCollection().modify(() => undefined))).toEqual([{ id: 1, owner: 'ann' }]);
  });

  it('installAtRest refuses a database that is already open', async () => {
    const db = new PacelineDB(freshName('at-rest'));
    await db.open();
    expect(() => installAtRest(db, keyring())).toThrow(/before the database opens/);
    db.close();
  });
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}
