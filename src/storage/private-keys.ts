/**
 * Private keys at rest. Ordinary devices keep them as non-extractable CryptoKeys: IndexedDB
 * stores them by structured clone and no script can read them out. A clinic tablet keeps
 * them as pkcs8 bytes instead, so that its at-rest encryption (at-rest/middleware.ts) seals
 * them like every other value; a structured-clone CryptoKey would lie in the browser's files
 * unencrypted, where whoever takes the tablet could copy it.
 */
import type { StoredBytes } from './sync-rows';

export type PrivateKeyAlg = 'Ed25519' | 'X25519';
export type StoredPrivateKey = CryptoKey | { pkcs8: StoredBytes; alg: PrivateKeyAlg };

let asBytes = false;

/** Clinic tablets: from now on keys are created extractable and stored as bytes (set before any key is made). */
export function keepPrivateKeysAsBytes(): void {
  asBytes = true;
}

/** Whether new private keys must be extractable (to be stored as bytes). */
export function privateKeysAsBytes(): boolean {
  return asBytes;
}

const USAGES: Record<PrivateKeyAlg, KeyUsage[]> = { Ed25519: ['sign'], X25519: ['deriveBits'] };

function algOf(key: CryptoKey): PrivateKeyAlg {
  const name = key.algorithm.name;
  if (name !== 'Ed25519' && name !== 'X25519') throw new Error(`private key of unexpected algorithm ${name}`);
  return name;
}

/** The form a private key is stored in (call outside any IndexedDB transaction: export is asynchronous). */
export async function toStoredKey(key: CryptoKey): Promise<StoredPrivateKey> {
  if (!asBytes) return key;
  if (!key.extractable) throw new Error('a clinic tablet must store its private keys encrypted, but this key cannot be exported');
  return { pkcs8: new Uint8Array(await crypto.subtle.exportKey('pkcs8', key)) as StoredBytes, alg: algOf(key) };
}

/** A stored private key as a CryptoKey (extractable only on a clinic tablet, which must store it again as bytes). */
export async function fromStoredKey(stored: StoredPrivateKey): Promise<CryptoKey> {
  if (!('pkcs8' in stored)) return stored;
  return crypto.subtle.importKey('pkcs8', new Uint8Array(stored.pkcs8), { name: stored.alg }, asBytes, USAGES[stored.alg]);
}
