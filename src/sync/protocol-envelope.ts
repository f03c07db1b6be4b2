// The update envelope (DESIGN.md "Relay protocol sketch"): a canonical header that the
// relay can read, a body sealed with the document key (header as AEAD associated data),
// and the device's Ed25519 signature over header, nonce and ciphertext. The relay checks
// only the signature and the header; members also decrypt. Layout: PROTOCOL.md "Envelope".

import { type Bytes, ByteReader, ByteWriter, type CodecError, FrameError, bytesEqual, check, decodeAll, utf8 } from './codec-bytes';
import { type DeviceKeys, type DocKey, isWeakPublicKey, open, seal, sha256, sign, verify } from './crypto';
import {
  AES_GCM_NONCE_BYTES,
  AES_GCM_TAG_BYTES,
  type CircleId,
  DOC_CLASSES,
  type DocId,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  LIMITS,
  type Result,
  SHA256_BYTES,
  assertNever,
  docIdOf,
  isCircleId,
  parseDocId,
} from './protocol';

/** Version of the envelope layout; stored envelopes outlive connections, so it is separate from the wire version. */
export const ENVELOPE_FORMAT = 1;

interface HeaderBase {
  circleId: CircleId;
  docId: DocId;
  /** The circle's key epoch the body is sealed under (membership list field keyEpoch). */
  keyEpoch: number;
  /** The signing device; it must be a member with write rights on docId's class. */
  devicePk: Bytes;
}

/** A stored Yjs update: devSeq counts this device's updates to this document, from 1, with no gaps. */
export type UpdateHeader = HeaderBase & { type: 'update'; devSeq: number };
/** A sealed encodeStateAsUpdate covering relay seqs 1..coversSeq; chained to the previous snapshot's hash. */
export type SnapshotHeader = HeaderBase & { type: 'snapshot'; coversSeq: number; prevSnapshotHash: Bytes | null };
/** Awareness or typing state: forwarded, never stored; receivers drop ones older than what they hold. */
export type EphemeralHeader = HeaderBase & { type: 'ephemeral'; sentAt: number };

export type EnvelopeHeader = UpdateHeader | SnapshotHeader | EphemeralHeader;
export type EnvelopeType = EnvelopeHeader['type'];

export interface SealedEnvelope<H extends EnvelopeHeader = EnvelopeHeader> {
  header: H;
  nonce: Bytes;
  ciphertext: Bytes;
  signature: Bytes;
}

export type EnvelopeError =
  | { code: 'bad-signature' }
  | { code: 'wrong-document'; expected: DocId; got: DocId }
  | { code: 'wrong-epoch'; expected: number; got: number }
  | { code: 'wrong-device' }
  | { code: 'too-large'; max: number }
  | { code: 'tampered' }
  | { code: 'malformed'; error: CodecError };

const TYPE_TAGS: Record<EnvelopeType, number> = { update: 1, snapshot: 2, ephemeral: 3 };
const MAX_HEADER_BYTES = 128;
const SIGNATURE_LABEL = utf8('paceline/envelope/v1\0');

/** The largest ciphertext an envelope of this type may carry. */
export function maxCiphertextBytes(type: EnvelopeType): number {
  switch (type) {
    case 'update':
      return LIMITS.maxUpdateBytes;
    case 'snapshot':
      return LIMITS.maxSnapshotBytes;
    case 'ephemeral':
      return LIMITS.maxEphemeralBytes;
    default:
      return assertNever(type);
  }
}

// ---------------------------------------------------------------------------------------
// Canonical header codec

/** Canonical header bytes: these are the AEAD associated data and part of the signed bytes. */
export function writeEnvelopeHeader(h: EnvelopeHeader): Bytes {
  const parsed = parseDocId(h.docId);
  if (!parsed || parsed.circleId !== h.circleId) throw new RangeError(`docId ${h.docId} does not belong to circle ${h.circleId}`);
  const w = new ByteWriter()
    .u8(ENVELOPE_FORMAT)
    .u8(TYPE_TAGS[h.type])
    .string(h.circleId, 26)
    .u8(DOC_CLASSES.indexOf(parsed.docClass))
    .varuint(h.keyEpoch)
    .fixed(h.devicePk, ED25519_PUBLIC_KEY_BYTES);
  switch (h.type) {
    case 'update':
      if (h.devSeq < 1) throw new RangeError('devSeq starts at 1');
      return w.varuint(h.devSeq).finish();
    case 'snapshot':
      if (h.coversSeq < 1) throw new RangeError('coversSeq starts at 1');
      w.varuint(h.coversSeq).bool(h.prevSnapshotHash !== null);
      if (h.prevSnapshotHash) w.fixed(h.prevSnapshotHash, SHA256_BYTES);
      return w.finish();
    case 'ephemeral':
      return w.varuint(h.sentAt).finish();
    default:
      return assertNever(h);
  }
}

/** Reads a header; throws FrameError (callers use readEnvelopeHeader or the frame codec). */
export function decodeEnvelopeHeader(r: ByteReader): EnvelopeHeader {
  check(r.u8('header.format') === ENVELOPE_FORMAT, 'header.format');
  const tag = r.u8('header.type');
  const circleId = r.string('header.circleId', 26);
  check(isCircleId(circleId), 'header.circleId');
  const docClass = DOC_CLASSES[r.u8('header.docClass')];
  check(docClass !== undefined, 'header.docClass');
  const keyEpoch = r.varuint('header.keyEpoch');
  const devicePk = r.fixed(ED25519_PUBLIC_KEY_BYTES, 'header.devicePk');
  check(!isWeakPublicKey(devicePk), 'header.devicePk');
  const base = { circleId, docId: docIdOf(circleId, docClass), keyEpoch, devicePk };
  switch (tag) {
    case TYPE_TAGS.update: {
      const devSeq = r.varuint('header.devSeq');
      check(devSeq >= 1, 'header.devSeq');
      return { type: 'update', ...base, devSeq };
    }
    case TYPE_TAGS.snapshot: {
      const coversSeq = r.varuint('header.coversSeq');
      check(coversSeq >= 1, 'header.coversSeq');
      const prevSnapshotHash = r.bool('header.hasPrev') ? r.fixed(SHA256_BYTES, 'header.prevSnapshotHash') : null;
      return { type: 'snapshot', ...base, coversSeq, prevSnapshotHash };
    }
    case TYPE_TAGS.ephemeral:
      return { type: 'ephemeral', ...base, sentAt: r.varuint('header.sentAt') };
    default:
      throw new FrameError('invalid-field', 'header.type');
  }
}

/** Reads header bytes that must hold exactly one canonical header. */
export function readEnvelopeHeader(bytes: Uint8Array): Result<EnvelopeHeader, CodecError> {
  return decodeAll(bytes, decodeEnvelopeHeader);
}

// ---------------------------------------------------------------------------------------
// Envelope codec: header (length-prefixed), nonce, ciphertext (length-prefixed), signature

/** Writes an envelope into a frame or a storage record. */
export function encodeEnvelope(w: ByteWriter, env: SealedEnvelope): void {
  w.bytes(writeEnvelopeHeader(env.header), MAX_HEADER_BYTES)
    .fixed(env.nonce, AES_GCM_NONCE_BYTES)
    .bytes(env.ciphertext, maxCiphertextBytes(env.header.type))
    .fixed(env.signature, ED25519_SIGNATURE_BYTES);
}

/** Reads an envelope with strict limits; throws FrameError. */
export function decodeEnvelope(r: ByteReader): SealedEnvelope {
  const headerBytes = r.bytes('envelope.header', MAX_HEADER_BYTES);
  const headerReader = new ByteReader(headerBytes);
  const header = decodeEnvelopeHeader(headerReader);
  if (headerReader.remaining !== 0) throw new FrameError('trailing-bytes', 'envelope.header');
  const nonce = r.fixed(AES_GCM_NONCE_BYTES, 'envelope.nonce');
  const ciphertext = r.bytes('envelope.ciphertext', maxCiphertextBytes(header.type));
  check(ciphertext.length >= AES_GCM_TAG_BYTES, 'envelope.ciphertext');
  const signature = r.fixed(ED25519_SIGNATURE_BYTES, 'envelope.signature');
  return { header, nonce, ciphertext, signature };
}

/** An envelope as standalone bytes (relay storage, client outbox). */
export function writeEnvelope(env: SealedEnvelope): Bytes {
  const w = new ByteWriter();
  encodeEnvelope(w, env);
  return w.finish();
}

/** Reads standalone envelope bytes; never throws on malformed input. */
export function readEnvelope(bytes: Uint8Array): Result<SealedEnvelope, CodecError> {
  return decodeAll(bytes, decodeEnvelope);
}

/** Exactly the bytes the device signs: label, length-prefixed header, nonce, ciphertext. */
export function envelopeSignedBytes(env: Pick<SealedEnvelope, 'header' | 'nonce' | 'ciphertext'>): Bytes {
  return new ByteWriter()
    .fixed(SIGNATURE_LABEL, SIGNATURE_LABEL.length)
    .bytes(writeEnvelopeHeader(env.header), MAX_HEADER_BYTES)
    .fixed(env.nonce, AES_GCM_NONCE_BYTES)
    .fixed(env.ciphertext, env.ciphertext.length)
    .finish();
}

/**
 * SHA-256 of the signed bytes. It identifies an envelope for duplicate detection and the
 * snapshot chain; leaving the signature out means a re-encoded signature cannot make one
 * envelope look like two.
 */
export async function envelopeHash(env: SealedEnvelope): Promise<Bytes> {
  return sha256(envelopeSignedBytes(env));
}

// ---------------------------------------------------------------------------------------
// Seal, verify, open

function keyFor(docKey: DocKey, type: EnvelopeType): CryptoKey {
  return type === 'ephemeral' ? docKey.ephemeralKey : docKey.sealKey;
}

/** Encrypts a Yjs update (or state, or awareness) under the document key and signs it with the device key. */
export async function sealEnvelope<H extends EnvelopeHeader>(
  device: DeviceKeys,
  docKey: DocKey,
  header: H,
  plaintext: Uint8Array,
): Promise<Result<SealedEnvelope<H>, EnvelopeError>> {
  if (header.docId !== docKey.docId) return { ok: false, error: { code: 'wrong-document', expected: docKey.docId, got: header.docId } };
  if (header.keyEpoch !== docKey.epoch) return { ok: false, error: { code: 'wrong-epoch', expected: docKey.epoch, got: header.keyEpoch } };
  if (!bytesEqual(device.publicKey, header.devicePk)) return { ok: false, error: { code: 'wrong-device' } };
  const max = maxCiphertextBytes(header.type);
  if (plaintext.length + AES_GCM_TAG_BYTES > max) return { ok: false, error: { code: 'too-large', max: max - AES_GCM_TAG_BYTES } };
  const { nonce, ciphertext } = await seal(keyFor(docKey, header.type), writeEnvelopeHeader(header), plaintext);
  const signature = await sign(device.privateKey, envelopeSignedBytes({ header, nonce, ciphertext }));
  return { ok: true, value: { header, nonce, ciphertext, signature } };
}

/** Checks the signature against the header's device key: all the relay can check without keys. */
export async function verifyEnvelope<H extends EnvelopeHeader>(env: SealedEnvelope<H>): Promise<Result<SealedEnvelope<H>, EnvelopeError>> {
  const ok = await verify(env.header.devicePk, env.signature, envelopeSignedBytes(env));
  return ok ? { ok: true, value: env } : { ok: false, error: { code: 'bad-signature' } };
}

/**
 * Verifies, checks document and epoch, then decrypts. Whether the signer may write this
 * document is the caller's check against the membership list (see protocol-membership).
 */
export async function openEnvelope(env: SealedEnvelope, docKey: DocKey): Promise<Result<Bytes, EnvelopeError>> {
  const verified = await verifyEnvelope(env);
  if (!verified.ok) return verified;
  const { header } = env;
  if (header.docId !== docKey.docId) return { ok: false, error: { code: 'wrong-document', expected: docKey.docId, got: header.docId } };
  if (header.keyEpoch !== docKey.epoch) return { ok: false, error: { code: 'wrong-epoch', expected: docKey.epoch, got: header.keyEpoch } };
  const plain = await open(keyFor(docKey, header.type), writeEnvelopeHeader(header), env.nonce, env.ciphertext);
  return plain.ok ? plain : { ok: false, error: { code: 'tampered' } };
}
