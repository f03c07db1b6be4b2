/**
 * Keys from things people type (a kiosk PIN, a backup password): Argon2id, memory-hard, so
 * that guessing costs memory as well as time. hash-wasm ships its WebAssembly inlined as
 * base64, so this works offline and needs `'wasm-unsafe-eval'` in the CSP's script-src.
 */

export interface KdfParams {
  alg: 'argon2id';
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  salt: Uint8Array;
}

/**
 * RFC 9106 section 4, second recommended option ("if much less memory is available"):
 * Argon2id, t=3, p=1, m=64 MiB. The first option (2 GiB) would not fit on a cheap tablet.
 */
export const DEFAULT_KDF: Omit<KdfParams, 'salt'> = Object.freeze({ alg: 'argon2id', memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 });

export const KDF_KEY_BYTES = 32;
export const KDF_SALT_BYTES = 16;

/** What a stored or imported shape may ask for; more memory than this could stall a tablet. */
export const KDF_BOUNDS = Object.freeze({
  memoryKiB: { min: 1024, max: 1024 * 1024 },
  iterations: { min: 1, max: 20 },
  parallelism: { min: 1, max: 4 },
  saltBytes: { min: 16, max: 64 },
});

const KDF_FIELDS = new Set(['alg', 'memoryKiB', 'iterations', 'parallelism', 'salt']);

/** Fresh parameters with 16 random bytes of salt. */
export function newKdfParams(base: Omit<KdfParams, 'salt'> = DEFAULT_KDF): KdfParams {
  const salt = new Uint8Array(KDF_SALT_BYTES);
  globalThis.crypto.getRandomValues(salt);
  return { alg: 'argon2id', memoryKiB: base.memoryKiB, iterations: base.iterations, parallelism: base.parallelism, salt };
}

/**
 * A 32-byte key from `secret` (NFC-normalised, then UTF-8), so "é" typed either way gives one
 * key. Throws RangeError for an empty secret or out-of-bounds params: callers check both first.
 */
export async function deriveKey(secret: string, params: KdfParams): Promise<Uint8Array<ArrayBuffer>> {
  if (!parseKdfParams(params)) throw new RangeError('deriveKey: KDF parameters out of bounds');
  // hash-wasm refuses an empty password, and no key should ever come from one.
  if (secret.length === 0) throw new RangeError('deriveKey: empty secret');
  const password = new TextEncoder().encode(secret.normalize('NFC'));
  try {
    // Loaded on first use: its inlined WebAssembly is 30 KB that screens without a password never need.
    const { argon2id } = await import('hash-wasm');
    const key = await argon2id({
      password,
      salt: params.salt,
      iterations: params.iterations,
      parallelism: params.parallelism,
      memorySize: params.memoryKiB,
      hashLength: KDF_KEY_BYTES,
      outputType: 'binary',
    });
    return new Uint8Array(key);
  } finally {
    password.fill(0);
  }
}

function isInt(value: unknown, bounds: { min: number; max: number }): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= bounds.min && value <= bounds.max;
}

/** True for a Uint8Array, also one made in another realm (a structured clone, a test runner). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || Object.prototype.toString.call(value) === '[object Uint8Array]';
}

/** Validates a stored or imported shape; a copy (own salt buffer) when it is within bounds, else null. */
export function parseKdfParams(value: unknown): KdfParams | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  // An unknown field could be a future parameter that changes the key: refuse rather than guess.
  if (Object.keys(v).some((k) => !KDF_FIELDS.has(k))) return null;
  if (v['alg'] !== 'argon2id') return null;
  const { memoryKiB, iterations, parallelism, salt } = v;
  if (!isInt(memoryKiB, KDF_BOUNDS.memoryKiB) || !isInt(iterations, KDF_BOUNDS.iterations) || !isInt(parallelism, KDF_BOUNDS.parallelism)) return null;
  if (!isBytes(salt) || salt.length < KDF_BOUNDS.saltBytes.min || salt.length > KDF_BOUNDS.saltBytes.max) return null;
  return { alg: 'argon2id', memoryKiB, iterations, parallelism, salt: new Uint8Array(salt) };
}
