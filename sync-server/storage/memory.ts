// An in-memory RelayStore: for tests and for a throwaway relay. Nothing survives a
// restart. It checks the same invariants as the SQLite store, before applying anything,
// so that a batch is all-or-nothing here too.

import { type Bytes, toHex } from '../../src/sync/codec-bytes';
import type { CircleId, DocId, Result } from '../../src/sync/protocol';
import type { DeviceCounters, DocHead, RelayStore, SnapshotMeta, StoreError, StoredCircle, StoredUpdate, WriteBatch } from './store';

interface UpdateRow {
  seq: number;
  devicePk: Bytes;
  devSeq: number;
  hash: Bytes;
  /** null once pruned; the metadata stays for duplicate detection. */
  envelope: Uint8Array | null;
}

interface DocRow {
  head: number;
  prunedThrough: number;
  updates: UpdateRow[];
  /** devicePk hex + devSeq -> index in updates. */
  byDevSeq: Map<string, number>;
  devices: Map<string, DeviceCounters>;
  /** Oldest first. */
  snapshots: { meta: SnapshotMeta; envelope: Uint8Array; keyEpoch: number }[];
}

const copy = (b: Uint8Array): Bytes => new Uint8Array(b);

// A write's device key is checked, stored and counted: hex it once per key object.
const hexes = new WeakMap<Uint8Array, string>();
function hexOf(pk: Uint8Array): string {
  let hex = hexes.get(pk);
  if (hex === undefined) hexes.set(pk, (hex = toHex(pk)));
  return hex;
}

/** Creates an empty in-memory store. */
export function createMemoryStore(): RelayStore {
  const circles = new Map<CircleId, StoredCircle>();
  const docs = new Map<DocId, DocRow>();

  const doc = (docId: DocId): DocRow | undefined => docs.get(docId);
  const docOrNew = (docId: DocId): DocRow => {
    let row = docs.get(docId);
    if (!row) {
      row = { head: 0, prunedThrough: 0, updates: [], byDevSeq: new Map(), devices: new Map(), snapshots: [] };
      docs.set(docId, row);
    }
    return row;
  };

  function check(batch: WriteBatch): StoreError | null {
    const fail = (message: string): StoreError => ({ code: 'invariant', message });
    const versions = new Map<CircleId, number>();
    for (const m of batch.memberships) {
      const known = versions.get(m.circleId) ?? circles.get(m.circleId)?.links.length ?? 0;
      if (m.version !== known + 1) return fail('membership version not consecutive');
      if ((m.version === 1) !== (m.ownerPk !== null)) return fail('owner key only with genesis');
      versions.set(m.circleId, m.version);
    }
    const heads = new Map<DocId, number>();
    const devSeqs = new Set<string>();
    for (const u of batch.updates) {
      const head = heads.get(u.docId) ?? doc(u.docId)?.head ?? 0;
      if (u.seq !== head + 1) return fail('seq not gap-free');
      heads.set(u.docId, u.seq);
      const key = `${u.docId} ${hexOf(u.devicePk)} ${u.devSeq}`;
      if (devSeqs.has(key) || doc(u.docId)?.byDevSeq.has(`${hexOf(u.devicePk)} ${u.devSeq}`)) return fail('devSeq reused');
      devSeqs.add(key);
    }
    const covers = new Map<DocId, number>();
    for (const snap of batch.snapshots) {
      const newest = covers.get(snap.docId) ?? doc(snap.docId)?.snapshots.at(-1)?.meta.coversSeq ?? 0;
      if (snap.coversSeq <= newest) return fail('snapshot does not cover more than the newest');
      covers.set(snap.docId, snap.coversSeq);
    }
    return null;
  }

  function bumpSeals(row: DocRow, devicePk: Bytes, keyEpoch: number, devSeq: number | null): void {
    const key = hexOf(devicePk);
    const c = row.devices.get(key) ?? { lastDevSeq: 0, keyEpoch, seals: 0 };
    const seals = c.keyEpoch === keyEpoch ? c.seals + 1 : 1;
    row.devices.set(key, { lastDevSeq: devSeq !== null ? Math.max(c.lastDevSeq, devSeq) : c.lastDevSeq, keyEpoch: Math.max(c.keyEpoch, keyEpoch), seals });
  }

  function prune(row: DocRow, throughSeq: number): void {
    for (const u of row.updates) if (u.seq <= throughSeq) u.envelope = null;
    // Keep the newest snapshot covering throughSeq and everything newer.
    row.snapshots = row.snapshots.filter((s) => s.meta.coversSeq >= throughSeq);
    row.prunedThrough = Math.max(row.prunedThrough, throughSeq);
  }

  return {
    kind: 'memory',
    async loadCircle(circleId) {
      const c = circles.get(circleId);
      return c ? { ownerPk: copy(c.ownerPk), links: [...c.links] } : null;
    },
    async loadDoc(docId): Promise<DocHead> {
      const row = doc(docId);
      const newest = row?.snapshots.at(-1);
      return { head: row?.head ?? 0, snapshot: newest ? { ...newest.meta } : null, prunedThrough: row?.prunedThrough ?? 0 };
    },
    async loadDevice(docId, devicePk) {
      const c = doc(docId)?.devices.get(toHex(devicePk));
      return c ? { ...c } : { lastDevSeq: 0, keyEpoch: 0, seals: 0 };
    },
    async findUpdate(docId, devicePk, devSeq) {
      const row = doc(docId);
      const index = row?.byDevSeq.get(`${toHex(devicePk)} ${devSeq}`);
      const u = index === undefined ? undefined : row?.updates[index];
      return u ? { seq: u.seq, hash: copy(u.hash) } : null;
    },
    async readUpdates(docId, fromSeq, maxBytes): Promise<StoredUpdate[]> {
      const row = doc(docId);
      if (!row) return [];
      const out: StoredUpdate[] = [];
      let bytes = 0;
      // updates[i] holds seq i + 1 (seqs are gap-free from 1).
      for (let i = Math.max(fromSeq, 1) - 1; i < row.updates.length; i++) {
        const u = row.updates[i] as UpdateRow;
        if (!u.envelope) break;
        if (out.length > 0 && bytes + u.envelope.length > maxBytes) break;
        bytes += u.envelope.length;
        out.push({ seq: u.seq, envelope: u.envelope });
      }
      return out;
    },
    async readSnapshot(docId) {
      const newest = doc(docId)?.snapshots.at(-1);
      return newest ? { meta: { ...newest.meta }, envelope: newest.envelope } : null;
    },
    async snapshotsDueForRetention(receivedBefore) {
      const due: { docId: DocId; coversSeq: number }[] = [];
      for (const [docId, row] of docs) {
        const newest = row.snapshots.at(-1);
        if (newest && newest.meta.confirmedAt === null && newest.meta.receivedAt < receivedBefore && newest.meta.coversSeq > row.prunedThrough) {
          due.push({ docId, coversSeq: newest.meta.coversSeq });
        }
      }
      return due;
    },
    async commit(batch: WriteBatch): Promise<Result<void, StoreError>> {
      const problem = check(batch);
      if (problem) return { ok: false, error: problem };
      for (const m of batch.memberships) {
        if (m.ownerPk) circles.set(m.circleId, { ownerPk: copy(m.ownerPk), links: [copy(m.link)] });
        else circles.get(m.circleId)?.links.push(copy(m.link));
      }
      for (const u of batch.updates) {
        const row = docOrNew(u.docId);
        row.byDevSeq.set(`${hexOf(u.devicePk)} ${u.devSeq}`, row.updates.length);
        row.updates.push({ seq: u.seq, devicePk: copy(u.devicePk), devSeq: u.devSeq, hash: copy(u.hash), envelope: copy(u.envelope) });
        row.head = u.seq;
        bumpSeals(row, u.devicePk, u.keyEpoch, u.devSeq);
      }
      for (const s of batch.snapshots) {
        const row = docOrNew(s.docId);
        row.snapshots.push({ meta: { coversSeq: s.coversSeq, hash: copy(s.hash), devicePk: copy(s.devicePk), receivedAt: s.receivedAt, confirmedAt: null }, envelope: copy(s.envelope), keyEpoch: s.keyEpoch });
        bumpSeals(row, s.devicePk, s.keyEpoch, null);
      }
      for (const c of batch.confirmations) {
        const snap = doc(c.docId)?.snapshots.find((s) => s.meta.coversSeq === c.coversSeq);
        if (snap && snap.meta.confirmedAt === null) snap.meta.confirmedAt = c.confirmedAt;
      }
      for (const p of batch.prunes) {
        const row = doc(p.docId);
        if (row) prune(row, p.throughSeq);
      }
      return { ok: true, value: undefined };
    },
    async close() {},
  };
}

