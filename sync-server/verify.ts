// Ed25519 signature checks for the relay's hot path (every push, snapshot and ephemeral
// message). The same check as src/sync/crypto.ts `verify`, weak keys refused the same way,
// but synchronous and cheaper:
//
// - libsodium through sodium-native (prebuilt for Linux, macOS and Windows, no compiler):
//   51 µs per check on the 2-core bench VM, against 108 µs for node:crypto (OpenSSL) and
//   116 µs for libsodium as WebAssembly. At 10,000 pushes a second that is the difference
//   between half a core and more than a whole one. libsodium is at least as strict as
//   OpenSSL (it also refuses small-order and non-canonical points), so an envelope it
//   accepts is one every client accepts too.
// - node:crypto when the addon cannot load (a platform without a prebuilt binary).
//
// WebCrypto spends ~70 µs of main-thread time per call on argument handling, and
// node:crypto's callback form costs more in the round trip to the libuv pool than the check
// itself. Pushes are checked on worker threads of our own, in batches (verify-pool.ts); the
// inline check serves a relay without spare cores, the pool's fallback, and the few checks
// the pool leaves to an idle main thread. The handshake
// and membership chains keep using the shared code; they are rare.

import { type KeyObject, createPublicKey, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { isWeakPublicKey } from '../src/sync/crypto';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES } from '../src/sync/protocol';

interface Sodium {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

const require = createRequire(import.meta.url);

/** Where sodium-native loads from, or null when it cannot load here (the pool's workers load it too). */
export const SODIUM_PATH: string | null = (() => {
  try {
    const path = require.resolve('sodium-native');
    require(path);
    return path;
  } catch {
    return null;
  }
})();
const sodium: Sodium | null = SODIUM_PATH === null ? null : (require(SODIUM_PATH) as Sodium);

/** Which implementation checks signatures on this relay (for /metrics and the benchmarks). */
export const VERIFY_ENGINE: 'libsodium' | 'openssl' = sodium ? 'libsodium' : 'openssl';

/** A vetted public key, ready to check signatures: the raw bytes, and OpenSSL's form when libsodium is missing. */
export interface VerifyKey {
  readonly raw: Uint8Array;
  readonly openssl: KeyObject | null;
}

/** The key for checking signatures by a raw Ed25519 public key, or null for a weak or malformed one. */
export function verifyKeyOf(raw: Uint8Array): VerifyKey | null {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES || isWeakPublicKey(raw)) return null;
  const copy = new Uint8Array(raw);
  if (sodium) return { raw: copy, openssl: null };
  try {
    return { raw: copy, openssl: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(copy).toString('base64url') }, format: 'jwk' }) };
  } catch {
    return null;
  }
}

/** True only for a valid Ed25519 signature by `key` (from verifyKeyOf); never throws. */
export function verifyWithKey(key: VerifyKey, signature: Uint8Array, data: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return sodium ? sodium.crypto_sign_verify_detached(signature, data, key.raw) : key.openssl !== null && verify(null, data, key.openssl, signature);
  } catch {
    return false;
  }
}

/** True only for a valid Ed25519 signature by a non-weak public key; never throws. */
export function verifyEd25519(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean {
  const key = verifyKeyOf(publicKey);
  return key !== null && verifyWithKey(key, signature, data);
}
