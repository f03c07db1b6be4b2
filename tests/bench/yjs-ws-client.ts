// Minimal Yjs WebSocket clients for the fan-out benchmark, speaking the y-websocket wire
// format with y-protocols: on open, sync step 1 (our state vector); a relay's step 1 is
// answered with step 2; local changes go out as update messages. This is what the
// y-websocket client does, minus awareness and reconnection.
//
// Each message sets this client's key in a small Y.Map to { s: sender, n, t: send time }.
// To keep the load generator light, a receiver does not apply what it receives to a doc:
// it decodes the update (Y.decodeUpdate) and reads sender and send time from the value.
//
// The same clients drive the bare `ws` relay (handshake: false): only update messages, and
// the relay passes them to the other sockets of the room untouched.

import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { WebSocket } from '../../sync-server/ws';
import type { LoadClients, OnDelivery } from './fanout';

const MESSAGE_SYNC = 0;

interface Payload {
  s: number;
  n: number;
  t: number;
}

/** Reads the { s, n, t } value a benchmark client wrote, from an encoded update. */
export function readPayload(update: Uint8Array): Payload | null {
  for (const struct of Y.decodeUpdate(update).structs) {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentAny) {
      const value = struct.content.arr[0] as Payload | undefined;
      if (value && typeof value.s === 'number') return value;
    }
  }
  return null;
}

export interface YjsClientsOptions {
  /** Base URL; client i joins room floor(i / roomSize) at `${url}/room-<r>`. */
  url: string;
  clients: number;
  roomSize: number;
  /** Sync handshake with the relay (y-websocket-server); off for the bare relay. */
  handshake: boolean;
  onDelivery: OnDelivery;
}

export async function connectYjsClients(o: YjsClientsOptions): Promise<LoadClients & { updateBytes: () => number }> {
  const sockets: WebSocket[] = [];
  const docs: Y.Doc[] = [];
  let lastUpdate: Uint8Array | null = null;
  let updateBytes = 0;
  let updates = 0;
  let closing = false;
  const errors = new Map<string, number>();

  const connectOne = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const doc = new Y.Doc();
      // The update of a local change arrives synchronously inside send().
      doc.on('update', (update: Uint8Array) => {
        lastUpdate = update;
      });
      docs[i] = doc;
      const ws = new WebSocket(`${o.url}/room-${Math.floor(i / o.roomSize)}`, { perMessageDeflate: false });
      ws.binaryType = 'nodebuffer';
      sockets[i] = ws;
      ws.once('error', reject);
      ws.once('open', () => {
        ws.on('error', () => {});
        ws.on('close', (code) => {
          if (!closing) errors.set(`closed ${code}`, (errors.get(`closed ${code}`) ?? 0) + 1);
        });
        if (!o.handshake) return resolve();
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        syncProtocol.writeSyncStep1(encoder, doc);
        ws.send(encoding.toUint8Array(encoder));
      });
      ws.on('message', (data: Buffer) => {
        const decoder = decoding.createDecoder(data);
        if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return; // awareness: not used here
        switch (decoding.readVarUint(decoder)) {
          case syncProtocol.messageYjsSyncStep1: {
            const encoder = encoding.createEncoder();
            encoding.writeVarUint(encoder, MESSAGE_SYNC);
            syncProtocol.writeSyncStep2(encoder, doc, decoding.readVarUint8Array(decoder));
            ws.send(encoding.toUint8Array(encoder));
            return;
          }
          case syncProtocol.messageYjsSyncStep2:
            // The relay's answer to our step 1: synced.
            return resolve();
          case syncProtocol.messageYjsUpdate: {
            const payload = readPayload(decoding.readVarUint8Array(decoder));
            if (payload) o.onDelivery(i, payload.s, payload.n, payload.t);
            return;
          }
        }
      });
    });

  // A few at a time, so the relay's accept backlog never overflows.
  for (let i = 0; i < o.clients; i += 50) await Promise.all(Array.from({ length: Math.min(50, o.clients - i) }, (_, k) => connectOne(i + k)));

  return {
    errors,
    updateBytes: () => (updates ? updateBytes / updates : 0),
    send(client, n) {
      const doc = docs[client] as Y.Doc;
      doc.getMap('bench').set(`c${client}`, { s: client, n, t: performance.now() });
      const update = lastUpdate as Uint8Array;
      updateBytes += update.length;
      updates++;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      (sockets[client] as WebSocket).send(encoding.toUint8Array(encoder));
      return true;
    },
    async close() {
      closing = true;
      await Promise.all(
        sockets.map((ws) => new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000);
          setTimeout(() => { ws.terminate(); resolve(); }, 2_000).unref();
        })),
      );
      for (const doc of docs) doc.destroy();
    },
  };
}
