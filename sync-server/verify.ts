// Ed25519 signature checks for the relay's hot path (every push, snapshot and ephemeral
// message). Same check as src/sync/crypto.ts `verify` (both are OpenSSL underneath, and weak
// keys are refused the same way), but through node:crypto's callback API: WebCrypto spends
// ~70 µs of main-thread time per call on argument handling, node:crypto ~5 µs, and its
// thread-pool work is about half. The handshake and membership chains keep using the
// shared code; they are rare.

import { type KeyObject, createPublicKey, verify } from 'node:crypto';
import { toHex } from '../src/sync/codec-bytes';
import { isWeakPublicKey } from '../src/sync/crypto';
import { ED25519_SIGNATURE_BYTES } from '../src/sync/protocol';

// Importing a key costs more than a verification; few devices sign many envelopes.
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 4096;

function keyFor(raw: Uint8Array): KeyObject | null {
  const id = toHex(raw);
  const known = keys.get(id);
  if (known) return known;
  if (isWeakPublicKey(raw)) return null;
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  keys.set(id, key);
  if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value as string);
  return key;
}

/** True only for a valid Ed25519 signature by a non-weak public key; never rejects. */
export function verifyEd25519(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return Promise.resolve(false);
  const key = keyFor(publicKey);
  if (!key) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(null, data, key, signature, (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false);
    }
  });
}
