// Deterministic keys and sample values for the sync foundation tests.
import fc from 'fast-check';
import type { Bytes } from '../../../src/sync/codec-bytes';
import { type DeviceKeys, importDocKey, isWeakPublicKey, type DocKey } from '../../../src/sync/crypto';
import { type DocId, docIdOf } from '../../../src/sync/protocol';

export const CIRCLE = '01HZY3J6Q8W8X7V5T4S3R2Q1P0';
export const JOURNAL: DocId = docIdOf(CIRCLE, 'journal');
export const PLAN: DocId = docIdOf(CIRCLE, 'plan');

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte prefix, then the seed.
const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

/** A device key pair derived from a small number, the same on every run. */
export async function deviceFromSeed(n: number): Promise<DeviceKeys> {
  const pkcs8 = new Uint8Array([...PKCS8_ED25519_PREFIX, ...new Uint8Array(32).fill(n)]);
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  // Export the private key as JWK to get the public half (x), as subtle has no "public from private".
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const publicKey = Uint8Array.from(atob((jwk.x as string).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return { publicKey, privateKey };
}

/** Document key material filled with one byte value. */
export function material(n: number): Bytes {
  return new Uint8Array(32).fill(n);
}

/** A document key from fixed material. */
export async function docKey(docId: DocId, epoch: number, n = 7): Promise<DocKey> {
  const key = await importDocKey(material(n), docId, epoch);
  if (!key.ok) throw new Error(key.error);
  return key.value;
}

/** Bytes as a latin1 string, to search sealed output for a plaintext marker. */
export function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

// ---------------------------------------------------------------------------------------
// fast-check arbitraries

export const arbCircleId = fc.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
export const arbBytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }) as fc.Arbitrary<Bytes>;
export const arbPublicKey = arbBytes(32).filter((b) => !isWeakPublicKey(b));
export const arbSeq = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
export const arbCount = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
