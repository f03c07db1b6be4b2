// Binary frames for the relay protocol. Every frame is
//   u8 protocol version | u8 message tag | body
// and bodies are canonical (codec-bytes.ts), so a frame that decodes re-encodes to the same
// bytes. readMessage validates every field and never throws on malformed input: it returns
// a named CodecError, and the relay answers with the close reason 'bad-frame'.
// The hello layout is frozen across versions so that any two versions can negotiate.

import { type Bytes, ByteReader, ByteWriter, type CodecError, FrameError, check, decodeAll } from './codec-bytes';
import { isWeakPublicKey } from './crypto';
import {
  CHALLENGE_BYTES,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  ERROR_CODES,
  type DocId,
  type ErrorCode,
  type ErrorRef,
  LIMITS,
  type Message,
  type MessageType,
  PROTOCOL_VERSION,
  type Result,
  SHA256_BYTES,
  SUPPORTED_PROTOCOL_VERSIONS,
  type UpdateItem,
  assertNever,
  errorCodeOf,
  isCircleId,
  isDocId,
} from './protocol';
import { type EnvelopeType, type SealedEnvelope, decodeEnvelope, encodeEnvelope } from './protocol-envelope';
import { type SignedMembership, decodeSignedMembership, encodeSignedMembership } from './protocol-membership';

export type { CodecError } from './codec-bytes';

/** Wire tags; numbers never change meaning within a protocol version. */
export const MESSAGE_TAGS: Readonly<Record<MessageType, number>> = {
  hello: 1,
  auth: 2,
  subscribe: 3,
  unsubscribe: 4,
  push: 5,
  snapshot: 6,
  'snapshot-confirm': 7,
  membership: 8,
  ephemeral: 9,
  welcome: 20,
  ack: 21,
  'snapshot-ack': 22,
  updates: 23,
  'snapshot-offer': 24,
  error: 25,
  durable: 26,
};
/** Message types a version must not carry: introduced later. */
const SINCE_VERSION: Partial<Record<MessageType, number>> = { durable: 3 };
const TYPE_OF_TAG = new Map<number, MessageType>(Object.entries(MESSAGE_TAGS).map(([type, tag]) => [tag, type as MessageType]));

const MAX_DOC_ID_BYTES = 40;
// 4: a push ref that also names the devSeq the relay expects (only with 'seq-gap'). A tag
// rather than a presence flag keeps the older refs' layout, and one encoding per value.
const REF_TAGS = { push: 1, doc: 2, membership: 3, pushExpecting: 4 } as const;

// ---------------------------------------------------------------------------------------
// Writing

function writeDocId(w: ByteWriter, docId: DocId): void {
  if (!isDocId(docId)) throw new RangeError(`not a document id: ${docId}`);
  w.string(docId, MAX_DOC_ID_BYTES);
}

function writeEnvelopeOf(w: ByteWriter, env: SealedEnvelope, type: EnvelopeType): void {
  if (env.header.type !== type) throw new RangeError(`expected a ${type} envelope, got ${env.header.type}`);
  encodeEnvelope(w, env);
}

function writeChain(w: ByteWriter, chain: SignedMembership[]): void {
  if (chain.length < 1 || chain.length > LIMITS.maxChainLinks) throw new RangeError('membership chain length out of range');
  w.varuint(chain.length);
  for (const link of chain) encodeSignedMembership(w, link);
}

function writeRef(w: ByteWriter, ref: ErrorRef | undefined): void {
  if (!ref) return void w.u8(0);
  switch (ref.kind) {
    case 'push':
      w.u8(ref.expectedDevSeq === undefined ? REF_TAGS.push : REF_TAGS.pushExpecting);
      writeDocId(w, ref.docId);
      w.varuint(ref.devSeq);
      if (ref.expectedDevSeq !== undefined) w.varuint(ref.expectedDevSeq);
      return;
    case 'doc':
      w.u8(REF_TAGS.doc);
      writeDocId(w, ref.docId);
      return;
    case 'membership':
      w.u8(REF_TAGS.membership).string(ref.circleId, 26).varuint(ref.version);
      return;
    default:
      assertNever(ref);
  }
}

/** Encodes a message as one frame; throws RangeError for a message no peer would accept (a bug). */
export function writeMessage(msg: Message, version: number = PROTOCOL_VERSION): Bytes {
  if (version < (SINCE_VERSION[msg.type] ?? 1)) throw new RangeError(`${msg.type} needs protocol ${SINCE_VERSION[msg.type]}`);
  const w = new ByteWriter().u8(version).u8(MESSAGE_TAGS[msg.type]);
  switch (msg.type) {
    case 'hello':
      w.varuint(msg.protocolVersions.length);
      for (const v of msg.protocolVersions) w.varuint(v);
      w.fixed(msg.devicePk, ED25519_PUBLIC_KEY_BYTES);
      break;
    case 'auth':
      w.fixed(msg.signature, ED25519_SIGNATURE_BYTES);
      break;
    case 'subscribe':
      writeDocId(w, msg.docId);
      w.varuint(msg.sinceSeq).varuint(msg.membershipVersion);
      if (version >= 2) {
        w.bool(msg.sinceHash !== undefined);
        if (msg.sinceHash) w.fixed(msg.sinceHash, HASH_BYTES);
      }
      break;
    case 'unsubscribe':
      writeDocId(w, msg.docId);
      break;
    case 'push':
      writeEnvelopeOf(w, msg.envelope, 'update');
      break;
    case 'snapshot':
      writeEnvelopeOf(w, msg.envelope, 'snapshot');
      break;
    case 'snapshot-confirm':
    case 'snapshot-ack':
      writeDocId(w, msg.docId);
      w.varuint(msg.coversSeq).fixed(msg.snapshotHash, SHA256_BYTES);
      break;
    case 'membership':
      writeChain(w, msg.chain);
      break;
    case 'ephemeral':
      writeEnvelopeOf(w, msg.envelope, 'ephemeral');
      break;
    case 'welcome':
      w.varuint(msg.protocolVersion).string(msg.relayId, LIMITS.maxTextBytes).fixed(msg.challenge, CHALLENGE_BYTES).varuint(msg.serverTime);
      w.varuint(msg.limits.maxFrameBytes).varuint(msg.limits.maxSubscriptions).varuint(msg.limits.pushesPerSecond);
      break;
    case 'ack':
      writeDocId(w, msg.docId);
      w.varuint(msg.devSeq).varuint(msg.seq);
      break;
    case 'updates':
      writeDocId(w, msg.docId);
      w.varuint(msg.items.length);
      for (const item of msg.items) {
        w.varuint(item.seq);
        writeEnvelopeOf(w, item.envelope, 'update');
      }
      w.bool(msg.more);
      if (version >= 3) {
        if (msg.durableThrough === undefined) throw new RangeError('updates.durableThrough is required from protocol 3');
        w.varuint(msg.durableThrough);
      }
      break;
    case 'durable':
      writeDocId(w, msg.docId);
      w.varuint(msg.seq);
      break;
    case 'snapshot-offer':
      writeDocId(w, msg.docId);
      writeEnvelopeOf(w, msg.envelope, 'snapshot');
      break;
    case 'error':
      w.varuint(ERROR_CODES[msg.code]).bool(msg.message !== undefined);
      if (msg.message !== undefined) w.string(msg.message, LIMITS.maxTextBytes);
      writeRef(w, msg.ref);
      break;
    default:
      assertNever(msg);
  }
  const frame = w.finish();
  // A frame the peer must refuse is a bug on this side (for example a page built too big).
  if (frame.length > LIMITS.maxFrameBytes) throw new RangeError(`frame of ${frame.length} bytes exceeds ${LIMITS.maxFrameBytes}`);
  // Decoding our own output keeps one set of rules (the reader's) and guarantees that we
  // never send a frame a peer refuses; it costs a copy, small next to a signature check.
  const reread = readMessage(frame);
  if (!reread.ok) throw new RangeError(`wrote an invalid ${msg.type} frame: ${reread.error.code} at ${reread.error.field}`);
  return frame;
}

// ---------------------------------------------------------------------------------------
// Reading

function readDocId(r: ByteReader, field: string): DocId {
  const docId = r.string(field, MAX_DOC_ID_BYTES);
  check(isDocId(docId), field);
  return docId;
}

function readEnvelopeOf(r: ByteReader, type: EnvelopeType, docId?: DocId): SealedEnvelope {
  const env = decodeEnvelope(r);
  check(env.header.type === type, 'envelope.type');
  check(docId === undefined || env.header.docId === docId, 'envelope.docId');
  return env;
}

function readSeq(r: ByteReader, field: string): number {
  const seq = r.varuint(field);
  check(seq >= 1, field);
  return seq;
}

function readChain(r: ByteReader): SignedMembership[] {
  const count = r.varuint('membership.count', LIMITS.maxChainLinks);
  check(count >= 1, 'membership.count');
  const chain: SignedMembership[] = [];
  for (let i = 0; i < count; i++) {
    const link = decodeSignedMembership(r);
    const first = chain[0];
    // A segment is one circle's consecutive versions; hashes and signatures are checked by verifyMembershipSequence.
    check(!first || (link.body.circleId === first.body.circleId && link.body.version === first.body.version + i), 'membership.chain');
    chain.push(link);
  }
  return chain;
}

function readRef(r: ByteReader, code: ErrorCode, version: number): ErrorRef | undefined {
  const tag = r.u8('error.ref');
  switch (tag) {
    case 0:
      return undefined;
    case REF_TAGS.push:
      return { kind: 'push', docId: readDocId(r, 'error.ref.docId'), devSeq: readSeq(r, 'error.ref.devSeq') };
    case REF_TAGS.pushExpecting: {
      // Version 2 also names the expected devSeq with a seq-conflict.
      check(code === 'seq-gap' || (version >= 2 && code === 'seq-conflict'), 'error.ref');
      const docId = readDocId(r, 'error.ref.docId');
      const devSeq = readSeq(r, 'error.ref.devSeq');
      return { kind: 'push', docId, devSeq, expectedDevSeq: readSeq(r, 'error.ref.expectedDevSeq') };
    }
    case REF_TAGS.doc:
      return { kind: 'doc', docId: readDocId(r, 'error.ref.docId') };
    case REF_TAGS.membership: {
      const circleId = r.string('error.ref.circleId', 26);
      check(isCircleId(circleId), 'error.ref.circleId');
      return { kind: 'membership', circleId, version: readSeq(r, 'error.ref.version') };
    }
    default:
      throw new FrameError('invalid-field', 'error.ref');
  }
}

/** SHA-256: envelope hashes. */
const HASH_BYTES = 32;

function readBody(r: ByteReader, type: MessageType, version: number): Message {
  switch (type) {
    case 'hello': {
      const count = r.varuint('hello.protocolVersions', LIMITS.maxProtocolVersions);
      check(count >= 1, 'hello.protocolVersions');
      const protocolVersions: number[] = [];
      for (let i = 0; i < count; i++) {
        const v = r.varuint('hello.protocolVersions', 255);
        // Ascending and unique: one encoding per set of versions.
        check(v >= 1 && v > (protocolVersions[i - 1] ?? 0), 'hello.protocolVersions');
        protocolVersions.push(v);
      }
      const devicePk = r.fixed(ED25519_PUBLIC_KEY_BYTES, 'hello.devicePk');
      check(!isWeakPublicKey(devicePk), 'hello.devicePk');
      return { type, protocolVersions, devicePk };
    }
    case 'auth':
      return { type, signature: r.fixed(ED25519_SIGNATURE_BYTES, 'auth.signature') };
    case 'subscribe': {
      const docId = readDocId(r, 'subscribe.docId');
      const sinceSeq = r.varuint('subscribe.sinceSeq');
      const membershipVersion = r.varuint('subscribe.membershipVersion');
      const sinceHash = version >= 2 && r.bool('subscribe.hasHash') ? r.fixed(HASH_BYTES, 'subscribe.sinceHash') : undefined;
      return { type, docId, sinceSeq, membershipVersion, ...(sinceHash ? { sinceHash } : {}) };
    }
    case 'unsubscribe':
      return { type, docId: readDocId(r, 'unsubscribe.docId') };
    case 'push':
      return { type, envelope: readEnvelopeOf(r, 'update') };
    case 'snapshot':
      return { type, envelope: readEnvelopeOf(r, 'snapshot') };
    case 'snapshot-confirm':
    case 'snapshot-ack':
      return { type, docId: readDocId(r, `${type}.docId`), coversSeq: readSeq(r, `${type}.coversSeq`), snapshotHash: r.fixed(SHA256_BYTES, `${type}.snapshotHash`) };
    case 'membership':
      return { type, chain: readChain(r) };
    case 'ephemeral':
      return { type, envelope: readEnvelopeOf(r, 'ephemeral') };
    case 'welcome': {
      const protocolVersion = r.varuint('welcome.protocolVersion', 255);
      check(SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion), 'welcome.protocolVersion');
      const relayId = r.string('welcome.relayId', LIMITS.maxTextBytes);
      check(relayId.length > 0, 'welcome.relayId');
      const challenge = r.fixed(CHALLENGE_BYTES, 'welcome.challenge');
      const serverTime = r.varuint('welcome.serverTime');
      const maxFrameBytes = r.varuint('welcome.limits.maxFrameBytes', LIMITS.maxFrameBytes);
      const maxSubscriptions = r.varuint('welcome.limits.maxSubscriptions');
      const pushesPerSecond = r.varuint('welcome.limits.pushesPerSecond');
      check(maxFrameBytes >= 1024 && maxSubscriptions >= 1 && pushesPerSecond >= 1, 'welcome.limits');
      return { type, protocolVersion, relayId, challenge, serverTime, limits: { maxFrameBytes, maxSubscriptions, pushesPerSecond } };
    }
    case 'ack':
      return { type, docId: readDocId(r, 'ack.docId'), devSeq: readSeq(r, 'ack.devSeq'), seq: readSeq(r, 'ack.seq') };
    case 'updates': {
      const docId = readDocId(r, 'updates.docId');
      const count = r.varuint('updates.count', r.remaining);
      const items: UpdateItem[] = [];
      for (let i = 0; i < count; i++) {
        const seq = readSeq(r, 'updates.seq');
        const previous = items[i - 1];
        // Gap-free inside a page; across pages and after the cursor the client checks.
        check(!previous || seq === previous.seq + 1, 'updates.seq');
        items.push({ seq, envelope: readEnvelopeOf(r, 'update', docId) });
      }
      const more = r.bool('updates.more');
      check(items.length > 0 || !more, 'updates.more');
      if (version < 3) return { type, docId, items, more };
      return { type, docId, items, more, durableThrough: r.varuint('updates.durableThrough') };
    }
    case 'durable':
      return { type, docId: readDocId(r, 'durable.docId'), seq: readSeq(r, 'durable.seq') };
    case 'snapshot-offer': {
      const docId = readDocId(r, 'snapshot-offer.docId');
      return { type, docId, envelope: readEnvelopeOf(r, 'snapshot', docId) };
    }
    case 'error': {
      const code = errorCodeOf(r.varuint('error.code', 255));
      check(code !== null, 'error.code');
      const message = r.bool('error.hasMessage') ? r.string('error.message', LIMITS.maxTextBytes) : undefined;
      const ref = readRef(r, code, version);
      return { type, code, ...(message !== undefined && { message }), ...(ref && { ref }) };
    }
    default:
      return assertNever(type);
  }
}

/** The protocol version byte of a frame, or null for an empty frame. */
export function readFrameVersion(bytes: Uint8Array): number | null {
  return bytes[0] ?? null;
}

/** Decodes one frame; never throws on malformed input and returns a named error instead. */
export function readMessage(bytes: Uint8Array): Result<Message, CodecError> {
  if (bytes.length > LIMITS.maxFrameBytes) return { ok: false, error: { code: 'too-large', field: 'frame' } };
  return decodeAll(bytes, (r) => {
    const version = r.u8('frame.version');
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version)) throw new FrameError('unsupported-version', 'frame.version');
    const type = TYPE_OF_TAG.get(r.u8('frame.type'));
    if (type === undefined || version < (SINCE_VERSION[type] ?? 1)) throw new FrameError('unknown-type', 'frame.type');
    return readBody(r, type, version);
  });
}
