// Ed25519 checks of pushes on worker threads. One check costs about 50 µs of CPU with
// libsodium on the bench machine (100-160 µs with OpenSSL), which caps a relay that checks
// on its main thread at 10,000-20,000 pushes a second while fan-out, commits and sockets
// wait. Here the main thread only hands the bytes over, in batches gathered within one turn
// of the event loop, and other cores check them. The same check as verify.ts (libsodium
// through sodium-native, or node:crypto where it cannot load); keys arrive already vetted
// (the connection's key was checked at hello, where weak keys are refused).
//
// The worker is plain JavaScript evaluated from a string, so it runs the same under tsx (dev,
// tests) and from any build, with no loader of its own.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { SODIUM_PATH, verifyEd25519 } from './verify';

/**
 * Below this share of busy time in the last ELU_WINDOW_MS, the main thread checks a turn's
 * few signatures itself (about 50 µs each): handing them to a worker costs two messages and
 * a thread wake-up, which at low load is a good part of a push's latency. Busier, it hands
 * over. Bench (memory store, 200 clients at 5 updates/s): p99 2.4-3.0 ms against 3.4-4.8 ms
 * with every check on the worker; at 0.3 too few turns qualified to show a difference.
 */
const INLINE_BELOW_UTILIZATION = 0.5;
const INLINE_MAX_BATCH = 4;
const ELU_WINDOW_MS = 50;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const sodium = workerData.sodiumPath ? require(workerData.sodiumPath) : null;
const keys = new Map();
function keyOf(raw) {
  const id = Buffer.from(raw).toString('hex');
  let key = keys.get(id);
  if (!key) {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
    keys.set(id, key);
    if (keys.size > 4096) keys.delete(keys.keys().next().value);
  }
  return key;
}
const check = sodium
  ? (item) => sodium.crypto_sign_verify_detached(item.sig, item.data, item.pk)
  : (item) => verify(null, item.data, keyOf(item.pk), item.sig);
// A batch is one transferred buffer: per item a byte that is 1 when the key and signature
// had their right lengths, a 32-byte key, a 64-byte signature, the signed bytes' length
// (uint32, little-endian) and the signed bytes.
parentPort.on('message', (batch) => {
  const buf = Buffer.from(batch.buf);
  const out = new Uint8Array(batch.count);
  let at = 0;
  for (let i = 0; i < batch.count; i++) {
    const wellFormed = buf[at] === 1;
    const pk = buf.subarray(at + 1, at + 33);
    const sig = buf.subarray(at + 33, at + 97);
    const n = buf.readUInt32LE(at + 97);
    const data = buf.subarray(at + 101, at + 101 + n);
    at += 101 + n;
    try {
      out[i] = wellFormed && check({ pk, sig, data }) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  }
  parentPort.postMessage({ id: batch.id, out }, [out.buffer]);
});
`;

interface Item { pk: Uint8Array; sig: Uint8Array; data: Uint8Array }

/**
 * The items as one buffer to transfer (see the worker's reader). The signature and signed
 * bytes are often views into a socket's 64 KiB read buffer; posting them as they are made
 * the structured clone copy that whole buffer for every check. An item whose key or
 * signature has the wrong length is marked so, and the worker refuses it.
 */
function pack(items: Item[]): ArrayBuffer {
  let size = 0;
  for (const it of items) size += 101 + it.data.length;
  const buf = new ArrayBuffer(size);
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  let at = 0;
  for (const it of items) {
    if (it.pk.length === 32 && it.sig.length === 64) {
      bytes[at] = 1;
      bytes.set(it.pk, at + 1);
      bytes.set(it.sig, at + 33);
    }
    view.setUint32(at + 97, it.data.length, true);
    bytes.set(it.data, at + 101);
    at += 101 + it.data.length;
  }
  return buf;
}
interface Waiting { resolve: (ok: boolean[]) => void; reject: (e: unknown) => void }

/** Checks signatures on worker threads; a relay without spare cores gets none and checks inline. */
export class VerifyPool {
  private readonly workers: Worker[] = [];
  private next = 0;
  private batchId = 0;
  private queue: Array<{ item: Item; resolve: (ok: boolean) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private readonly waiting = new Map<number, Waiting>();
  private closed = false;
  private elu = performance.eventLoopUtilization();
  private eluAt = 0;
  private utilization = 0;
  /** Checks made on the main thread and on workers (for /metrics and tests). */
  readonly counts = { inline: 0, worker: 0 };

  /** `inlineWhenIdle: false` sends every check to a worker (tests, benchmarks). */
  constructor(threads: number, private readonly inlineWhenIdle = true) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sodiumPath: SODIUM_PATH } });
      worker.on('message', (msg: { id: number; out: Uint8Array }) => {
        const w = this.waiting.get(msg.id);
        if (!w) return;
        this.waiting.delete(msg.id);
        w.resolve([...msg.out].map((b) => b === 1));
      });
      worker.on('error', (e) => this.failAll(e));
      // Workers do not keep the process alive: the relay's sockets and timers do.
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Threads for a relay on this machine: every core but the one the main thread runs on. */
  static defaultThreads(): number {
    return Math.max(0, availableParallelism() - 1);
  }

  get threads(): number {
    return this.workers.length;
  }

  /** True only for a valid signature; never throws on bad input (a closed pool rejects). */
  verify(pk: Uint8Array, sig: Uint8Array, data: Uint8Array): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('verify pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ item: { pk, sig, data }, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Frames that arrived in the same turn go out as one message per worker.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queued = this.queue;
    this.queue = [];
    if (queued.length === 0 || this.workers.length === 0) return;
    if (this.inlineWhenIdle && queued.length <= INLINE_MAX_BATCH && this.recentUtilization() < INLINE_BELOW_UTILIZATION) {
      this.counts.inline += queued.length;
      for (const q of queued) q.resolve(verifyEd25519(q.item.pk, q.item.sig, q.item.data));
      return;
    }
    this.counts.worker += queued.length;
    const per = Math.ceil(queued.length / this.workers.length);
    for (let start = 0; start < queued.length; start += per) {
      const part = queued.slice(start, start + per);
      const id = ++this.batchId;
      this.waiting.set(id, {
        resolve: (ok) => part.forEach((p, i) => p.resolve(ok[i] === true)),
        reject: (e) => part.forEach((p) => p.reject(e)),
      });
      const worker = this.workers[this.next++ % this.workers.length] as Worker;
      const buf = pack(part.map((p) => p.item));
      worker.postMessage({ id, buf, count: part.length }, [buf]);
    }
  }

  /** The main thread's busy share over the last window or so (event-loop utilization). */
  private recentUtilization(): number {
    const now = performance.now();
    if (now - this.eluAt >= ELU_WINDOW_MS) {
      const current = performance.eventLoopUtilization();
      this.utilization = performance.eventLoopUtilization(current, this.elu).utilization;
      this.elu = current;
      this.eluAt = now;
    }
    return this.utilization;
  }

  private failAll(e: unknown): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  /** Stops the workers; pending checks are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('verify pool closed'));
    for (const q of this.queue) q.reject(new Error('verify pool closed'));
    this.queue = [];
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
