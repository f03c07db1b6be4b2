// The Paceline relay protocol as the benchmarks speak it: care circles of N patient devices
// (genesis signed by an owner key), the handshake (hello, welcome, auth), publishing a
// genesis, and a lean reader for the frames a load client receives by the ten thousand
// (updates, acks) that reads only what latency needs: the header's device key and devSeq.
// Everything else goes through the shared codec (readMessage / writeMessage).

import { WebSocket } from '../../sync-server/ws';
import { MESSAGE_TAGS, readMessage, writeMessage } from '../../src/sync/codec';
import { type DeviceKeys, type DocKey, generateDeviceKeys } from '../../src/sync/crypto';
import { type ClientMessage, type DocId, PROTOCOL_VERSION, type RelayMessage, docIdOf } from '../../src/sync/protocol';
import { answerChallenge } from '../../src/sync/protocol-auth';
import { type SignedMembership, signMembership } from '../../src/sync/protocol-membership';
import { Rng, seededUlid } from '../helpers/fixtures';
import { docKey } from '../unit/sync/fixtures';

export const TAG = MESSAGE_TAGS;

export interface BenchCircle {
  circleId: string;
  owner: DeviceKeys;
  devices: DeviceKeys[];
  genesis: SignedMembership;
  journal: DocId;
  key: DocKey;
}

/** `count` circles of `size` patient devices each (fresh random keys), genesis signed by each circle's owner. */
export async function makeCircles(count: number, size: number, seed = 1): Promise<BenchCircle[]> {
  const rng = new Rng(seed);
  const circles: BenchCircle[] = [];
  for (let c = 0; c < count; c++) {
    const circleId = seededUlid(rng, Date.UTC(2026, 0, 1) + c);
    const [owner, ...devices] = await Promise.all(Array.from({ length: size + 1 }, () => generateDeviceKeys()));
    const genesis = await signMembership(
      { circleId, version: 1, prevHash: null, keyEpoch: 0, issuedAt: 1_767_225_600_000, members: devices.map((d) => ({ devicePk: d.publicKey, role: 'patient' as const, delegate: false })) },
      owner as DeviceKeys,
    );
    const journal = docIdOf(circleId, 'journal');
    circles.push({ circleId, owner: owner as DeviceKeys, devices, genesis, journal, key: await docKey(journal, 0) });
  }
  return circles;
}

/** An authenticated connection: frames go out as raw bytes, come in through onFrame. */
export interface Conn {
  ws: WebSocket;
  version: number;
  send(msg: ClientMessage): void;
  sendRaw(frame: Uint8Array): void;
}

/**
 * Opens a socket, says hello, answers the challenge and returns at once (auth pipelined, as
 * PROTOCOL.md allows). Every frame after welcome goes to onFrame, undecoded.
 */
export function connect(url: string, device: DeviceKeys, onFrame: (frame: Buffer) => void): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let conn: Conn | null = null;
    ws.once('error', reject);
    ws.once('open', () => ws.send(writeMessage({ type: 'hello', protocolVersions: [PROTOCOL_VERSION], devicePk: device.publicKey }, 1)));
    ws.on('message', (data: Buffer) => {
      if (conn) return onFrame(data);
      const read = readMessage(data);
      if (!read.ok || read.value.type !== 'welcome') return reject(new Error(`expected welcome, got ${read.ok ? read.value.type : read.error.code}`));
      const welcome = read.value;
      void answerChallenge(device, welcome).then((signature) => {
        const version = welcome.protocolVersion;
        const c: Conn = {
          ws,
          version,
          send: (msg) => ws.send(writeMessage(msg, version)),
          sendRaw: (frame) => ws.send(frame),
        };
        c.send({ type: 'auth', signature });
        conn = c;
        ws.off('error', reject);
        ws.on('error', () => {});
        resolve(c);
      }, reject);
    });
  });
}

/** Decodes a frame with the shared codec (for the rare frames: membership, errors). */
export function decode(frame: Uint8Array): RelayMessage {
  const read = readMessage(frame);
  if (!read.ok) throw new Error(`relay frame does not decode: ${read.error.code} at ${read.error.field}`);
  return read.value as RelayMessage;
}

/** Publishes each circle's genesis over one connection per circle (its first device), 50 at a time, and waits for every echo. */
export async function publishGenesis(url: string, circles: BenchCircle[]): Promise<void> {
  const publishOne = (circle: BenchCircle) =>
    new Promise<void>((resolve, reject) => {
      let conn: Conn | null = null;
      void connect(url, circle.devices[0] as DeviceKeys, (frame) => {
        const m = decode(frame);
        if (m.type === 'membership') {
          conn?.ws.close(1000);
          resolve();
        } else if (m.type === 'error') reject(new Error(`genesis refused: ${m.code} ${m.message ?? ''}`));
      }).then((c) => {
        conn = c;
        c.send({ type: 'membership', chain: [circle.genesis] });
      }, reject);
    });
  for (let i = 0; i < circles.length; i += 50) await Promise.all(circles.slice(i, i + 50).map(publishOne));
}

// ---------------------------------------------------------------------------------------
// Lean reading of updates frames (layout: PROTOCOL.md, "Envelope" and "Messages")

/** A cursor over a frame with just the reads the lean parser needs (the codec checked the layout). */
class Cursor {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  varuint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.b[this.pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }
  skipBytes(): void {
    const n = this.varuint();
    this.pos += n;
  }
}

/** The first four bytes of a device key: enough to tell the benchmark's devices apart (checked at setup). */
export const pkTag = (b: Uint8Array, at = 0): number => ((b[at] as number) * 0x1000000 + ((b[at + 1] as number) << 16) + ((b[at + 2] as number) << 8) + (b[at + 3] as number)) >>> 0;

/**
 * Calls item(pkTag, devSeq, seq) for each update in an `updates` frame, without decoding the
 * envelopes; returns the frame's `more` flag.
 */
export function eachUpdate(frame: Uint8Array, item: (pk: number, devSeq: number, seq: number) => void): boolean {
  const c = new Cursor(frame);
  c.pos = 2;
  c.skipBytes(); // docId
  const count = c.varuint();
  for (let i = 0; i < count; i++) {
    const seq = c.varuint();
    const headerLength = c.varuint();
    const headerStart = c.pos;
    c.pos += 2; // format, type
    c.skipBytes(); // circleId
    c.pos += 1; // docClass
    c.varuint(); // keyEpoch
    const pk = pkTag(frame, c.pos);
    c.pos += 32;
    const devSeq = c.varuint();
    c.pos = headerStart + headerLength + 12; // nonce
    c.skipBytes(); // ciphertext
    c.pos += 64; // signature
    item(pk, devSeq, seq);
  }
  // Then more (a bool) and, from protocol 3, durableThrough.
  return frame[c.pos] === 1;
}
