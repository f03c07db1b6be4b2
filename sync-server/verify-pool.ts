// Ed25519 checks of pushes on worker threads. One check costs about 50 µs of CPU with
// libsodium on the bench machine (100-160 µs with OpenSSL), which caps a relay that checks
// on its main thread at 10,000-20,000 pushes a second while fan-out, commits and sockets
// wait. Here the main thread checks what its spare time allows and hands the rest over, in
// batches gathered within one turn of the event loop, for other cores to check. The same
// check as verify.ts (libsodium through sodium-native, or node:crypto where it cannot
// load); keys arrive already vetted (the connection's key was checked at hello, where weak
// keys are refused).
//
// The worker is plain JavaScript evaluated from a string, so it runs the same under tsx (dev,
// tests) and from any build, with no loader of its own.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { SODIUM_PATH, verifyEd25519 } from './verify';

/**
 * How much of its time the main thread may spend checking signatures itself. Handing a check
 * to a worker costs two messages and two thread wake-ups; on a machine whose cores are busy,
 * a woken thread can wait milliseconds for one, which is most of a push's latency tail. So
 * the main thread checks what it has time for and hands over only the rest:
 *
 * - Every WINDOW_MS it measures its own busy share (event-loop utilization) minus the time
 *   it spent on checks, i.e. what the relay's other work needs, and allows itself checks up
 *   to INLINE_TARGET_UTILIZATION in the next window. At 200 clients sending 20 updates a
 *   second that is most checks; at 50 a second, when fan-out alone keeps the main thread
 *   more than half busy, almost none.
 * - At most INLINE_MAX_TURN_MS of checks in one turn (about 20), so a burst does not hold up
 *   the frames, commits and fan-out of everyone else; the rest of the burst goes to workers.
 *
 * Relay bench, SQLite store, 200 clients: at 20 updates/s 50-95% of checks ran inline, and
 * the signature stage's p99 inside the relay fell from 5-7.5 ms to 2-5 ms; at 50/s 0-7%
 * did. A target of 0.7, without the smoothing in inlineShare, overloaded the main thread
 * at 50/s.
 */
const INLINE_TARGET_UTILIZATION = 0.6;
const INLINE_MAX_TURN_MS = 1;
const WINDOW_MS = 50;
/** A check's cost on the main thread before any was measured (libsodium on the bench VM). */
const INITIAL_CHECK_MS = 0.06;

/** Verdicts per message back from a worker (see the worker's loop). */
const RESULT_CHUNK = 8;

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
  let at = 0;
  // Verdicts go back every RESULT_CHUNK checks, so the first pushes of a large batch need
  // not wait for its last.
  let from = 0;
  let out = new Uint8Array(Math.min(${RESULT_CHUNK}, batch.count));
  for (let i = 0; i < batch.count; i++) {
    const wellFormed = buf[at] === 1;
    const pk = buf.subarray(at + 1, at + 33);
    const sig = buf.subarray(at + 33, at + 97);
    const n = buf.readUInt32LE(at + 97);
    const data = buf.subarray(at + 101, at + 101 + n);
    at += 101 + n;
    try {
      out[i - from] = wellFormed && check({ pk, sig, data }) ? 1 : 0;
    } catch {
      out[i - from] = 0;
    }
    if (i + 1 - from === out.length) {
      parentPort.postMessage({ id: batch.id, from, out }, [out.buffer]);
      from = i + 1;
      out = new Uint8Array(Math.min(${RESULT_CHUNK}, batch.count - from));
    }
  }
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
interface Waiting {
  /** Answers the batch's checks from..from + ok.length; true when that was the last of them. */
  resolve: (from: number, ok: Uint8Array) => boolean;
  reject: (e: unknown) => void;
}

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
  private windowStart = performance.now();
  /** Time spent on inline checks in the current window. */
  private inlineMs = 0;
  /** The main thread's busy share without its checks, smoothed (see inlineShare). */
  private other = 0;
  /** One inline check's cost, a moving average. */
  private checkMs = INITIAL_CHECK_MS;
  /** Checks made on the main thread and on workers (for /metrics and tests). */
  readonly counts = { main: 0, worker: 0 };

  /** `inlineWhenIdle: false` sends every check to a worker (tests, benchmarks). */
  constructor(threads: number, private readonly inlineWhenIdle = true) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sodiumPath: SODIUM_PATH } });
      worker.on('message', (msg: { id: number; from: number; out: Uint8Array }) => {
        const w = this.waiting.get(msg.id);
        if (w?.resolve(msg.from, msg.out)) this.waiting.delete(msg.id);
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
    if (queued.length === 0) return;
    const inline = this.workers.length === 0 ? queued.length : this.inlineWhenIdle ? this.inlineShare(queued.length) : 0;
    if (inline > 0) {
      const started = performance.now();
      for (let i = 0; i < inline; i++) {
        const q = queued[i] as (typeof queued)[number];
        q.resolve(verifyEd25519(q.item.pk, q.item.sig, q.item.data));
      }
      const spent = performance.now() - started;
      this.inlineMs += spent;
      this.checkMs = 0.9 * this.checkMs + 0.1 * (spent / inline);
      this.counts.main += inline;
    }
    if (inline === queued.length) return;
    const rest = queued.slice(inline);
    this.counts.worker += rest.length;
    const per = Math.ceil(rest.length / this.workers.length);
    for (let start = 0; start < rest.length; start += per) {
      const part = rest.slice(start, start + per);
      const id = ++this.batchId;
      let left = part.length;
      this.waiting.set(id, {
        resolve: (from, ok) => {
          ok.forEach((v, i) => part[from + i]?.resolve(v === 1));
          return (left -= ok.length) <= 0;
        },
        // Checks already answered stay answered: a promise settles once.
        reject: (e) => part.forEach((p) => p.reject(e)),
      });
      const worker = this.workers[this.next++ % this.workers.length] as Worker;
      const buf = pack(part.map((p) => p.item));
      worker.postMessage({ id, buf, count: part.length }, [buf]);
    }
  }

  /** How many of this turn's `queued` checks the main thread makes itself (see INLINE_TARGET_UTILIZATION). */
  private inlineShare(queued: number): number {
    const now = performance.now();
    const elapsed = now - this.windowStart;
    if (elapsed >= WINDOW_MS) {
      const current = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(current, this.elu).utilization;
      // What the relay's other work took: the next window's checks must fit beside it.
      // Rising at once, falling slowly: one quiet window must not invite a flood of checks.
      const other = Math.max(0, busy - this.inlineMs / elapsed);
      this.other = Math.max(other, (this.other + other) / 2);
      this.elu = current;
      this.windowStart = now;
      this.inlineMs = 0;
    }
    const budgetMs = Math.max(0, INLINE_TARGET_UTILIZATION - this.other) * WINDOW_MS;
    const affordable = Math.min(budgetMs - this.inlineMs, INLINE_MAX_TURN_MS) / this.checkMs;
    return Math.max(0, Math.min(queued, Math.floor(affordable)));
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
