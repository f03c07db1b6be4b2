// Frames the relay builds from stored bytes are exactly what the codec writes.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/sync/codec-bytes';
import { writeMessage } from '../../../src/sync/codec';
import { PROTOCOL_VERSION } from '../../../src/sync/protocol';
import { envelopeHash, envelopeSignedBytes, writeEnvelope } from '../../../src/sync/protocol-envelope';
import { writeSignedMembership } from '../../../src/sync/protocol-membership';
import { envelopeHashOf, signedBytesOf } from '../../../sync-server/envelope-bytes';
import { wsBinaryFrame } from '../../../sync-server/ws-frame';
import { ackFrame, durableFrame, membershipFrames, pageItems, snapshotOfferFrame, updatesFrame } from '../../../sync-server/frames';
import { filler, makeCircle, nextMembership, sealEphemeral, sealSnapshot, sealUpdate } from '../../helpers/relay-client';

describe('relay frames from stored bytes', () => {
  it('builds updates and snapshot-offer frames identical to writeMessage', async () => {
    const circle = await makeCircle();
    const journal = circle.doc('journal');
    const envs = await Promise.all([1, 2, 3].map((n) => sealUpdate(circle.phone, journal, n, filler(50 * n))));
    const items = envs.map((envelope, i) => ({ seq: 40 + i, envelope }));
    const stored = items.map((i) => ({ seq: i.seq, envelope: writeEnvelope(i.envelope) }));
    for (const version of [1, 2, 3]) {
      for (const more of [true, false]) {
        // Versions 1 and 2 carry no watermark: writeMessage leaves it out there too.
        expect(updatesFrame(version, journal, stored, more, 41)).toEqual(writeMessage({ type: 'updates', docId: journal, items, more, durableThrough: 41 }, version));
      }
    }
    expect(updatesFrame(PROTOCOL_VERSION, journal, [], false, 0)).toEqual(writeMessage({ type: 'updates', docId: journal, items: [], more: false, durableThrough: 0 }));
    for (const seq of [1, 128, 2 ** 40]) expect(durableFrame(PROTOCOL_VERSION, journal, seq)).toEqual(writeMessage({ type: 'durable', docId: journal, seq }));
    const snap = await sealSnapshot(circle.phone, journal, 9, null, utf8('state'));
    expect(snapshotOfferFrame(PROTOCOL_VERSION, journal, writeEnvelope(snap))).toEqual(writeMessage({ type: 'snapshot-offer', docId: journal, envelope: snap }));
  });

  it('splits membership links into frames of at most 64', async () => {
    const circle = await makeCircle();
    const chain = [circle.genesis];
    for (let i = 0; i < 69; i++) chain.push(await nextMembership(chain.at(-1)!, {}, circle.owner));
    const frames = membershipFrames(PROTOCOL_VERSION, chain.map(writeSignedMembership));
    expect(frames).toEqual([writeMessage({ type: 'membership', chain: chain.slice(0, 64) }), writeMessage({ type: 'membership', chain: chain.slice(64) })]);
  });

  it('pages items before the byte bound, with at least one item per page', () => {
    const item = (seq: number, size: number) => ({ seq, envelope: new Uint8Array(size) });
    const pages = pageItems([item(1, 60), item(2, 50), item(3, 200), item(4, 10)], 100);
    expect(pages.map((p) => p.map((i) => i.seq))).toEqual([[1], [2], [3], [4]]);
    expect(pageItems([item(1, 30), item(2, 30), item(3, 30), item(4, 30)], 100).map((p) => p.length)).toEqual([3, 1]);
    expect(pageItems([], 100)).toEqual([]);
  });

  it('builds ack frames identical to writeMessage', async () => {
    const docId = (await makeCircle()).doc('journal');
    for (const [devSeq, seq] of [[1, 1], [127, 128], [300, 2 ** 40]] as const) {
      expect(ackFrame(PROTOCOL_VERSION, docId, devSeq, seq)).toEqual(writeMessage({ type: 'ack', docId, devSeq, seq }));
    }
  });

  it('takes the signed bytes and the envelope hash straight from envelope bytes', async () => {
    const circle = await makeCircle();
    const journal = circle.doc('journal');
    const envelopes = [
      await sealUpdate(circle.phone, journal, 1, filler(10)),
      await sealUpdate(circle.phone, journal, 300, filler(200), 3),
      await sealSnapshot(circle.phone, journal, 9, null, filler(70_000)),
      await sealSnapshot(circle.phone, journal, 12, new Uint8Array(32).fill(5), filler(5)),
      await sealEphemeral(circle.phone, journal, filler(16)),
    ];
    for (const env of envelopes) {
      const signed = signedBytesOf(writeEnvelope(env));
      expect(signed).toEqual(envelopeSignedBytes(env));
      expect(envelopeHashOf(signed!)).toEqual(await envelopeHash(env));
    }
    expect(signedBytesOf(writeEnvelope(envelopes[0]!).slice(0, -1))).toBeNull();
  });

  it('frames a payload for WebSocket exactly as ws does for an unmasked binary message', () => {
    const require = createRequire(import.meta.url);
    const { Sender } = require(join(dirname(require.resolve('ws/package.json')), 'index.js')) as { Sender: { frame(data: Buffer, o: object): Buffer[] } };
    for (const n of [0, 1, 125, 126, 65_535, 65_536, 300_000]) {
      const payload = Buffer.from(filler(n, n));
      const theirs = Buffer.concat(Sender.frame(payload, { fin: true, opcode: 2, mask: false, readOnly: false, rsv1: false }));
      expect(wsBinaryFrame(payload).equals(theirs)).toBe(true);
    }
  });
});
