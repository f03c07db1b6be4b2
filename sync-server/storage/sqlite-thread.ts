// The SQLite store on a thread of its own. better-sqlite3 is synchronous, so in the relay's
// main thread every commit blocked the event loop for its transaction and its fsync: at 200
// clients sending 50 updates a second, about 1.2 s of every 3 s, while frames, fan-out and
// acknowledgements waited. Here the main thread hands each call over and goes on; the
// thread runs the very same store (sqlite.ts), so durability and invariants are unchanged,
// and the shared store suite runs against both.
//
// Calls are answered in the order they were made (the thread handles one at a time), so a
// read made after a commit resolved sees that commit. The thread loads sqlite.ts through
// tsx's API, which is how the relay runs (`tsx sync-server/server.ts`); it needs no build.
// If the thread dies, every pending and later call fails with 'unavailable' (the relay
// answers storage-unavailable) and the error is logged by the caller.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Result } from '../../src/sync/protocol';
import type { RelayStore, StoreError, UpdateWrite, WriteBatch } from './store';

type Method = Exclude<keyof RelayStore, 'kind'>;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  let store;
  try {
    const { tsImport } = await import(workerData.tsxApi);
    const mod = await tsImport(workerData.module, workerData.parentURL);
    const opened = mod.openSqliteStore(workerData.dataDir);
    if (!opened.ok) {
      parentPort.postMessage({ id: 0, ok: true, value: opened });
      return;
    }
    store = opened.value;
    parentPort.postMessage({ id: 0, ok: true, value: { ok: true } });
  } catch (e) {
    parentPort.postMessage({ id: 0, ok: true, value: { ok: false, error: { code: 'unavailable', message: String(e && e.message || e) } } });
    return;
  }
  // A commit's updates arrive packed in one transferred buffer (see packUpdates).
  function unpackUpdates(packed) {
    const buf = Buffer.from(packed);
    const updates = [];
    let at = 0;
    const bytes = (n) => buf.subarray(at, (at += n));
    while (at < buf.length) {
      const docLen = buf.readUInt16LE(at);
      const docId = buf.toString('utf8', at + 2, at + 2 + docLen);
      at += 2 + docLen;
      const seq = buf.readDoubleLE(at), devSeq = buf.readDoubleLE(at + 8), keyEpoch = buf.readDoubleLE(at + 16), receivedAt = buf.readDoubleLE(at + 24);
      at += 32;
      const devicePk = bytes(buf.readUInt16LE((at += 2) - 2));
      const hash = bytes(buf.readUInt16LE((at += 2) - 2));
      const envelope = bytes(buf.readUInt32LE((at += 4) - 4));
      updates.push({ docId, seq, devicePk, devSeq, keyEpoch, hash, envelope, receivedAt });
    }
    return updates;
  }
  // One call at a time, in order: a read after a commit sees it.
  let chain = Promise.resolve();
  parentPort.on('message', (call) => {
    chain = chain.then(async () => {
      try {
        const args = call.packed ? [{ memberships: [], snapshots: [], confirmations: [], prunes: [], ...call.rest, updates: unpackUpdates(call.packed) }] : call.args;
        const value = await store[call.method](...args);
        parentPort.postMessage({ id: call.id, ok: true, value });
      } catch (e) {
        parentPort.postMessage({ id: call.id, ok: false, message: String(e && e.message || e) });
      }
      if (call.method === 'close') parentPort.close();
    });
  });
})();
`;

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  message?: string;
}

// tsx's ESM API (its CommonJS entry cannot find its own loader from an evaluated worker).
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');

/**
 * The value with every byte array that is a view into a larger buffer (a header field
 * decoded in place from a socket's read buffer) replaced by a copy of just its bytes: the
 * structured clone of a view copies its whole backing buffer, which made handing a batch
 * over cost more than committing it.
 */
function compact(value: unknown): unknown {
  if (value instanceof Uint8Array) return value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice();
  if (Array.isArray(value)) return value.map(compact);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = compact(v);
    return out;
  }
  return value;
}

/**
 * A batch's updates as one buffer to transfer: per update the document id (uint16 length,
 * UTF-8), seq, devSeq, keyEpoch and receivedAt (float64 each, little-endian), the device key
 * and the hash (uint16 length each) and the envelope (uint32 length). Posting the update
 * objects themselves cost the relay's main thread more than anything else it does per push
 * (the structured clone of eight fields and three byte arrays per update); the thread reads
 * the fields back as views into this one buffer.
 */
function packUpdates(updates: readonly UpdateWrite[]): ArrayBuffer {
  const ids = updates.map((u) => Buffer.from(u.docId, 'utf8'));
  let size = 0;
  updates.forEach((u, i) => (size += 2 + (ids[i] as Buffer).length + 32 + 2 + u.devicePk.length + 2 + u.hash.length + 4 + u.envelope.length));
  const buf = Buffer.from(new ArrayBuffer(size));
  let at = 0;
  updates.forEach((u, i) => {
    const id = ids[i] as Buffer;
    at = buf.writeUInt16LE(id.length, at);
    at += id.copy(buf, at);
    at = buf.writeDoubleLE(u.seq, at);
    at = buf.writeDoubleLE(u.devSeq, at);
    at = buf.writeDoubleLE(u.keyEpoch, at);
    at = buf.writeDoubleLE(u.receivedAt, at);
    for (const b of [u.devicePk, u.hash]) {
      at = buf.writeUInt16LE(b.length, at);
      buf.set(b, at);
      at += b.length;
    }
    at = buf.writeUInt32LE(u.envelope.length, at);
    buf.set(u.envelope, at);
    at += u.envelope.length;
  });
  return buf.buffer as ArrayBuffer;
}

/** Opens the SQLite store of dataDir on its own thread; fails like openSqliteStore (in use, newer schema, I/O). */
export async function openSqliteStoreOnThread(dataDir: string): Promise<Result<RelayStore, StoreError>> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { tsxApi: TSX_API, module: './sqlite.ts', parentURL: import.meta.url, dataDir },
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | null = null;

  const failAll = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new Error(reply.message ?? 'the relay database failed'));
  });
  worker.on('error', (e) => failAll(new Error(`the relay database thread failed: ${e.message}`)));
  worker.on('exit', (code) => failAll(new Error(`the relay database thread stopped (exit code ${code})`)));

  const call = (method: Method | 'open', args: unknown[]): Promise<unknown> => {
    if (dead) return Promise.reject(dead);
    return new Promise((resolve, reject) => {
      const id = method === 'open' ? 0 : nextId++;
      pending.set(id, { resolve, reject });
      if (method === 'commit') {
        // The updates packed and transferred; the rare other writes cloned, and only when there are any.
        const { updates, ...rest } = args[0] as WriteBatch;
        const packed = packUpdates(updates);
        const others = rest.memberships.length + rest.snapshots.length + rest.confirmations.length + rest.prunes.length > 0;
        worker.postMessage({ id, method, packed, rest: others ? compact(rest) : null }, [packed]);
      } else if (method !== 'open') worker.postMessage({ id, method, args: args.map(compact) });
    });
  };

  const opened = (await call('open', []).catch((e: Error) => ({ ok: false, error: { code: 'unavailable', message: e.message } }))) as Result<unknown, StoreError>;
  if (!opened.ok) {
    await worker.terminate();
    return opened;
  }

  const store: RelayStore = {
    kind: 'sqlite',
    loadCircle: (...args) => call('loadCircle', args) as ReturnType<RelayStore['loadCircle']>,
    loadDoc: (...args) => call('loadDoc', args) as ReturnType<RelayStore['loadDoc']>,
    loadDevice: (...args) => call('loadDevice', args) as ReturnType<RelayStore['loadDevice']>,
    findUpdate: (...args) => call('findUpdate', args) as ReturnType<RelayStore['findUpdate']>,
    readUpdates: (...args) => call('readUpdates', args) as ReturnType<RelayStore['readUpdates']>,
    readSnapshot: (...args) => call('readSnapshot', args) as ReturnType<RelayStore['readSnapshot']>,
    snapshotsDueForRetention: (...args) => call('snapshotsDueForRetention', args) as ReturnType<RelayStore['snapshotsDueForRetention']>,
    // A thread that died answers every commit with 'unavailable': nothing is acknowledged.
    commit: (batch) =>
      (call('commit', [batch]) as ReturnType<RelayStore['commit']>).catch((e: Error) => ({ ok: false as const, error: { code: 'unavailable' as const, message: e.message } })),
    async close() {
      if (dead) return;
      await call('close', []).catch(() => undefined);
      await worker.terminate();
    },
  };
  return { ok: true, value: store };
}
