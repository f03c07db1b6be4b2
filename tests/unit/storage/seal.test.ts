import { describe, expect, it } from 'vitest';
import { DEFAULT_KDF, deriveKey, newKdfParams, parseKdfParams, type KdfParams } from '../../../src/storage/at-rest/kdf';
import { openWithKey, openWithSecret, parseSecretSealed, sealWithKey, sealWithSecret, type SecretSealed } from '../../../src/storage/at-rest/seal';

// Small parameters keep the tests fast; DEFAULT_KDF is timed once below.
const FAST = { alg: 'argon2id', memoryKiB: 1024, iterations: 1, parallelism: 1 } as const;
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
const AAD = utf8('paceline-test/1');

function flipped(bytes: Uint8Array, index = 0): Uint8Array {
  const out = new Uint8Array(bytes);
  out[index] = out[index]! ^ 0x01;
  return out;
}

describe('deriveKey', () => {
  it('gives 32 bytes, the same for the same secret and salt, different for another salt or secret', async () => {
    const params = newKdfParams(FAST);
    expect(params.salt).toHaveLength(16);
    const a = await deriveKey('correct horse', params);
    expect(a).toHaveLength(32);
    expect(await deriveKey('correct horse', params)).toEqual(a);
    expect(await deriveKey('correct horsf', params)).not.toEqual(a);
    expect(await deriveKey('correct horse', newKdfParams(FAST))).not.toEqual(a);
  });

  it('normalises to NFC: a composed and a decomposed "é" give the same key', async () => {
    const composed = 'caf\u00e9-1234';
    const decomposed = 'cafe\u0301-1234';
    expect(composed).not.toBe(decomposed);
    const params = newKdfParams(FAST);
    expect(await deriveKey(decomposed, params)).toEqual(await deriveKey(composed, params));
  });

  it('matches an independent Argon2id implementation (known answer)', async () => {
    // Expected value from Python's `cryptography` (OpenSSL) Argon2id, which reproduces the
    // RFC 9106 section 5.3 test vector: password "café-ñ" (NFC, UTF-8), salt 16 × 0x02, m=1024, t=1, p=1.
    // Typed here decomposed, so this also pins the NFC step.
    const key = await deriveKey('cafe\u0301-n\u0303', { ...FAST, salt: new Uint8Array(16).fill(2) });
    expect(Buffer.from(key).toString('hex')).toBe('75da092fb12c4eb440deabb721c9846152d7a6904e6d2b13c53d3f917980ac94');
  });

  it('refuses parameters out of bounds and an empty secret (bugs in the caller)', async () => {
    await expect(deriveKey('x', { ...FAST, memoryKiB: 2 * 1024 * 1024, salt: new Uint8Array(16) })).rejects.toThrow(RangeError);
    await expect(deriveKey('', newKdfParams(FAST))).rejects.toThrow(RangeError);
    await expect(sealWithSecret(utf8('x'), '', AAD, newKdfParams(FAST))).rejects.toThrow(RangeError);
  });

  it('with DEFAULT_KDF (64 MiB, 3 passes) takes a measurable time (printed, not asserted)', async () => {
    const params = newKdfParams();
    expect(params).toMatchObject({ alg: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 });
    const start = performance.now();
    const key = await deriveKey('a typical passphrase', params);
    const ms = performance.now() - start;
    expect(key).toHaveLength(32);
    console.log(`argon2id DEFAULT_KDF (64 MiB, t=3, p=1) in Node ${process.version}: ${ms.toFixed(0)} ms`);
  }, 30_000);
});

describe('parseKdfParams', () => {
  const good = () => ({ alg: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1, salt: new Uint8Array(16).fill(7) });

  it('accepts the defaults and the bounds, and copies the salt', () => {
    const value = good();
    const parsed = parseKdfParams(value);
    expect(parsed).toEqual(value);
    expect(parsed!.salt).not.toBe(value.salt);
    for (const edge of [
      { memoryKiB: 1024 }, { memoryKiB: 1024 * 1024 }, { iterations: 1 }, { iterations: 20 },
      { parallelism: 4 }, { salt: new Uint8Array(64) },
    ]) expect(parseKdfParams({ ...good(), ...edge }), JSON.stringify(edge)).not.toBeNull();
    expect(parseKdfParams({ ...DEFAULT_KDF, salt: new Uint8Array(16) })).not.toBeNull();
  });

  it('rejects anything else', () => {
    const bad: unknown[] = [
      null, undefined, 'argon2id', [], 42,
      { ...good(), alg: 'argon2i' }, { ...good(), alg: undefined },
      { ...good(), memoryKiB: 1023 }, { ...good(), memoryKiB: 1024 * 1024 + 1 }, { ...good(), memoryKiB: 2048.5 }, { ...good(), memoryKiB: '65536' },
      { ...good(), iterations: 0 }, { ...good(), iterations: 21 }, { ...good(), iterations: Number.NaN },
      { ...good(), parallelism: 0 }, { ...good(), parallelism: 5 }, { ...good(), parallelism: Infinity },
      { ...good(), salt: new Uint8Array(15) }, { ...good(), salt: new Uint8Array(65) }, { ...good(), salt: Array(16).fill(1) },
      { ...good(), salt: 'AAAAAAAAAAAAAAAAAAAAAA==' }, { ...good(), salt: new Uint16Array(16) },
      { ...good(), secret: new Uint8Array(16) },
    ];
    for (const value of bad) expect(parseKdfParams(value)).toBeNull();
  });
});

describe('sealWithSecret / openWithSecret', () => {
  const seal = (plain = 'my pain diary', secret = 'pässwörd 1') => sealWithSecret(utf8(plain), secret, AAD, newKdfParams(FAST));

  it('round trips, with a fresh salt and nonce each time', async () => {
    const box = await seal();
    expect(box).toMatchObject({ v: 1, kdf: FAST });
    expect(box.nonce).toHaveLength(12);
    expect(box.sealed).toHaveLength(utf8('my pain diary').length + 16);
    expect(text(await openWithSecret(box, 'pässwörd 1', AAD))).toBe('my pain diary');
    const again = await seal();
    expect(again.kdf.salt).not.toEqual(box.kdf.salt);
    expect(again.nonce).not.toEqual(box.nonce);
  });

  it('opens with the secret typed in the other Unicode normal form', async () => {
    const box = await seal('x', 'Jose\u0301');
    expect(text(await openWithSecret(box, 'Jos\u00e9', AAD))).toBe('x');
  });

  it('gives null for a wrong secret', async () => {
    const box = await seal();
    expect(await openWithSecret(box, 'pässwörd 2', AAD)).toBeNull();
    expect(await openWithSecret(box, '', AAD)).toBeNull();
  });

  it('gives null when nonce, ciphertext, tag, salt, parameters or aad were changed', async () => {
    const box = await seal();
    const tampered: SecretSealed[] = [
      { ...box, nonce: flipped(box.nonce) },
      { ...box, sealed: flipped(box.sealed) },
      { ...box, sealed: flipped(box.sealed, box.sealed.length - 1) },
      { ...box, sealed: box.sealed.subarray(0, box.sealed.length - 1) },
      { ...box, kdf: { ...box.kdf, salt: flipped(box.kdf.salt) } },
      { ...box, kdf: { ...box.kdf, iterations: 2 } },
      { ...box, nonce: box.nonce.subarray(0, 11) },
    ];
    for (const t of tampered) expect(await openWithSecret(t, 'pässwörd 1', AAD)).toBeNull();
    expect(await openWithSecret(box, 'pässwörd 1', utf8('paceline-test/2'))).toBeNull();
    expect(await openWithSecret(box, 'pässwörd 1', new Uint8Array(0))).toBeNull();
  });

  it('refuses a box whose parameters are out of bounds without deriving anything', async () => {
    const box = await seal();
    expect(await openWithSecret({ ...box, kdf: { ...box.kdf, memoryKiB: 4 * 1024 * 1024 } }, 'pässwörd 1', AAD)).toBeNull();
  });

  it('seals an empty plaintext', async () => {
    const box = await seal('');
    expect(text(await openWithSecret(box, 'pässwörd 1', AAD))).toBe('');
  });
});

describe('sealWithKey / openWithKey', () => {
  const key = new Uint8Array(32).fill(9);

  it('round trips and detects tampering and a wrong key', async () => {
    const { nonce, sealed } = await sealWithKey(utf8('hello'), key, AAD);
    expect(text(await openWithKey(nonce, sealed, key, AAD))).toBe('hello');
    expect(await openWithKey(flipped(nonce), sealed, key, AAD)).toBeNull();
    expect(await openWithKey(nonce, flipped(sealed, 2), key, AAD)).toBeNull();
    expect(await openWithKey(nonce, sealed, key, utf8('other'))).toBeNull();
    expect(await openWithKey(nonce, sealed, flipped(key), AAD)).toBeNull();
    expect(await openWithKey(nonce, sealed.subarray(0, 15), key, AAD)).toBeNull();
  });

  it('works on views into larger buffers', async () => {
    const big = new Uint8Array(64).fill(9);
    const view = big.subarray(16, 48);
    const { nonce, sealed } = await sealWithKey(utf8('view'), view, AAD);
    expect(text(await openWithKey(nonce, sealed, key, AAD))).toBe('view');
  });

  it('throws on a key that is not 32 bytes (a bug, not input)', async () => {
    await expect(sealWithKey(utf8('x'), new Uint8Array(16), AAD)).rejects.toThrow(RangeError);
  });
});

describe('parseSecretSealed', () => {
  it('accepts a sealed box (and a structured clone of one) and rejects broken shapes', async () => {
    const box = await sealWithSecret(utf8('x'), 'secret!!', AAD, newKdfParams(FAST));
    expect(parseSecretSealed(box)).toEqual(box);
    const clone = parseSecretSealed(structuredClone(box));
    expect(clone).toEqual(box);
    expect(text(await openWithSecret(clone!, 'secret!!', AAD))).toBe('x');
    const bad: unknown[] = [
      null, 'box', [], { ...box, v: 2 }, { ...box, v: '1' }, { ...box, kdf: { ...box.kdf, parallelism: 9 } },
      { ...box, nonce: new Uint8Array(11) }, { ...box, nonce: [...box.nonce] }, { ...box, sealed: new Uint8Array(15) },
      { ...box, sealed: 'AAAA' }, { ...box, extra: 1 }, { v: 1, kdf: box.kdf, nonce: box.nonce },
    ];
    for (const value of bad) expect(parseSecretSealed(value)).toBeNull();
  });
});
