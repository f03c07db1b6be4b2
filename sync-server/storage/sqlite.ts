// The embedded durable RelayStore: one SQLite file in the data directory (better-sqlite3).
//
// Durability: WAL with synchronous=FULL, so COMMIT returns only after the WAL is fsynced;
// an acknowledged push survives a process kill and a power cut. (synchronous=NORMAL would
// survive a process kill only.) One fsync is about 0.5 ms here, and group commit puts every
// push of an event-loop turn into one transaction, so the fsync is paid per batch.
//
// locking_mode=EXCLUSIVE: the relay keeps per-document counters in memory and assumes it is
// the only writer, so a second relay on the same data directory must fail to open rather
// than interleave seqs. (It also means no -shm file: readers share this one connection.)
//
// better-sqlite3 is synchronous: a commit blocks its thread for the fsync. The relay
// therefore runs this store on a thread of its own (sqlite-thread.ts); writes that arrive
// meanwhile join the next batch, which is what group commit wants.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Bytes } from '../../src/sync/codec-bytes';
import type { CircleId, DocId, Result } from '../../src/sync/protocol';
import type { DeviceCounters, DocHead, RelayStore, SnapshotMeta, StoreError, StoredUpdate, WriteBatch } from './store';

const SCHEMA_VERSION = 1;

/**
 * WAL pages between checkpoints (SQLite's default is 1,000). A checkpoint copies the WAL
 * into the database file and fsyncs it, inside the commit that crosses the mark, so that
 * commit and the pushes queued behind it wait. A push dirties about 5 pages of the WAL, so
 * at the default a relay taking 4,000 pushes a second checkpointed several times a second
 * and 1-2% of pushes waited behind one: the relay bench's group-commit p99 at 20 updates/s
 * per client was 5 ms. At 10,000 pages (a WAL of up to 40 MiB, replayed in well under a
 * second after a crash) checkpoints are rarer and cover pages rewritten many times over,
 * and that p99 is 2 ms (3 rounds each, session 7 note on issue 3).
 */
const WAL_CHECKPOINT_PAGES = 10_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS circles (circle_id TEXT PRIMARY KEY, owner_pk BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (
  circle_id TEXT NOT NULL, version INTEGER NOT NULL, link BLOB NOT NULL,
  PRIMARY KEY (circle_id, version));
CREATE TABLE IF NOT EXISTS docs (doc_id TEXT PRIMARY KEY, head INTEGER NOT NULL, pruned_through INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS updates (
  doc_id TEXT NOT NULL, seq INTEGER NOT NULL, device_pk BLOB NOT NULL, dev_seq INTEGER NOT NULL,
  key_epoch INTEGER NOT NULL, hash BLOB NOT NULL, envelope BLOB, received_at INTEGER NOT NULL,
  PRIMARY KEY (doc_id, seq));
CREATE UNIQUE INDEX IF NOT EXISTS updates_by_device ON updates (doc_id, device_pk, dev_seq);
CREATE TABLE IF NOT EXISTS doc_devices (
  doc_id TEXT NOT NULL, device_pk BLOB NOT NULL, last_dev_seq INTEGER NOT NULL,
  key_epoch INTEGER NOT NULL, seals INTEGER NOT NULL,
  PRIMARY KEY (doc_id, device_pk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
  doc_id TEXT NOT NULL, covers_seq INTEGER NOT NULL, device_pk BLOB NOT NULL, key_epoch INTEGER NOT NULL,
  hash BLOB NOT NULL, envelope BLOB NOT NULL, received_at INTEGER NOT NULL, confirmed_at INTEGER,
  PRIMARY KEY (doc_id, covers_seq));
CREATE INDEX IF NOT EXISTS snapshots_unconfirmed ON snapshots (received_at) WHERE confirmed_at IS NULL;
`;

/** The database file inside a data directory (tests scan it, with its -wal, for plaintext). */
export const SQLITE_FILE = 'relay.sqlite';

class InvariantError extends Error {}

interface SnapshotRow {
  covers_seq: number;
  hash: Buffer;
  device_pk: Buffer;
  received_at: number;
  confirmed_at: number | null;
}

const bytes = (b: Buffer): Bytes => new Uint8Array(b);
// better-sqlite3 allocates a fresh Buffer per blob; a plain view of it avoids a copy.
const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
const toMeta = (r: SnapshotRow): SnapshotMeta => ({ coversSeq: r.covers_seq, hash: bytes(r.hash), devicePk: bytes(r.device_pk), receivedAt: r.received_at, confirmedAt: r.confirmed_at });

/** Opens (creating if needed) the relay database in dataDir; fails if another process holds it. */
export function openSqliteStore(dataDir: string): Result<RelayStore, StoreError> {
  let db: Database.Database;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, SQLITE_FILE), { timeout: 500 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      db.close();
      return { ok: false, error: { code: 'unavailable', message: `the relay database has schema ${version}; this relay knows ${SCHEMA_VERSION}: update the relay` } };
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'unavailable', message: /locked|busy/i.test(message) ? `${dataDir} is in use by another relay process` : message } };
  }
  return { ok: true, value: sqliteStore(db) };
}

function sqliteStore(db: Database.Database): RelayStore {
  const q = {
    circle: db.prepare<[string], { owner_pk: Buffer }>('SELECT owner_pk FROM circles WHERE circle_id = ?'),
    links: db.prepare<[string], { link: Buffer }>('SELECT link FROM memberships WHERE circle_id = ? ORDER BY version'),
    topVersion: db.prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM memberships WHERE circle_id = ?'),
    insertCircle: db.prepare('INSERT INTO circles (circle_id, owner_pk) VALUES (?, ?)'),
    insertLink: db.prepare('INSERT INTO memberships (circle_id, version, link) VALUES (?, ?, ?)'),
    doc: db.prepare<[string], { head: number; pruned_through: number }>('SELECT head, pruned_through FROM docs WHERE doc_id = ?'),
    newestSnapshot: db.prepare<[string], SnapshotRow & { envelope: Buffer }>(
      'SELECT covers_seq, hash, device_pk, received_at, confirmed_at, envelope FROM snapshots WHERE doc_id = ? ORDER BY covers_seq DESC LIMIT 1',
    ),
    device: db.prepare<[string, Uint8Array], DeviceCounters>(
      'SELECT last_dev_seq AS lastDevSeq, key_epoch AS keyEpoch, seals FROM doc_devices WHERE doc_id = ? AND device_pk = ?',
    ),
    findUpdate: db.prepare<[string, Uint8Array, number], { seq: number; hash: Buffer }>('SELECT seq, hash FROM updates WHERE doc_id = ? AND device_pk = ? AND dev_seq = ?'),
    readUpdates: db.prepare<[string, number, number], { seq: number; envelope: Buffer | null }>(
      'SELECT seq, envelope FROM updates WHERE doc_id = ? AND seq >= ? ORDER BY seq LIMIT ?',
    ),
    dueForRetention: db.prepare<[number], { doc_id: string; covers_seq: number }>(
      `SELECT s.doc_id, s.covers_seq FROM snapshots s JOIN docs d ON d.doc_id = s.doc_id
       WHERE s.confirmed_at IS NULL AND s.received_at < ? AND s.covers_seq > d.pruned_through
         AND s.covers_seq = (SELECT MAX(covers_seq) FROM snapshots WHERE doc_id = s.doc_id)`,
    ),
    newestCovers: db.prepare<[string], { c: number | null }>('SELECT MAX(covers_seq) AS c FROM snapshots WHERE doc_id = ?'),
    ensureDoc: db.prepare('INSERT OR IGNORE INTO docs (doc_id, head) VALUES (?, 0)'),
    setHead: db.prepare('UPDATE docs SET head = ? WHERE doc_id = ?'),
    insertUpdate: db.prepare(
      'INSERT INTO updates (doc_id, seq, device_pk, dev_seq, key_epoch, hash, envelope, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    // Counts seals per epoch: a higher epoch starts again at 1 (epochs never go down).
    bumpDevice: db.prepare(
      `INSERT INTO doc_devices (doc_id, device_pk, last_dev_seq, key_epoch, seals) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (doc_id, device_pk) DO UPDATE SET
         seals = CASE WHEN excluded.key_epoch = key_epoch THEN seals + 1 ELSE 1 END,
         last_dev_seq = MAX(last_dev_seq, excluded.last_dev_seq),
         key_epoch = MAX(key_epoch, excluded.key_epoch)`,
    ),
    insertSnapshot: db.prepare(
      'INSERT INTO snapshots (doc_id, covers_seq, device_pk, key_epoch, hash, envelope, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    confirm: db.prepare('UPDATE snapshots SET confirmed_at = ? WHERE doc_id = ? AND covers_seq = ? AND confirmed_at IS NULL'),
    dropEnvelopes: db.prepare('UPDATE updates SET envelope = NULL WHERE doc_id = ? AND seq <= ? AND envelope IS NOT NULL'),
    dropSnapshots: db.prepare('DELETE FROM snapshots WHERE doc_id = ? AND covers_seq < ?'),
    setPruned: db.prepare('UPDATE docs SET pruned_through = MAX(pruned_through, ?) WHERE doc_id = ?'),
  };

  const apply = db.transaction((batch: WriteBatch) => {
    for (const m of batch.memberships) {
      const top = q.topVersion.get(m.circleId)?.v ?? 0;
      if (m.version !== top + 1) throw new InvariantError('membership version not consecutive');
      if ((m.version === 1) !== (m.ownerPk !== null)) throw new InvariantError('owner key only with genesis');
      if (m.ownerPk) q.insertCircle.run(m.circleId, m.ownerPk);
      q.insertLink.run(m.circleId, m.version, m.link);
    }
    // Heads are read and written once per document and batch, not once per update.
    const heads = new Map<string, number>();
    for (const u of batch.updates) {
      let head = heads.get(u.docId);
      if (head === undefined) {
        q.ensureDoc.run(u.docId);
        head = q.doc.get(u.docId)?.head ?? 0;
      }
      if (u.seq !== head + 1) throw new InvariantError('seq not gap-free');
      heads.set(u.docId, u.seq);
      q.insertUpdate.run(u.docId, u.seq, u.devicePk, u.devSeq, u.keyEpoch, u.hash, u.envelope, u.receivedAt);
      q.bumpDevice.run(u.docId, u.devicePk, u.devSeq, u.keyEpoch);
    }
    for (const [docId, head] of heads) q.setHead.run(head, docId);
    for (const s of batch.snapshots) {
      if (s.coversSeq <= (q.newestCovers.get(s.docId)?.c ?? 0)) throw new InvariantError('snapshot does not cover more than the newest');
      q.ensureDoc.run(s.docId);
      q.insertSnapshot.run(s.docId, s.coversSeq, s.devicePk, s.keyEpoch, s.hash, s.envelope, s.receivedAt);
      q.bumpDevice.run(s.docId, s.devicePk, 0, s.keyEpoch);
    }
    for (const c of batch.confirmations) q.confirm.run(c.confirmedAt, c.docId, c.coversSeq);
    for (const p of batch.prunes) {
      q.dropEnvelopes.run(p.docId, p.throughSeq);
      q.dropSnapshots.run(p.docId, p.throughSeq);
      q.setPruned.run(p.throughSeq, p.docId);
    }
  });

  return {
    kind: 'sqlite',
    async loadCircle(circleId: CircleId) {
      const c = q.circle.get(circleId);
      return c ? { ownerPk: bytes(c.owner_pk), links: q.links.all(circleId).map((r) => view(r.link)) } : null;
    },
    async loadDoc(docId: DocId): Promise<DocHead> {
      const d = q.doc.get(docId);
      const s = q.newestSnapshot.get(docId);
      return { head: d?.head ?? 0, prunedThrough: d?.pruned_through ?? 0, snapshot: s ? toMeta(s) : null };
    },
    async loadDevice(docId, devicePk) {
      return q.device.get(docId, devicePk) ?? { lastDevSeq: 0, keyEpoch: 0, seals: 0 };
    },
    async findUpdate(docId, devicePk, devSeq) {
      const r = q.findUpdate.get(docId, devicePk, devSeq);
      return r ? { seq: r.seq, hash: bytes(r.hash) } : null;
    },
    async readUpdates(docId, fromSeq, maxBytes): Promise<StoredUpdate[]> {
      const out: StoredUpdate[] = [];
      let total = 0;
      let expected = Math.max(fromSeq, 1);
      // An envelope is at least ~150 bytes, so this row limit never cuts a page short.
      for (const r of q.readUpdates.all(docId, fromSeq, Math.ceil(maxBytes / 100) + 1)) {
        if (!r.envelope || r.seq !== expected) break;
        if (out.length > 0 && total + r.envelope.length > maxBytes) break;
        total += r.envelope.length;
        out.push({ seq: r.seq, envelope: view(r.envelope) });
        expected++;
      }
      return out;
    },
    async readSnapshot(docId) {
      const s = q.newestSnapshot.get(docId);
      return s ? { meta: toMeta(s), envelope: view(s.envelope) } : null;
    },
    async snapshotsDueForRetention(receivedBefore) {
      return q.dueForRetention.all(receivedBefore).map((r) => ({ docId: r.doc_id as DocId, coversSeq: r.covers_seq }));
    },
    async commit(batch) {
      try {
        apply.immediate(batch);
        return { ok: true, value: undefined };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const invariant = e instanceof InvariantError || (typeof e === 'object' && e !== null && 'code' in e && String(e.code).startsWith('SQLITE_CONSTRAINT'));
        return { ok: false, error: { code: invariant ? 'invariant' : 'unavailable', message } };
      }
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
