// An in-memory RelayStore: for tests and for a throwaway relay. Nothing survives a
// restart. It checks the same invariants as the SQLite store, before applying anything,
// so that a batch is all-or-nothing here too.

import { type Bytes, toHex } from '../../src/sync/codec-bytes';
import type { CircleId, DocId, Result } from '../../src/sync/protocol';
import type { DeviceCounters, DocHead, RelayStore, SnapshotMeta, StoreError, StoredCircle, StoredUpdate, WriteBatch } from './store';

/**
 * Byte strings appended into one growing buffer, read back as views. A relay on this store
 * keeps every push in memory; as objects of their own (a row, three byte arrays and their
 * buffers, a string key) each one made every young-generation GC copy it and the old
 * generation's marking walk it: at 4,000 pushes a second, pauses of 3-8 ms. Here a stored
 * update adds no object to the heap, only bytes and numbers to arrays.
 */
class ByteLog {
  private buf = new Uint8Array(4096);
  private used = 0;
  private starts: number[] = [];
  /** Entries before this index were dropped. */
  private base = 0;

  /** Entries appended so far, dropped ones included. */
  get length(): number {
    return this.base + this.starts.length;
  }

  push(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buf.length) {
      // Views handed out keep the old buffer; it is never written again.
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.used + bytes.length));
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    this.buf.set(bytes, this.used);
    this.starts.push(this.used);
    this.used += bytes.length;
  }

  /** Entry i (from 0), or null once dropped or never appended. */
  at(i: number): Uint8Array | null {
    const j = i - this.base;
    if (j < 0 || j >= this.starts.length) return null;
    return this.buf.subarray(this.starts[j] as number, this.starts[j + 1] ?? this.used);
  }

  /** Drops the entries before index `end` and releases their bytes. */
  dropBefore(end: number): void {
    const k = Math.min(end - this.base, this.starts.length);
    if (k <= 0) return;
    const from = this.starts[k] ?? this.used;
    const rest = this.buf.slice(from, this.used);
    this.buf = new Uint8Array(Math.max(4096, rest.length * 2));
    this.buf.set(rest);
    this.used = rest.length;
    this.starts = this.starts.slice(k).map((at) => at - from);
    this.base += k;
  }
}

interface DocRow {
  prunedThrough: number;
  /** Envelopes by seq (entry i holds seq i + 1; seqs are gap-free from 1), pruned ones dropped. */
  envelopes: ByteLog;
  /** Envelope hashes by seq, all of them (kept after pruning for duplicate detection): its length is the head. */
  hashes: ByteLog;
  /** Per device (hex), devSeq -> seq. */
  byDevSeq: Map<string, Map<number, number>>;
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
      row = { prunedThrough: 0, envelopes: new ByteLog(), hashes: new ByteLog(), byDevSeq: new Map(), devices: new Map(), snapshots: [] };
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
      const head = heads.get(u.docId) ?? doc(u.docId)?.hashes.length ?? 0;
      if (u.seq !== head + 1) return fail('seq not gap-free');
      heads.set(u.docId, u.seq);
      const key = `${u.docId} ${hexOf(u.devicePk)} ${u.devSeq}`;
      if (devSeqs.has(key) || doc(u.docId)?.byDevSeq.get(hexOf(u.devicePk))?.has(u.devSeq)) return fail('devSeq reused');
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
    let c = row.devices.get(key);
    if (!c) row.devices.set(key, (c = { lastDevSeq: 0, keyEpoch, seals: 0 }));
    c.seals = c.keyEpoch === keyEpoch ? c.seals + 1 : 1;
    if (devSeq !== null) c.lastDevSeq = Math.max(c.lastDevSeq, devSeq);
    c.keyEpoch = Math.max(c.keyEpoch, keyEpoch);
  }

  function prune(row: DocRow, throughSeq: number): void {
    row.envelopes.dropBefore(throughSeq);
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
      return { head: row?.hashes.length ?? 0, snapshot: newest ? { ...newest.meta } : null, prunedThrough: row?.prunedThrough ?? 0 };
    },
    async loadDevice(docId, devicePk) {
      const c = doc(docId)?.devices.get(toHex(devicePk));
      return c ? { ...c } : { lastDevSeq: 0, keyEpoch: 0, seals: 0 };
    },
    async findUpdate(docId, devicePk, devSeq) {
      const row = doc(docId);
      const seq = row?.byDevSeq.get(toHex(devicePk))?.get(devSeq);
      const hash = seq === undefined ? null : row?.hashes.at(seq - 1);
      return seq !== undefined && hash ? { seq, hash: copy(hash) } : null;
    },
    async readUpdates(docId, fromSeq, maxBytes): Promise<StoredUpdate[]> {
      const row = doc(docId);
      if (!row) return [];
      const out: StoredUpdate[] = [];
      let bytes = 0;
      for (let i = Math.max(fromSeq, 1) - 1; i < row.envelopes.length; i++) {
        const envelope = row.envelopes.at(i);
        if (!envelope) break;
        if (out.length > 0 && bytes + envelope.length > maxBytes) break;
        bytes += envelope.length;
        out.push({ seq: i + 1, envelope });
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
        const hex = hexOf(u.devicePk);
        let seqs = row.byDevSeq.get(hex);
        if (!seqs) row.byDevSeq.set(hex, (seqs = new Map()));
        seqs.set(u.devSeq, u.seq);
        row.envelopes.push(u.envelope);
        row.hashes.push(u.hash);
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

