import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, FrameError } from '../../../src/sync/codec-bytes';
import { MESSAGE_TAGS, readMessage, writeMessage } from '../../../src/sync/codec';
import { writeEnvelope } from '../../../src/sync/protocol-envelope';
import { ERROR_CODES, LIMITS, type Message, type MessageType, PROTOCOL_VERSION } from '../../../src/sync/protocol';
import { arbMessage } from './arbitraries';
import { CIRCLE, JOURNAL, PLAN, deviceFromSeed } from './fixtures';

const SEED = 20261123;

/** True if reading threw nothing and, when accepted, the value re-encodes to the same bytes. */
function readsCanonically(bytes: Uint8Array): boolean {
  const read = readMessage(bytes);
  if (!read.ok) return typeof read.error.code === 'string' && typeof read.error.field === 'string';
  return Buffer.from(writeMessage(read.value)).equals(Buffer.from(bytes));
}

describe('codec-bytes', () => {
  it('round-trips varuints at the edges, minimally encoded', () => {
    for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      const bytes = new ByteWriter().varuint(v).finish();
      const r = new ByteReader(bytes);
      expect(r.varuint('v')).toBe(v);
      expect(r.remaining).toBe(0);
    }
    expect(new ByteWriter().varuint(300).finish()).toEqual(new Uint8Array([0xac, 0x02]));
  });

  it('refuses padded varuints, values past MAX_SAFE_INTEGER and unsafe writes', () => {
    expect(() => new ByteReader(new Uint8Array([0x80, 0x00])).varuint('v')).toThrow(FrameError);
    expect(() => new ByteReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])).varuint('v')).toThrow(FrameError);
    expect(() => new ByteReader(new Uint8Array([0x81])).varuint('v')).toThrow(FrameError);
    expect(() => new ByteWriter().varuint(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().varuint(2 ** 53)).toThrow(RangeError);
    expect(() => new ByteWriter().string('\ud800', 10)).toThrow(RangeError);
  });

  it('refuses invalid UTF-8 and booleans other than 0 and 1', () => {
    expect(() => new ByteReader(new Uint8Array([2, 0xc3, 0x28])).string('s', 10)).toThrow(FrameError);
    expect(() => new ByteReader(new Uint8Array([2])).bool('b')).toThrow(FrameError);
  });
});

describe('frames', () => {
  it('round-trips one example of every message type', async () => {
    const device = await deviceFromSeed(1);
    const env = { nonce: new Uint8Array(12).fill(1), ciphertext: new Uint8Array(20).fill(2), signature: new Uint8Array(64).fill(3) };
    const base = { circleId: CIRCLE, docId: JOURNAL, keyEpoch: 2, devicePk: device.publicKey };
    const update = { header: { type: 'update' as const, ...base, devSeq: 5 }, ...env };
    const snapshot = { header: { type: 'snapshot' as const, ...base, coversSeq: 40, prevSnapshotHash: new Uint8Array(32).fill(9) }, ...env };
    const body = { circleId: CIRCLE, version: 2, prevHash: new Uint8Array(32).fill(4), keyEpoch: 2, members: [{ devicePk: device.publicKey, role: 'patient' as const, delegate: false }], issuedAt: 1_700_000_000_000 };
    const examples: Record<MessageType, Message[]> = {
      hello: [{ type: 'hello', protocolVersions: [1, 2], devicePk: device.publicKey }],
      auth: [{ type: 'auth', signature: new Uint8Array(64).fill(5) }],
      subscribe: [
        { type: 'subscribe', docId: JOURNAL, sinceSeq: 0, membershipVersion: 0 },
        { type: 'subscribe', docId: JOURNAL, sinceSeq: 41, membershipVersion: 3, sinceHash: new Uint8Array(32).fill(9) },
      ],
      unsubscribe: [{ type: 'unsubscribe', docId: PLAN }],
      push: [{ type: 'push', envelope: update }],
      snapshot: [{ type: 'snapshot', envelope: snapshot }],
      'snapshot-confirm': [{ type: 'snapshot-confirm', docId: JOURNAL, coversSeq: 40, snapshotHash: new Uint8Array(32).fill(6) }],
      membership: [{ type: 'membership', chain: [{ body, signer: device.publicKey, signature: new Uint8Array(64) }] }],
      ephemeral: [{ type: 'ephemeral', envelope: { header: { type: 'ephemeral', ...base, sentAt: 1_700_000_000_000 }, ...env } }],
      welcome: [{ type: 'welcome', protocolVersion: 1, relayId: 'wss://relay.example', challenge: new Uint8Array(32).fill(7), serverTime: 1_700_000_000_000, limits: { maxFrameBytes: 1 << 20, maxSubscriptions: 64, pushesPerSecond: 20 } }],
      ack: [{ type: 'ack', docId: JOURNAL, devSeq: 5, seq: 812 }],
      'snapshot-ack': [{ type: 'snapshot-ack', docId: JOURNAL, coversSeq: 40, snapshotHash: new Uint8Array(32).fill(6) }],
      updates: [
        { type: 'updates', docId: JOURNAL, items: [{ seq: 7, envelope: update }, { seq: 8, envelope: update }], more: true, durableThrough: 8 },
        { type: 'updates', docId: JOURNAL, items: [{ seq: 9, envelope: update }], more: false, durableThrough: 7 },
        { type: 'updates', docId: JOURNAL, items: [], more: false, durableThrough: 0 },
      ],
      durable: [{ type: 'durable', docId: JOURNAL, seq: 9 }],
      'snapshot-offer': [{ type: 'snapshot-offer', docId: JOURNAL, envelope: snapshot }],
      error: [
        { type: 'error', code: 'seq-gap', message: 'expected devSeq 4', ref: { kind: 'push', docId: JOURNAL, devSeq: 6 } },
        { type: 'error', code: 'seq-gap', ref: { kind: 'push', docId: JOURNAL, devSeq: 6, expectedDevSeq: 4 } },
        { type: 'error', code: 'membership-rejected', ref: { kind: 'membership', circleId: CIRCLE, version: 3 } },
        { type: 'error', code: 'internal' },
      ],
    };
    for (const [type, messages] of Object.entries(examples)) {
      for (const msg of messages) {
        const frame = writeMessage(msg);
        expect(frame[0]).toBe(PROTOCOL_VERSION);
        expect(frame[1]).toBe(MESSAGE_TAGS[type as MessageType]);
        expect(readMessage(frame)).toEqual({ ok: true, value: msg });
      }
    }
  });

  it('a seq-conflict names the expected devSeq in version 2 only; version 1 keeps it for seq-gap', () => {
    const msg = { type: 'error', code: 'seq-conflict', ref: { kind: 'push', docId: JOURNAL, devSeq: 2, expectedDevSeq: 4 } } as const;
    expect(readMessage(writeMessage(msg, 2))).toEqual({ ok: true, value: msg });
    expect(() => writeMessage(msg, 1)).toThrow();
  });

  it('protocol 1 frames carry no sinceHash (a version-1 peer reads them as before); version 2 adds it', () => {
    const msg = { type: 'subscribe', docId: JOURNAL, sinceSeq: 41, membershipVersion: 3, sinceHash: new Uint8Array(32).fill(9) } as const;
    const v1 = writeMessage(msg, 1);
    expect(v1[0]).toBe(1);
    expect(readMessage(v1)).toEqual({ ok: true, value: { type: 'subscribe', docId: JOURNAL, sinceSeq: 41, membershipVersion: 3 } });
    const v2 = writeMessage(msg, 2);
    expect(v2.length).toBe(v1.length + 1 + 32);
    expect(readMessage(v2)).toEqual({ ok: true, value: msg });
    // A version-2 frame cut inside the hash is refused, not read short.
    expect(readMessage(v2.subarray(0, v2.length - 1)).ok).toBe(false);
  });

  it('protocol 3 adds the durable watermark to updates and the durable frame; older versions carry neither', () => {
    const update: Message = { type: 'updates', docId: JOURNAL, items: [], more: false, durableThrough: 12 };
    const v2 = writeMessage(update, 2);
    expect(readMessage(v2)).toEqual({ ok: true, value: { type: 'updates', docId: JOURNAL, items: [], more: false } });
    const v3 = writeMessage(update, 3);
    expect(v3.length).toBe(v2.length + 1);
    expect(readMessage(v3)).toEqual({ ok: true, value: update });
    // A version-3 updates frame without its watermark is cut short, and writing one is a bug.
    expect(readMessage(v3.subarray(0, v3.length - 1))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(() => writeMessage({ type: 'updates', docId: JOURNAL, items: [], more: false }, 3)).toThrow(RangeError);
    const durable = { type: 'durable', docId: JOURNAL, seq: 12 } as const;
    expect(() => writeMessage(durable, 2)).toThrow(RangeError);
    const frame = writeMessage(durable, 3);
    expect(readMessage(frame)).toEqual({ ok: true, value: durable });
    // The same bytes under version 2 name a type that version does not have.
    frame[0] = 2;
    expect(readMessage(frame)).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
    // seq 0 says nothing: refused.
    expect(readMessage(new Uint8Array([...writeMessage(durable, 3).subarray(0, -1), 0])).ok).toBe(false);
  });

  it('copies out of a Node Buffer, so a reused socket buffer cannot change a decoded message', () => {
    const frame = writeMessage({ type: 'snapshot-ack', docId: JOURNAL, coversSeq: 3, snapshotHash: new Uint8Array(32).fill(6) });
    const pooled = Buffer.from(frame);
    const read = readMessage(pooled);
    if (!read.ok || read.value.type !== 'snapshot-ack') throw new Error('unreadable');
    pooled.fill(0);
    expect(Buffer.isBuffer(read.value.snapshotHash)).toBe(false);
    expect(read.value.snapshotHash).toEqual(new Uint8Array(32).fill(6));
  });

  it('names what is wrong with a malformed frame', async () => {
    const device = await deviceFromSeed(1);
    const ack = writeMessage({ type: 'ack', docId: JOURNAL, devSeq: 1, seq: 1 });
    const cases: [Uint8Array, string, string][] = [
      [new Uint8Array(0), 'truncated', 'frame.version'],
      [new Uint8Array([9, 21]), 'unsupported-version', 'frame.version'],
      [new Uint8Array([1, 99]), 'unknown-type', 'frame.type'],
      [ack.slice(0, -1), 'truncated', 'ack.seq'],
      [new Uint8Array([...ack, 0]), 'trailing-bytes', 'end'],
      [new Uint8Array(LIMITS.maxFrameBytes + 1), 'too-large', 'frame'],
      [new Uint8Array([1, MESSAGE_TAGS.hello, 1, 1, ...new Uint8Array(32)]), 'invalid-field', 'hello.devicePk'],
      [new Uint8Array([1, MESSAGE_TAGS.hello, 2, 2, 1, ...device.publicKey]), 'invalid-field', 'hello.protocolVersions'],
      [new Uint8Array([1, MESSAGE_TAGS.unsubscribe, 3, 0x41, 0x2e, 0x42]), 'invalid-field', 'unsubscribe.docId'],
      [new Uint8Array([1, MESSAGE_TAGS.error, 0x7f, 0, 0]), 'invalid-field', 'error.code'],
    ];
    for (const [bytes, code, field] of cases) expect(readMessage(bytes)).toEqual({ ok: false, error: { code, field } });
  });

  it('carries the expected devSeq only on seq-gap (and, from version 2, seq-conflict), in one encoding', () => {
    const gap = writeMessage({ type: 'error', code: 'seq-gap', ref: { kind: 'push', docId: JOURNAL, devSeq: 9, expectedDevSeq: 3 } });
    const plain = writeMessage({ type: 'error', code: 'seq-gap', ref: { kind: 'push', docId: JOURNAL, devSeq: 9 } });
    // Same layout as the plain push ref, with tag 4 and the expected devSeq after it.
    expect([...gap.slice(0, 4), gap[4], ...gap.slice(5, -1)]).toEqual([...plain.slice(0, 4), 4, ...plain.slice(5)]);
    expect(gap.at(-1)).toBe(3);
    const otherCode = gap.slice();
    otherCode[2] = ERROR_CODES['internal'];
    expect(readMessage(otherCode)).toEqual({ ok: false, error: { code: 'invalid-field', field: 'error.ref' } });
    expect(() => writeMessage({ type: 'error', code: 'internal', ref: { kind: 'push', docId: JOURNAL, devSeq: 9, expectedDevSeq: 3 } })).toThrow(RangeError);
    expect(readMessage(gap.slice(0, -1))).toMatchObject({ ok: false, error: { code: 'truncated', field: 'error.ref.expectedDevSeq' } });
  });

  it('refuses a page with a gap, an envelope of another document, or an update where a snapshot belongs', async () => {
    const device = await deviceFromSeed(1);
    const env = { nonce: new Uint8Array(12), ciphertext: new Uint8Array(16), signature: new Uint8Array(64) };
    const update = { header: { type: 'update' as const, circleId: CIRCLE, docId: JOURNAL, keyEpoch: 0, devicePk: device.publicKey, devSeq: 1 }, ...env };
    const good = writeMessage({ type: 'updates', docId: JOURNAL, items: [{ seq: 1, envelope: update }, { seq: 2, envelope: update }], more: false, durableThrough: 2 });
    // Rewrite the second item's seq (1 byte) from 2 to 3: a gap. Layout: version, tag,
    // docId (length + text), count, seq 1, envelope 1, seq 2, envelope 2, more.
    const second = 2 + 1 + JOURNAL.length + 1 + 1 + writeEnvelope(update).length;
    expect(good[second]).toBe(2);
    const gap = good.slice();
    gap[second] = 3;
    expect(readMessage(gap)).toMatchObject({ ok: false, error: { code: 'invalid-field', field: 'updates.seq' } });
    expect(() => writeMessage({ type: 'updates', docId: PLAN, items: [{ seq: 1, envelope: update }], more: false, durableThrough: 1 })).toThrow(RangeError);
    expect(() => writeMessage({ type: 'snapshot-offer', docId: JOURNAL, envelope: update })).toThrow(RangeError);
  });

  it('property: arbitrary bytes never throw and are either refused or canonical', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), readsCanonically), { seed: SEED, numRuns: 5000 });
    // Random bytes behind a valid version and tag reach the body decoders.
    const tags = Object.values(MESSAGE_TAGS);
    fc.assert(
      fc.property(fc.constantFrom(...tags), fc.uint8Array({ maxLength: 300 }), (tag, body) => readsCanonically(new Uint8Array([1, tag, ...body]))),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('property: valid messages round-trip', () => {
    fc.assert(
      fc.property(arbMessage, (msg) => {
        expect(readMessage(writeMessage(msg))).toEqual({ ok: true, value: msg });
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('property: mutated valid frames never throw and are either refused or canonical', () => {
    fc.assert(
      fc.property(arbMessage, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (msg, edits, cut) => {
        const frame = writeMessage(msg).slice();
        for (const [at, value] of edits) frame[at % frame.length] = value;
        return readsCanonically(frame) && readsCanonically(frame.slice(0, cut % (frame.length + 1)));
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });
});
