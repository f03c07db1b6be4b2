// Ed25519 signature checks for the relay's hot path (every push, snapshot and ephemeral
// message). Same check as src/sync/crypto.ts `verify` (both are OpenSSL underneath, and weak
// keys are refused the same way), but through node:crypto, synchronously. WebCrypto spends
// ~70 µs of main-thread time per call on argument handling; node:crypto's callback form
// runs the check on the libuv thread pool, but the round trip to a pool thread and back
// costs more CPU than the check itself (measured on the 2-core bench VM: 160 µs per check
// inline, 330 µs through the pool one at a time, 215 µs in bursts). Pushes are checked on
// worker threads of our own, in batches (verify-pool.ts); this inline check serves a relay
// without spare cores and the pool's fallback. The handshake and membership chains keep
// using the shared code; they are rare.

import { type KeyObject, createPublicKey, verify } from 'node:crypto';
import { toHex } from '../src/sync/codec-bytes';
import { isWeakPublicKey } from '../src/sync/crypto';
import { ED25519_SIGNATURE_BYTES } from '../src/sync/protocol';

// Importing a key costs more than a verification; few devices sign many envelopes.
// Connections also keep their own device's key (Connection.verifyKey), skipping this lookup.
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 4096;

/** The node:crypto key of a raw Ed25519 public key, or null for a weak one. */
export function publicKeyObject(raw: Uint8Array): KeyObject | null {
  const id = toHex(raw);
  const known = keys.get(id);
  if (known) return known;
  if (isWeakPublicKey(raw)) return null;
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  keys.set(id, key);
  if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value as string);
  return key;
}

/** True only for a valid Ed25519 signature by `key` (from publicKeyObject); never throws. */
export function verifyWithKey(key: KeyObject, signature: Uint8Array, data: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}

/** True only for a valid Ed25519 signature by a non-weak public key; never throws. */
export function verifyEd25519(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean {
  const key = publicKeyObject(publicKey);
  return key !== null && verifyWithKey(key, signature, data);
}
