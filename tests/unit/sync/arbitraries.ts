// fast-check generators of valid protocol values (messages, envelopes, membership lists).
import fc from 'fast-check';
import type { Bytes } from '../../../src/sync/codec-bytes';
import { compareBytes } from '../../../src/sync/codec-bytes';
import { DOC_CLASSES, ERROR_CODES, type ErrorCode, type ErrorRef, type Message, ROLES, docIdOf } from '../../../src/sync/protocol';
import type { EnvelopeHeader, EnvelopeType, SealedEnvelope } from '../../../src/sync/protocol-envelope';
import type { Member, SignedMembership } from '../../../src/sync/protocol-membership';
import { arbBytes, arbCircleId, arbCount, arbPublicKey, arbSeq } from './fixtures';

/** Well-formed text (any script) within the protocol's text limit. */
const arbText = fc.string({ maxLength: 60, unit: 'grapheme' }).filter((t) => new TextEncoder().encode(t).length <= 512);

export const arbDocId = fc.tuple(arbCircleId, fc.constantFrom(...DOC_CLASSES)).map(([c, k]) => docIdOf(c, k));

function arbHeader(type: EnvelopeType, circleId?: string, docClass?: (typeof DOC_CLASSES)[number]): fc.Arbitrary<EnvelopeHeader> {
  const base = fc.record({
    circleId: circleId ? fc.constant(circleId) : arbCircleId,
    docClass: docClass ? fc.constant(docClass) : fc.constantFrom(...DOC_CLASSES),
    keyEpoch: arbCount,
    devicePk: arbPublicKey,
  });
  return fc.tuple(base, arbSeq, fc.option(arbBytes(32), { nil: null }), arbCount).map(([b, n, prev, t]): EnvelopeHeader => {
    const common = { circleId: b.circleId, docId: docIdOf(b.circleId, b.docClass), keyEpoch: b.keyEpoch, devicePk: b.devicePk };
    if (type === 'update') return { type, ...common, devSeq: n };
    if (type === 'snapshot') return { type, ...common, coversSeq: n, prevSnapshotHash: prev };
    return { type, ...common, sentAt: t };
  });
}

export function arbEnvelope(type: EnvelopeType, circleId?: string, docClass?: (typeof DOC_CLASSES)[number]): fc.Arbitrary<SealedEnvelope> {
  return fc.record({
    header: arbHeader(type, circleId, docClass),
    nonce: arbBytes(12),
    ciphertext: fc.uint8Array({ minLength: 16, maxLength: 80 }) as fc.Arbitrary<Bytes>,
    signature: arbBytes(64),
  });
}

const arbMembers = fc
  .uniqueArray(fc.record({ devicePk: arbPublicKey, role: fc.constantFrom(...ROLES), delegate: fc.boolean() }), {
    maxLength: 6,
    selector: (m) => m.devicePk.join(','),
  })
  .map((ms): Member[] => ms.map((m) => ({ ...m, delegate: m.delegate && m.role === 'clinician' })).sort((a, b) => compareBytes(a.devicePk, b.devicePk)));

export const arbChain: fc.Arbitrary<SignedMembership[]> = fc
  .record({ circleId: arbCircleId, first: fc.integer({ min: 1, max: 1000 }), length: fc.integer({ min: 1, max: 3 }), keyEpoch: arbCount, issuedAt: arbCount })
  .chain((c) =>
    fc.array(fc.tuple(arbMembers, arbBytes(32), arbPublicKey, arbBytes(64)), { minLength: c.length, maxLength: c.length }).map((links) =>
      links.map(([members, prevHash, signer, signature], i) => {
        const version = c.first + i;
        return { body: { circleId: c.circleId, version, prevHash: version === 1 ? null : prevHash, keyEpoch: c.keyEpoch, members, issuedAt: c.issuedAt }, signer, signature };
      }),
    ),
  );

const arbRef: fc.Arbitrary<ErrorRef> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), docId: arbDocId, devSeq: arbSeq }),
  fc.record({ kind: fc.constant('doc' as const), docId: arbDocId }),
  fc.record({ kind: fc.constant('membership' as const), circleId: arbCircleId, version: arbSeq }),
);

const arbUpdates = fc.tuple(arbCircleId, fc.constantFrom(...DOC_CLASSES), arbSeq, fc.integer({ min: 0, max: 4 }), fc.boolean(), arbCount).chain(([circleId, docClass, first, n, more, durableThrough]) =>
  fc.array(arbEnvelope('update', circleId, docClass), { minLength: n, maxLength: n }).map(
    (envs): Message => ({
      type: 'updates',
      docId: docIdOf(circleId, docClass),
      items: envs.map((envelope, i) => ({ seq: Math.min(first, Number.MAX_SAFE_INTEGER - 10) + i, envelope })),
      more: more && n > 0,
      durableThrough,
    }),
  ),
);

/** Any valid message of the protocol. */
export const arbMessage: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('hello' as const), protocolVersions: fc.uniqueArray(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 16 }).map((v) => v.sort((a, b) => a - b)), devicePk: arbPublicKey }),
  fc.record({ type: fc.constant('auth' as const), signature: arbBytes(64) }),
  fc.record({ type: fc.constant('subscribe' as const), docId: arbDocId, sinceSeq: arbCount, membershipVersion: arbCount }),
  fc.record({ type: fc.constant('unsubscribe' as const), docId: arbDocId }),
  fc.record({ type: fc.constant('push' as const), envelope: arbEnvelope('update') }),
  fc.record({ type: fc.constant('snapshot' as const), envelope: arbEnvelope('snapshot') }),
  fc.record({ type: fc.constantFrom('snapshot-confirm' as const, 'snapshot-ack' as const), docId: arbDocId, coversSeq: arbSeq, snapshotHash: arbBytes(32) }),
  fc.record({ type: fc.constant('membership' as const), chain: arbChain }),
  fc.record({ type: fc.constant('ephemeral' as const), envelope: arbEnvelope('ephemeral') }),
  fc.record({
    type: fc.constant('welcome' as const),
    protocolVersion: fc.constant(1),
    relayId: arbText.filter((t) => t.length > 0),
    challenge: arbBytes(32),
    serverTime: arbCount,
    limits: fc.record({ maxFrameBytes: fc.integer({ min: 1024, max: 4 * 1024 * 1024 }), maxSubscriptions: fc.integer({ min: 1, max: 1e6 }), pushesPerSecond: fc.integer({ min: 1, max: 1e6 }) }),
  }),
  fc.record({ type: fc.constant('ack' as const), docId: arbDocId, devSeq: arbSeq, seq: arbSeq }),
  fc.record({ type: fc.constant('durable' as const), docId: arbDocId, seq: arbSeq }),
  arbUpdates,
  fc.tuple(arbCircleId, fc.constantFrom(...DOC_CLASSES)).chain(([c, k]) =>
    arbEnvelope('snapshot', c, k).map((envelope): Message => ({ type: 'snapshot-offer', docId: docIdOf(c, k), envelope })),
  ),
  fc.record(
    { type: fc.constant('error' as const), code: fc.constantFrom(...(Object.keys(ERROR_CODES) as ErrorCode[])), message: arbText, ref: arbRef },
    { requiredKeys: ['type', 'code'] },
  ),
  // Only a seq-gap refusal names the devSeq the relay expects.
  fc.record(
    { type: fc.constant('error' as const), code: fc.constant('seq-gap' as const), message: arbText, ref: fc.record({ kind: fc.constant('push' as const), docId: arbDocId, devSeq: arbSeq, expectedDevSeq: arbSeq }) },
    { requiredKeys: ['type', 'code', 'ref'] },
  ),
);
