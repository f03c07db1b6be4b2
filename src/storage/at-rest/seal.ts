/**
 * AES-256-GCM sealing with WebCrypto, under a key or under a typed secret (via kdf.ts).
 * WebCrypto is asynchronous, so none of this may run inside an IndexedDB transaction.
 *
 * Random 96-bit nonces: a secret-sealed box gets a fresh salt, hence its own key, every time;
 * callers of sealWithKey must keep one key under 2^32 seals (the NIST bound for random IVs).
 */
import { deriveKey, isBytes, newKdfParams, parseKdfParams, type KdfParams } from './kdf';

export const SEAL_NONCE_BYTES = 12;
export const SEAL_TAG_BYTES = 16;
export const SEAL_KEY_BYTES = 32;

/** A box sealed under a secret: everything needed to open it except the secret itself. */
export interface SecretSealed {
  v: 1;
  kdf: KdfParams;
  nonce: Uint8Array;
  sealed: Uint8Array;
}

const SEALED_FIELDS = new Set(['v', 'kdf', 'nonce', 'sealed']);

/** WebCrypto rejects views over shared buffers (and TS types ask for ArrayBuffer-backed ones). */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

async function aesKey(key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  if (key.length !== SEAL_KEY_BYTES) throw new RangeError(`seal: key must be ${SEAL_KEY_BYTES} bytes`);
  return globalThis.crypto.subtle.importKey('raw', own(key), { name: 'AES-GCM' }, false, [usage]);
}

/** Encrypts and authenticates `plain` (and `aad`, which is not stored) under a 32-byte key. */
export async function sealWithKey(plain: Uint8Array, key: Uint8Array, aad: Uint8Array): Promise<{ nonce: Uint8Array; sealed: Uint8Array }> {
  const nonce = new Uint8Array(SEAL_NONCE_BYTES);
  globalThis.crypto.getRandomValues(nonce);
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: own(aad), tagLength: SEAL_TAG_BYTES * 8 },
    await aesKey(key, 'encrypt'),
    own(plain),
  );
  return { nonce, sealed: new Uint8Array(sealed) };
}

/** The plaintext, or null when the key is wrong or nonce, ciphertext or aad were changed. */
export async function openWithKey(nonce: Uint8Array, sealed: Uint8Array, key: Uint8Array, aad: Uint8Array): Promise<Uint8Array | null> {
  const cryptoKey = await aesKey(key, 'decrypt');
  if (nonce.length !== SEAL_NONCE_BYTES || sealed.length < SEAL_TAG_BYTES) return null;
  try {
    const plain = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: own(nonce), additionalData: own(aad), tagLength: SEAL_TAG_BYTES * 8 },
      cryptoKey,
      own(sealed),
    );
    return new Uint8Array(plain);
  } catch {
    // OperationError: the tag did not verify. GCM cannot tell a wrong key from tampering.
    return null;
  }
}

/** Seals under a key derived from `secret` (fresh salt unless `params` are given); throws RangeError for an empty secret. */
export async function sealWithSecret(plain: Uint8Array, secret: string, aad: Uint8Array, params: KdfParams = newKdfParams()): Promise<SecretSealed> {
  const key = await deriveKey(secret, params);
  try {
    const { nonce, sealed } = await sealWithKey(plain, key, aad);
    return { v: 1, kdf: params, nonce, sealed };
  } finally {
    key.fill(0);
  }
}

/** The plaintext, or null for a wrong secret or a tampered box. */
export async function openWithSecret(box: SecretSealed, secret: string, aad: Uint8Array): Promise<Uint8Array | null> {
  // Refuse out-of-bounds parameters here too: the box may come from a file.
  const kdf = parseKdfParams(box.kdf);
  // Nothing is ever sealed under an empty secret (deriveKey refuses one).
  if (!kdf || secret.length === 0 || box.nonce.length !== SEAL_NONCE_BYTES || box.sealed.length < SEAL_TAG_BYTES) return null;
  const key = await deriveKey(secret, kdf);
  try {
    return await openWithKey(box.nonce, box.sealed, key, aad);
  } finally {
    key.fill(0);
  }
}

/** Validates a stored shape (Uint8Arrays, as IndexedDB keeps them); a copy, or null. */
export function parseSecretSealed(value: unknown): SecretSealed | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (Object.keys(v).some((k) => !SEALED_FIELDS.has(k)) || v['v'] !== 1) return null;
  const kdf = parseKdfParams(v['kdf']);
  const { nonce, sealed } = v;
  if (!kdf || !isBytes(nonce) || nonce.length !== SEAL_NONCE_BYTES || !isBytes(sealed) || sealed.length < SEAL_TAG_BYTES) return null;
  return { v: 1, kdf, nonce: new Uint8Array(nonce), sealed: new Uint8Array(sealed) };
}
