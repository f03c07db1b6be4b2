// Key bundles: document keys sealed inside a membership version to each member device's
// X25519 box key, so a key rotation (a member removed, journal sharing withdrawn) or newly
// granted access (journal shared with a caregiver) reaches every remaining device through
// the chain the relay already stores and fans out, signed by the owner with the rest of the
// version. The relay sees only sizes. Format: PROTOCOL.md "Key bundles".

import { type ByteReader, ByteWriter, type Bytes, bytesEqual, check, concatBytes, decodeAll, utf8 } from './codec-bytes';
import { open, seal } from './crypto';
import { DOC_CLASSES, type DocClass, type Result } from './protocol';
import { type KeyBundle, MAX_BUNDLE_BYTES, type Membership, X25519_PUBLIC_KEY_BYTES } from './protocol-membership';
import { privateKeysAsBytes } from '../storage/private-keys';

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const LABEL = 'paceline/key-bundle/v1';
const NONCE_BYTES = 12;

/** A device's key pair for receiving bundles; the private key stays non-extractable. */
export interface BoxKeys {
  readonly publicKey: Bytes;
  readonly privateKey: CryptoKey;
}

/** One document key at one epoch, as carried in bundles and invitation links. */
export interface BundledKey {
  docClass: DocClass;
  epoch: number;
  material: Bytes;
}

export type BundleError = 'no-bundle' | 'tampered' | 'malformed';

/** A fresh X25519 key pair for this device. */
export async function generateBoxKeys(): Promise<BoxKeys> {
  // Extractable only on a clinic tablet, which stores its keys as encrypted bytes (storage/private-keys.ts).
  const pair = (await subtle().generateKey({ name: 'X25519' }, privateKeysAsBytes(), ['deriveBits'])) as CryptoKeyPair;
  return { publicKey: new Uint8Array(await subtle().exportKey('raw', pair.publicKey)), privateKey: pair.privateKey };
}

async function bundleKey(privateKey: CryptoKey, peerPk: Uint8Array, salt: Uint8Array, info: Uint8Array): Promise<CryptoKey> {
  const peer = await subtle().importKey('raw', new Uint8Array(peerPk), { name: 'X25519' }, false, []);
  const shared = await subtle().deriveBits({ name: 'X25519', public: peer }, privateKey, 256);
  const base = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(salt), info: new Uint8Array(info) }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

// The circle, version and recipient are bound in, so a bundle cannot be replayed into another version or to another device.
function context(circleId: string, version: number, devicePk: Uint8Array): Bytes {
  return concatBytes(utf8(LABEL), new Uint8Array([0]), utf8(circleId), new Uint8Array([0]), utf8(String(version)), new Uint8Array([0]), devicePk);
}

function writeKeys(keys: readonly BundledKey[]): Bytes {
  const w = new ByteWriter().varuint(keys.length);
  for (const k of keys) w.u8(DOC_CLASSES.indexOf(k.docClass)).varuint(k.epoch).fixed(k.material, 32);
  return w.finish();
}

function readKeys(r: ByteReader): BundledKey[] {
  const count = r.varuint('bundle.count', 256);
  const keys: BundledKey[] = [];
  for (let i = 0; i < count; i++) {
    const docClass = DOC_CLASSES[r.u8('bundle.class')];
    check(docClass !== undefined, 'bundle.class');
    keys.push({ docClass: docClass as DocClass, epoch: r.varuint('bundle.epoch'), material: r.fixed(32, 'bundle.material') });
  }
  return keys;
}

/** Seals each recipient's keys under one fresh ephemeral key: the bundleEpk and bundles of a membership version. */
export async function sealBundles(
  circleId: string,
  version: number,
  recipients: ReadonlyArray<{ devicePk: Bytes; boxPk: Bytes; keys: readonly BundledKey[] }>,
): Promise<{ bundleEpk: Bytes; bundles: KeyBundle[] }> {
  const eph = (await subtle().generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const bundleEpk = new Uint8Array(await subtle().exportKey('raw', eph.publicKey));
  const bundles: KeyBundle[] = [];
  for (const r of recipients) {
    const ctx = context(circleId, version, r.devicePk);
    const key = await bundleKey(eph.privateKey, r.boxPk, concatBytes(bundleEpk, r.boxPk), ctx);
    const { nonce, ciphertext } = await seal(key, ctx, writeKeys(r.keys));
    const sealed = concatBytes(nonce, ciphertext);
    if (sealed.length > MAX_BUNDLE_BYTES) throw new RangeError('too many keys for one bundle');
    bundles.push({ devicePk: r.devicePk, sealed });
  }
  return { bundleEpk, bundles };
}

/** Opens this device's bundle in a membership version, if it has one. */
export async function openBundle(body: Membership, devicePk: Uint8Array, box: BoxKeys): Promise<Result<BundledKey[], BundleError>> {
  const bundle = body.bundles?.find((b) => bytesEqual(b.devicePk, devicePk));
  if (!bundle || !body.bundleEpk || body.bundleEpk.length !== X25519_PUBLIC_KEY_BYTES) return { ok: false, error: 'no-bundle' };
  if (bundle.sealed.length < NONCE_BYTES + 16) return { ok: false, error: 'malformed' };
  const ctx = context(body.circleId, body.version, devicePk);
  let key: CryptoKey;
  try {
    key = await bundleKey(box.privateKey, body.bundleEpk, concatBytes(body.bundleEpk, box.publicKey), ctx);
  } catch {
    return { ok: false, error: 'tampered' };
  }
  const plain = await open(key, ctx, bundle.sealed.subarray(0, NONCE_BYTES), bundle.sealed.subarray(NONCE_BYTES));
  if (!plain.ok) return { ok: false, error: 'tampered' };
  const keys = decodeAll(plain.value, readKeys);
  return keys.ok ? { ok: true, value: keys.value } : { ok: false, error: 'malformed' };
}
