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
import type { RelayStore, StoreError } from './store';

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
  // One call at a time, in order: a read after a commit sees it.
  let chain = Promise.resolve();
  parentPort.on('message', (call) => {
    chain = chain.then(async () => {
      try {
        const value = await store[call.method](...call.args);
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
      if (method !== 'open') worker.postMessage({ id, method, args: args.map(compact) });
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
