import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deriveRoomPassword,
  generateDeviceKeys,
  importDocKey,
  importPublicKey,
  isWeakPublicKey,
  open,
  seal,
  sha256,
  sign,
  unwrapDeviceKey,
  verify,
  wrapDeviceKey,
} from '../../../src/sync/crypto';
import { utf8 } from '../../../src/sync/codec-bytes';
import { docKey, deviceFromSeed, JOURNAL, PLAN, material } from './fixtures';

// The curve, to recompute the small-order points rather than trust a pasted list.
const P = 2n ** 255n - 19n;
const mod = (a: bigint) => ((a % P) + P) % P;
const pow = (b: bigint, e: bigint) => {
  let r = 1n;
  let x = mod(b);
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = (r * x) % P;
    x = (x * x) % P;
  }
  return r;
};
const inv = (a: bigint) => pow(a, P - 2n);
const sqrt = (a: bigint): bigint | null => {
  let r = pow(a, (P + 3n) / 8n);
  if (mod(r * r - a) !== 0n) r = mod(r * pow(2n, (P - 1n) / 4n));
  return mod(r * r - a) === 0n ? r : null;
};
const encodeY = (y: bigint, signBit: boolean) => {
  const out = new Uint8Array(32);
  let v = y;
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 255n);
  if (signBit) out[31] = (out[31] as number) | 0x80;
  return out;
};

function smallOrderYs(): bigint[] {
  const d = mod(-121665n * inv(121666n));
  // Order-8 points satisfy y^2 = (-1 +- sqrt(1 + d)) / d; only one sign has square roots.
  const s = sqrt(mod(1n + d)) as bigint;
  const ys = [0n, 1n, P - 1n];
  for (const sgn of [1n, -1n]) {
    const y = sqrt(mod((-1n + sgn * s) * inv(d)));
    if (y !== null) ys.push(y, mod(-y));
  }
  return ys;
}

describe('device keys', () => {
  it('sign and verify; a changed message, key or signature fails', async () => {
    const a = await generateDeviceKeys();
    const b = await deviceFromSeed(2);
    expect(a.publicKey.length).toBe(32);
    expect(a.privateKey.extractable).toBe(false);
    const msg = utf8('pain 6/10');
    const sig = await sign(a.privateKey, msg);
    expect(await verify(a.publicKey, sig, msg)).toBe(true);
    expect(await verify(a.publicKey, sig, utf8('pain 2/10'))).toBe(false);
    expect(await verify(b.publicKey, sig, msg)).toBe(false);
    const bad = sig.slice();
    bad[10] = (bad[10] as number) ^ 1;
    expect(await verify(a.publicKey, bad, msg)).toBe(false);
    expect(await verify(a.publicKey, sig.slice(0, 63), msg)).toBe(false);
  });

  it('refuses every small-order and non-canonical public key, which would verify a forged signature', async () => {
    const ys = smallOrderYs();
    expect(ys).toHaveLength(5);
    const forged = new Uint8Array(64);
    forged[0] = 1; // R = identity, S = 0
    for (const y of ys) {
      for (const signBit of [false, true]) {
        const pk = encodeY(y, signBit);
        expect(isWeakPublicKey(pk)).toBe(true);
        expect(await verify(pk, forged, utf8('any message'))).toBe(false);
        expect(await importPublicKey(pk)).toEqual({ ok: false, error: 'weak-public-key' });
      }
    }
    for (let k = 0n; k < 19n; k++) expect(isWeakPublicKey(encodeY(P + k, false))).toBe(true);
    expect(isWeakPublicKey(new Uint8Array(31))).toBe(true);
    expect(isWeakPublicKey((await deviceFromSeed(3)).publicKey)).toBe(false);
  });

  it('decides weak keys by the definition, fast path included', () => {
    const weak = new Set(smallOrderYs());
    const byDefinition = (pk: Uint8Array) => {
      let y = 0n;
      for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? (pk[i] as number) & 0x7f : (pk[i] as number));
      return y >= P || weak.has(y);
    };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom(-1, 0x00, 0xff), fc.constantFrom(-1, 0x26, 0xc7, 0xec, 0x01, 0x00), (pk, b1, b0) => {
        // Steer some keys next to the weak ones: byte 1 and byte 0 as the fast path looks at them.
        if (b1 >= 0) pk.fill(b1, 1, 31);
        if (b0 >= 0) pk[0] = b0;
        expect(isWeakPublicKey(pk)).toBe(byDefinition(pk));
      }),
      { seed: 20261123, numRuns: 3000 },
    );
    for (const y of weak) for (const signBit of [false, true]) expect(isWeakPublicKey(encodeY(y, signBit))).toBe(true);
  });

  it('wraps a wrappable private key and unwraps it as non-extractable; a wrong wrapping key fails', async () => {
    const device = await generateDeviceKeys({ wrappable: true });
    const pin = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
    const other = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
    const wrapped = await wrapDeviceKey(device, pin);
    if (!wrapped.ok) throw new Error(wrapped.error);
    const back = await unwrapDeviceKey(wrapped.value, pin);
    if (!back.ok) throw new Error(back.error);
    expect(back.value.privateKey.extractable).toBe(false);
    const msg = utf8('hello');
    expect(await verify(device.publicKey, await sign(back.value.privateKey, msg), msg)).toBe(true);
    expect(await unwrapDeviceKey(wrapped.value, other)).toEqual({ ok: false, error: 'unwrap-failed' });
    expect(await wrapDeviceKey(await generateDeviceKeys(), pin)).toEqual({ ok: false, error: 'not-extractable' });
  });
});

describe('document keys', () => {
  it('seal and open round-trip; a wrong key, changed associated data or nonce is tampered', async () => {
    const key = await docKey(JOURNAL, 1);
    const other = await docKey(JOURNAL, 1, 8);
    const ad = utf8('header');
    const sealed = await seal(key.sealKey, ad, utf8('secret'));
    expect(sealed.nonce.length).toBe(12);
    expect(await open(key.sealKey, ad, sealed.nonce, sealed.ciphertext)).toEqual({ ok: true, value: utf8('secret') });
    expect(await open(other.sealKey, ad, sealed.nonce, sealed.ciphertext)).toEqual({ ok: false, error: 'tampered' });
    expect(await open(key.sealKey, utf8('headeR'), sealed.nonce, sealed.ciphertext)).toEqual({ ok: false, error: 'tampered' });
    expect(await open(key.sealKey, ad, new Uint8Array(12), sealed.ciphertext)).toEqual({ ok: false, error: 'tampered' });
    expect(await open(key.ephemeralKey, ad, sealed.nonce, sealed.ciphertext)).toEqual({ ok: false, error: 'tampered' });
  });

  it('uses a fresh nonce for every seal', async () => {
    const key = await docKey(JOURNAL, 1);
    const nonces = new Set<string>();
    for (let i = 0; i < 200; i++) nonces.add(Buffer.from((await seal(key.sealKey, new Uint8Array(0), utf8('same'))).nonce).toString('hex'));
    expect(nonces.size).toBe(200);
  });

  it('derives the same room password on every device, different per document and epoch', async () => {
    const a = await deriveRoomPassword(await docKey(JOURNAL, 1));
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await deriveRoomPassword(await docKey(JOURNAL, 1))).toBe(a);
    expect(await deriveRoomPassword(await docKey(JOURNAL, 2))).not.toBe(a);
    expect(await deriveRoomPassword(await docKey(PLAN, 1))).not.toBe(a);
    // Never the raw material itself.
    expect(a).not.toBe(Buffer.from(material(7)).toString('base64url'));
  });

  it('refuses key material of the wrong length', async () => {
    expect(await importDocKey(new Uint8Array(16), JOURNAL, 0)).toEqual({ ok: false, error: 'bad-key-length' });
  });

  it('hashes with SHA-256', async () => {
    expect(Buffer.from(await sha256(utf8('abc'))).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
