// Paceline load clients for the fan-out benchmark: the real protocol. One circle per room
// (genesis by an owner key, the room's devices as 'patient', so they may write 'journal');
// each client says hello, authenticates, subscribes to `<circleId>.journal` and pushes
// sealed, signed update envelopes.
//
// The envelopes are sealed BEFORE the timed run (sealEnvelope: AES-GCM + Ed25519, devSeq
// 1, 2, 3, ... per device) and kept as ready push frames, so client-side crypto does not
// load the CPU during the measurement; the relay still verifies every signature. The
// plaintext is the same kind of small Yjs update the Yjs clients send. A fresh relay starts
// from devSeq 1 again, so one supply serves the memory and the SQLite relay.
//
// Latency without decrypting: the driver records the send time by (device, devSeq); a
// receiver reads the envelope header (device key, devSeq) with the lean reader.

import * as Y from 'yjs';
import { writeMessage } from '../../src/sync/codec';
import type { DeviceKeys } from '../../src/sync/crypto';
import { type UpdateHeader, sealEnvelope } from '../../src/sync/protocol-envelope';
import type { LoadClients, OnDelivery } from './fanout';
import { type BenchCircle, type Conn, TAG, connect, decode, eachUpdate, pkTag, publishGenesis } from './paceline-wire';

export interface Supply {
  /** Push frames per client (client i = circle floor(i / size), device i % size), devSeq n + 1 at index n. */
  frames: Uint8Array[][];
  plaintextBytes: number;
  envelopeBytes: number;
  sealMs: number;
}

/** Seals `perClient` updates for every device of every circle, a few hundred at a time. */
export async function sealSupply(circles: BenchCircle[], perClient: number): Promise<Supply> {
  const started = performance.now();
  const frames: Uint8Array[][] = [];
  let plaintextBytes = 0;
  let envelopeBytes = 0;
  const jobs: (() => Promise<void>)[] = [];
  for (const circle of circles) {
    for (const device of circle.devices) {
      const client = frames.length;
      const own: Uint8Array[] = new Array<Uint8Array>(perClient);
      frames.push(own);
      const doc = new Y.Doc();
      let last: Uint8Array | null = null;
      doc.on('update', (u: Uint8Array) => (last = u));
      for (let n = 0; n < perClient; n++) {
        doc.getMap('bench').set(`c${client}`, { s: client, n, t: 0 });
        const plaintext = last as unknown as Uint8Array;
        plaintextBytes += plaintext.length;
        const header: UpdateHeader = { type: 'update', circleId: circle.circleId, docId: circle.journal, keyEpoch: 0, devicePk: device.publicKey, devSeq: n + 1 };
        jobs.push(async () => {
          const sealed = await sealEnvelope(device, circle.key, header, plaintext);
          if (!sealed.ok) throw new Error(`seal failed: ${sealed.error.code}`);
          const frame = writeMessage({ type: 'push', envelope: sealed.value });
          envelopeBytes += frame.length - 2;
          own[n] = frame;
        });
      }
      doc.destroy();
    }
  }
  for (let i = 0; i < jobs.length; i += 512) await Promise.all(jobs.slice(i, i + 512).map((job) => job()));
  const count = jobs.length;
  return { frames, plaintextBytes: plaintextBytes / count, envelopeBytes: envelopeBytes / count, sealMs: performance.now() - started };
}

export interface PacelineClientsOptions {
  relayUrl: string;
  circles: BenchCircle[];
  supply: Supply;
  onDelivery: OnDelivery;
}

/** Publishes every genesis, connects and subscribes every device, and waits until all are caught up (live). */
export async function connectPacelineClients(o: PacelineClientsOptions): Promise<LoadClients & { acks: () => number }> {
  await publishGenesis(o.relayUrl, o.circles);
  const devices: { circle: BenchCircle; device: DeviceKeys }[] = o.circles.flatMap((circle) => circle.devices.map((device) => ({ circle, device })));
  const senderOf = new Map<number, number>();
  devices.forEach(({ device }, i) => senderOf.set(pkTag(device.publicKey), i));
  if (senderOf.size !== devices.length) throw new Error('two benchmark devices share a key prefix; run again');
  const errors = new Map<string, number>();
  let acks = 0;
  let closing = false;
  const conns: Conn[] = [];

  const connectOne = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const { circle, device } = devices[i] as (typeof devices)[number];
      let live = false;
      const onFrame = (frame: Buffer) => {
        const tag = frame[1];
        if (tag === TAG.updates) {
          const more = eachUpdate(frame, (pk, devSeq) => {
            const sender = senderOf.get(pk);
            if (sender !== undefined) o.onDelivery(i, sender, devSeq - 1);
          });
          // The last catch-up page (empty on a fresh relay) has more: false: now live.
          if (!live && !more) {
            live = true;
            resolve();
          }
        } else if (tag === TAG.ack) acks++;
        else if (tag === TAG.error) {
          const m = decode(frame);
          const code = m.type === 'error' ? m.code : 'unknown';
          errors.set(code, (errors.get(code) ?? 0) + 1);
          if (!live) reject(new Error(`subscribe refused: ${code}`));
        }
      };
      connect(o.relayUrl, device, onFrame).then((conn) => {
        conns[i] = conn;
        // A close we did not ask for (too-slow, rate-limited, ...) is a refusal too.
        conn.ws.on('close', (code, reason) => {
          if (closing) return;
          const key = `closed ${reason.toString() || code}`;
          errors.set(key, (errors.get(key) ?? 0) + 1);
        });
        conn.send({ type: 'subscribe', docId: circle.journal, sinceSeq: 0, membershipVersion: 1 });
      }, reject);
    });

  for (let i = 0; i < devices.length; i += 50) await Promise.all(Array.from({ length: Math.min(50, devices.length - i) }, (_, k) => connectOne(i + k)));

  return {
    errors,
    acks: () => acks,
    send(client, n) {
      const frame = o.supply.frames[client]?.[n];
      if (!frame) return false;
      (conns[client] as Conn).sendRaw(frame);
      return true;
    },
    async close() {
      closing = true;
      await Promise.all(
        conns.map((c) => new Promise<void>((resolve) => {
          if (c.ws.readyState === c.ws.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close(1000);
          setTimeout(() => { c.ws.terminate(); resolve(); }, 2_000).unref();
        })),
      );
    },
  };
}
