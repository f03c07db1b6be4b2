// Thin wrappers over the platform WebCrypto (globalThis.crypto.subtle), identical in
// Chromium 137+ and Node 20: Ed25519 device signatures, SHA-256, and per-document keys
// from which HKDF derives separate AES-256-GCM keys (updates and snapshots, ephemeral
// messages) and the y-webrtc room password. Expected failures are Result values.
//
// Random 96-bit nonces are safe here because no AES key sees many messages: each key is
// derived per document and per key epoch, epochs rotate whenever a member is removed, and
// each device seals at most LIMITS.sealsPerDeviceAndEpoch (2^20) envelopes per epoch, so a
// key sees at most 2^28 nonces (256 devices) against the 2^32 NIST bound for random IVs;
// the collision probability stays below 2^56 / 2^97 = 2^-41. The nonce is also covered by
// the envelope signature, so a relay cannot swap it.

import { type Bytes, concatBytes, utf8 } from './codec-bytes';
import { AES_GCM_NONCE_BYTES, AES_GCM_TAG_BYTES, ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, type DocId, type Result } from './protocol';

export type CryptoError = 'weak-public-key' | 'bad-key-length' | 'not-extractable' | 'unwrap-failed' | 'tampered';

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/** A copy-free view as an ArrayBuffer-backed array when possible (WebCrypto rejects shared buffers). */
function own(bytes: Uint8Array): Bytes {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Bytes) : new Uint8Array(bytes);
}

/** Cryptographically random bytes. */
export function randomBytes(length: number): Bytes {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/** Whether this runtime has WebCrypto with Ed25519 (Chromium 137+, Node 20). */
export async function checkCryptoSupport(): Promise<Result<true, 'no-webcrypto' | 'no-ed25519'>> {
  if (!globalThis.crypto?.subtle) return { ok: false, error: 'no-webcrypto' };
  try {
    await subtle().generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return { ok: true, value: true };
  } catch {
    return { ok: false, error: 'no-ed25519' };
  }
}

// ---------------------------------------------------------------------------------------
// Ed25519 device keys

/** A device's signing identity: the raw public key and a (normally non-extractable) private key. */
export interface DeviceKeys {
  readonly publicKey: Bytes;
  readonly privateKey: CryptoKey;
}

const P = 2n ** 255n - 19n;
// y coordinates (mod p) of the eight small-order Edwards points: identity, order 2, order 4
// (y = 0, both signs of x) and the order-8 pair. Recomputed from the curve in the tests.
const SMALL_ORDER_Y = new Set<bigint>([
  0n,
  1n,
  P - 1n,
  0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n,
  0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n,
]);

/**
 * True if a raw Ed25519 public key must be refused: wrong length, a non-canonical encoding
 * (y >= p, so one key would have two spellings in a membership list), or a small-order
 * point, for which WebCrypto verifies a forged all-zero signature over any message.
 */
export function isWeakPublicKey(raw: Uint8Array): boolean {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) return true;
  // Fast path (every envelope header passes here): y in {0, 1} has byte 1 = 0x00, y >= p - 1
  // has byte 1 = 0xff, and the order-8 points start with 0x26 or 0xc7 (little-endian).
  // Any other key is neither non-canonical nor of small order.
  if (raw[1] !== 0x00 && raw[1] !== 0xff && raw[0] !== 0x26 && raw[0] !== 0xc7) return false;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? (raw[i] as number) & 0x7f : (raw[i] as number));
  return y >= P || SMALL_ORDER_Y.has(y);
}

/** A fresh device key pair; `wrappable` keeps the private key extractable so it can be wrapped for storage. */
export async function generateDeviceKeys(options: { wrappable?: boolean } = {}): Promise<DeviceKeys> {
  for (;;) {
    const pair = (await subtle().generateKey({ name: 'Ed25519' }, options.wrappable ?? false, ['sign', 'verify'])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
    // Never happens for honestly generated keys; the loop documents that we would not use one.
    if (!isWeakPublicKey(publicKey)) return { publicKey, privateKey: pair.privateKey };
  }
}

/** A private key sealed for storage under a wrapping key (e.g. derived from a kiosk PIN). */
export interface WrappedDeviceKey {
  readonly publicKey: Bytes;
  readonly nonce: Bytes;
  readonly wrapped: Bytes;
}

/** Wraps an extractable private key (pkcs8, AES-GCM, public key as associated data). */
export async function wrapDeviceKey(keys: DeviceKeys, wrappingKey: CryptoKey): Promise<Result<WrappedDeviceKey, CryptoError>> {
  if (!keys.privateKey.extractable) return { ok: false, error: 'not-extractable' };
  const nonce = randomBytes(AES_GCM_NONCE_BYTES);
  const wrapped = await subtle().wrapKey('pkcs8', keys.privateKey, wrappingKey, { name: 'AES-GCM', iv: nonce, additionalData: keys.publicKey });
  return { ok: true, value: { publicKey: keys.publicKey, nonce, wrapped: new Uint8Array(wrapped) } };
}

/** Unwraps a stored private key as a non-extractable signing key. */
export async function unwrapDeviceKey(stored: WrappedDeviceKey, wrappingKey: CryptoKey): Promise<Result<DeviceKeys, CryptoError>> {
  try {
    const privateKey = await subtle().unwrapKey('pkcs8', own(stored.wrapped), wrappingKey, { name: 'AES-GCM', iv: own(stored.nonce), additionalData: own(stored.publicKey) }, { name: 'Ed25519' }, false, ['sign']);
    return { ok: true, value: { publicKey: own(stored.publicKey), privateKey } };
  } catch {
    return { ok: false, error: 'unwrap-failed' };
  }
}

// The relay verifies many signatures from few devices; importing a key costs more than a
// verification, so recently used public keys are kept (insertion-ordered Map as an LRU).
const publicKeyCache = new Map<string, CryptoKey>();
const PUBLIC_KEY_CACHE_SIZE = 4096;

/** Imports a raw Ed25519 public key for verification, refusing weak keys. */
export async function importPublicKey(raw: Uint8Array): Promise<Result<CryptoKey, CryptoError>> {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) return { ok: false, error: 'bad-key-length' };
  if (isWeakPublicKey(raw)) return { ok: false, error: 'weak-public-key' };
  const id = String.fromCharCode(...raw);
  const cached = publicKeyCache.get(id);
  if (cached) {
    publicKeyCache.delete(id);
    publicKeyCache.set(id, cached);
    return { ok: true, value: cached };
  }
  const key = await subtle().importKey('raw', own(raw), { name: 'Ed25519' }, true, ['verify']);
  publicKeyCache.set(id, key);
  if (publicKeyCache.size > PUBLIC_KEY_CACHE_SIZE) {
    const oldest = publicKeyCache.keys().next();
    if (!oldest.done) publicKeyCache.delete(oldest.value);
  }
  return { ok: true, value: key };
}

/** Ed25519 signature (64 bytes) over bytes. */
export async function sign(privateKey: CryptoKey, bytes: Uint8Array): Promise<Bytes> {
  return new Uint8Array(await subtle().sign('Ed25519', privateKey, own(bytes)));
}

/** True only for a valid Ed25519 signature by a non-weak public key. */
export async function verify(publicKey: Uint8Array, signature: Uint8Array, bytes: Uint8Array): Promise<boolean> {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  const key = await importPublicKey(publicKey);
  if (!key.ok) return false;
  return subtle().verify('Ed25519', key.value, own(signature), own(bytes));
}

/** SHA-256 digest (32 bytes). */
export async function sha256(bytes: Uint8Array): Promise<Bytes> {
  return new Uint8Array(await subtle().digest('SHA-256', own(bytes)));
}

// ---------------------------------------------------------------------------------------
// Document keys

export const DOC_KEY_BYTES = 32;

/** One document's key for one epoch: non-extractable subkeys derived with HKDF-SHA-256. */
export interface DocKey {
  readonly docId: DocId;
  readonly epoch: number;
  /** AES-256-GCM for stored envelopes (updates and snapshots). */
  readonly sealKey: CryptoKey;
  /** AES-256-GCM for ephemeral envelopes, so their volume never counts against sealKey's budget. */
  readonly ephemeralKey: CryptoKey;
  /** HKDF base for other labels (the y-webrtc room password). */
  readonly base: CryptoKey;
}

/** Fresh random key material for a document (32 bytes), to be shared with readers out of band. */
export function generateDocKeyMaterial(): Bytes {
  return randomBytes(DOC_KEY_BYTES);
}

const LABELS = {
  seal: 'paceline/doc-seal/v1',
  ephemeral: 'paceline/doc-ephemeral/v1',
  room: 'paceline/webrtc-room/v1',
} as const;

// Binding docId and epoch into the HKDF info means material reused by mistake for two
// documents or epochs still yields unrelated keys.
function info(label: string, docId: DocId, epoch: number): Bytes {
  return concatBytes(utf8(label), new Uint8Array([0]), utf8(docId), new Uint8Array([0]), utf8(String(epoch)));
}

async function deriveAeadKey(base: CryptoKey, label: string, docId: DocId, epoch: number): Promise<CryptoKey> {
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: info(label, docId, epoch) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Imports 32 bytes of document key material for one document and epoch. */
export async function importDocKey(material: Uint8Array, docId: DocId, epoch: number): Promise<Result<DocKey, CryptoError>> {
  if (material.length !== DOC_KEY_BYTES) return { ok: false, error: 'bad-key-length' };
  const base = await subtle().importKey('raw', own(material), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const [sealKey, ephemeralKey] = await Promise.all([deriveAeadKey(base, LABELS.seal, docId, epoch), deriveAeadKey(base, LABELS.ephemeral, docId, epoch)]);
  return { ok: true, value: { docId, epoch, sealKey, ephemeralKey, base } };
}

/** The y-webrtc room password for a document: HKDF under its own label, base64url, never the AEAD key. */
export async function deriveRoomPassword(docKey: DocKey): Promise<string> {
  const bits = new Uint8Array(
    await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: info(LABELS.room, docKey.docId, docKey.epoch) }, docKey.base, 256),
  );
  return btoa(String.fromCharCode(...bits)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** AES-256-GCM with a fresh random 96-bit nonce; associatedData is authenticated, not encrypted. */
export async function seal(key: CryptoKey, associatedData: Uint8Array, plaintext: Uint8Array): Promise<{ nonce: Bytes; ciphertext: Bytes }> {
  const nonce = randomBytes(AES_GCM_NONCE_BYTES);
  const ciphertext = await subtle().encrypt({ name: 'AES-GCM', iv: nonce, additionalData: own(associatedData), tagLength: 128 }, key, own(plaintext));
  return { nonce, ciphertext: new Uint8Array(ciphertext) };
}

/** Decrypts and authenticates; 'tampered' for any change to nonce, ciphertext or associated data, or a wrong key. */
export async function open(key: CryptoKey, associatedData: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Promise<Result<Bytes, CryptoError>> {
  if (nonce.length !== AES_GCM_NONCE_BYTES || ciphertext.length < AES_GCM_TAG_BYTES) return { ok: false, error: 'tampered' };
  try {
    const plain = await subtle().decrypt({ name: 'AES-GCM', iv: own(nonce), additionalData: own(associatedData), tagLength: 128 }, key, own(ciphertext));
    return { ok: true, value: new Uint8Array(plain) };
  } catch {
    return { ok: false, error: 'tampered' };
  }
}
