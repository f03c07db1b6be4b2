// Catch-up after 30 offline days. A circle with a phone and a tablet (both 'patient'). The
// tablet holds the journal up to the practice plan (seq 1) and goes offline. The phone
// then records 30 days: 30 diary entries, 60 practice logs and 2 PHQ-9, each its own Yjs
// update in the app's journal layout (one Y.Map per record kind, record id -> JSON), each
// sealed and pushed separately. Then the tablet opens a FRESH connection and subscribes
// from its old cursor. Measured on the tablet: frames and round trips it needed, bytes on
// the wire both ways (WebSocket payloads, and TCP bytes including the HTTP upgrade), and
// the time until everything is decrypted (openEnvelope) and applied (Y.applyUpdate).

import * as Y from 'yjs';
import type { Socket } from 'node:net';
import { WebSocket } from '../../sync-server/ws';
import { readMessage, writeMessage } from '../../src/sync/codec';
import type { DeviceKeys } from '../../src/sync/crypto';
import type { JournalRecord } from '../../src/domain/records';
import { PROTOCOL_VERSION, type RelayMessage } from '../../src/sync/protocol';
import { answerChallenge } from '../../src/sync/protocol-auth';
import { type UpdateHeader, openEnvelope, sealEnvelope } from '../../src/sync/protocol-envelope';
import { kindMap, migrateJournalDoc, toPlain } from '../../src/storage/journal-doc';
import { fiveYears } from '../helpers/fixtures';
import { type BenchCircle, type Conn, TAG, connect, makeCircles, publishGenesis } from './paceline-wire';
import type { RelayProcess } from './relay-process';

export interface CatchupResult {
  records: { diary: number; practice: number; phq9: number; total: number };
  /** UTF-8 bytes of JSON.stringify of each of those records, summed. */
  recordJsonBytes: number;
  /** The Yjs updates (plaintext) and the sealed envelopes, summed. */
  yjsUpdateBytes: number;
  envelopeBytes: number;
  framesClientToRelay: number;
  framesRelayToClient: number;
  updatesPages: number;
  /** Waits for the relay after the WebSocket upgrade: hello -> welcome, then auth + subscribe -> streamed pages. */
  roundTripsAfterUpgrade: number;
  payloadBytesUp: number;
  payloadBytesDown: number;
  tcpBytesUp: number;
  tcpBytesDown: number;
  welcomeMs: number;
  lastPageMs: number;
  appliedMs: number;
  /** Wall time spent in openEnvelope + Y.applyUpdate, summed. */
  decryptApplyMs: number;
  recordsInTabletDoc: number;
}

/** The last 30 days of a plausible five-year journal: 30 diary entries, 60 practice logs, the last 2 PHQ-9. */
function thirtyDays(): { plan: JournalRecord[]; month: JournalRecord[] } {
  const backup = fiveYears(42, new Date('2026-06-30T20:00:00Z'));
  const of = <K extends JournalRecord['kind']>(kind: K) => backup.records.filter((r): r is Extract<JournalRecord, { kind: K }> => r.kind === kind);
  const phq9 = of('assessment').filter((r) => r.instrument === 'phq9').slice(-2);
  const month = [...of('diary').slice(-30), ...of('practice').slice(-60), ...phq9].sort((a, b) => a.at.localeCompare(b.at));
  return { plan: of('practice-item'), month };
}

async function seal(circle: BenchCircle, device: DeviceKeys, devSeq: number, update: Uint8Array) {
  const header: UpdateHeader = { type: 'update', circleId: circle.circleId, docId: circle.journal, keyEpoch: 0, devicePk: device.publicKey, devSeq };
  const sealed = await sealEnvelope(device, circle.key, header, update);
  if (!sealed.ok) throw new Error(`seal failed: ${sealed.error.code}`);
  return sealed.value;
}

export async function runCatchup(relay: RelayProcess): Promise<CatchupResult> {
  const url = `ws://127.0.0.1:${relay.port}/relay`;
  const [circle] = await makeCircles(1, 2, 7);
  if (!circle) throw new Error('no circle');
  const [phone, tablet] = circle.devices as [DeviceKeys, DeviceKeys];
  await publishGenesis(url, [circle]);
  const { plan, month } = thirtyDays();

  // The phone's journal: schema + practice plan (seq 1, which the tablet has), then one update per record.
  const phoneDoc = new Y.Doc();
  const updates: Uint8Array[] = [];
  phoneDoc.on('update', (u: Uint8Array) => updates.push(u));
  phoneDoc.transact(() => {
    migrateJournalDoc(phoneDoc);
    for (const item of plan) kindMap(phoneDoc, item.kind).set(item.id, toPlain(item));
  });
  for (const record of month) phoneDoc.transact(() => kindMap(phoneDoc, record.kind).set(record.id, toPlain(record)));
  const envelopes = await Promise.all(updates.map((u, i) => seal(circle, phone, i + 1, u)));

  const tabletDoc = new Y.Doc();
  Y.applyUpdate(tabletDoc, updates[0] as Uint8Array);
  const cursor = 1;

  // Push everything as separate pushes (pipelined) and wait for every durable ack.
  let phoneConn: Conn | null = null;
  await new Promise<void>((resolve, reject) => {
    let acks = 0;
    const timer = setTimeout(() => reject(new Error(`only ${acks} acks`)), 30_000);
    void connect(url, phone, (frame) => {
      if (frame[1] === TAG.ack && ++acks === envelopes.length) {
        clearTimeout(timer);
        resolve();
      }
      if (frame[1] === TAG.error) reject(new Error(`push refused: ${JSON.stringify(readMessage(frame))}`));
    }).then((conn) => {
      phoneConn = conn;
      for (const envelope of envelopes) conn.send({ type: 'push', envelope });
    }, reject);
  });
  (phoneConn as Conn | null)?.ws.close(1000);

  // The tablet, a month later, on a fresh connection.
  const r: CatchupResult = {
    records: { diary: month.filter((x) => x.kind === 'diary').length, practice: month.filter((x) => x.kind === 'practice').length, phq9: month.filter((x) => x.kind === 'assessment').length, total: month.length },
    recordJsonBytes: month.reduce((sum, x) => sum + Buffer.byteLength(JSON.stringify(x)), 0),
    yjsUpdateBytes: updates.slice(1).reduce((sum, u) => sum + u.length, 0),
    envelopeBytes: envelopes.slice(1).reduce((sum, e) => sum + writeMessage({ type: 'push', envelope: e }).length - 2, 0),
    framesClientToRelay: 0, framesRelayToClient: 0, updatesPages: 0, roundTripsAfterUpgrade: 0,
    payloadBytesUp: 0, payloadBytesDown: 0, tcpBytesUp: 0, tcpBytesDown: 0,
    welcomeMs: 0, lastPageMs: 0, appliedMs: 0, decryptApplyMs: 0, recordsInTabletDoc: 0,
  };
  const t0 = performance.now();
  let socket: Socket | null = null;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('upgrade', (res) => (socket = res.socket as Socket));
  const send = (frame: Uint8Array) => {
    r.framesClientToRelay++;
    r.payloadBytesUp += frame.length;
    ws.send(frame);
  };
  await new Promise<void>((resolve, reject) => {
    let version = PROTOCOL_VERSION;
    let applying = Promise.resolve();
    ws.once('error', reject);
    ws.once('open', () => {
      r.roundTripsAfterUpgrade++; // hello, then wait for welcome
      send(writeMessage({ type: 'hello', protocolVersions: [PROTOCOL_VERSION], devicePk: tablet.publicKey }, 1));
    });
    ws.on('message', (data: Buffer) => {
      r.framesRelayToClient++;
      r.payloadBytesDown += data.length;
      const read = readMessage(new Uint8Array(data));
      if (!read.ok) return reject(new Error(`bad frame ${read.error.code}`));
      const m = read.value as RelayMessage;
      if (m.type === 'welcome') {
        r.welcomeMs = performance.now() - t0;
        version = m.protocolVersion;
        void answerChallenge(tablet, m).then((signature) => {
          // auth and subscribe pipelined, then the relay streams every page unasked.
          r.roundTripsAfterUpgrade++;
          send(writeMessage({ type: 'auth', signature }, version));
          send(writeMessage({ type: 'subscribe', docId: circle.journal, sinceSeq: cursor, membershipVersion: 1 }, version));
        });
      } else if (m.type === 'updates') {
        r.updatesPages++;
        // Applied in seq order, one page after another, as the client does.
        applying = applying.then(async () => {
          for (const item of m.items) {
            const started = performance.now();
            const plain = await openEnvelope(item.envelope, circle.key);
            if (!plain.ok) throw new Error(`open failed: ${plain.error.code}`);
            Y.applyUpdate(tabletDoc, plain.value);
            r.decryptApplyMs += performance.now() - started;
          }
        });
        if (!m.more) {
          r.lastPageMs = performance.now() - t0;
          void applying.then(() => {
            r.appliedMs = performance.now() - t0;
            resolve();
          }, reject);
        }
      } else if (m.type === 'error') reject(new Error(`refused: ${m.code}`));
    });
  });
  const s = socket as Socket | null;
  r.tcpBytesUp = s?.bytesWritten ?? 0;
  r.tcpBytesDown = s?.bytesRead ?? 0;
  ws.close(1000);
  r.recordsInTabletDoc = (['diary', 'practice', 'assessment'] as const).reduce((sum, kind) => sum + kindMap(tabletDoc, kind).size, 0);
  if (r.recordsInTabletDoc !== month.length) throw new Error(`tablet has ${r.recordsInTabletDoc} of ${month.length} records`);
  return r;
}
