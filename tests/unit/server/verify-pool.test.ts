// The relay's signature checks on worker threads: the same verdicts as the inline check,
// batches answered in order, and a closed pool refuses rather than hangs. The inline check
// (libsodium here) gives OpenSSL's verdicts, which is what the clients' WebCrypto uses.
import { afterEach, describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { VerifyPool } from '../../../sync-server/verify-pool';
import { VERIFY_ENGINE, verifyEd25519 } from '../../../sync-server/verify';

const pools: VerifyPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
  return { raw, sign: (data: Uint8Array) => new Uint8Array(sign(null, data, privateKey)) };
}

function signedCases() {
  const a = keyPair();
  const b = keyPair();
  const data = Array.from({ length: 40 }, (_, i) => new Uint8Array(200).fill(i));
  return data.flatMap((d, i) => {
    const good = a.sign(d);
    const flipped = good.slice();
    flipped[7] = (flipped[7] as number) ^ 1;
    const highS = good.slice();
    highS[63] = (highS[63] as number) | 0xf0;
    return [
      { pk: a.raw, sig: good, data: d },
      { pk: b.raw, sig: good, data: d },
      { pk: a.raw, sig: flipped, data: d },
      { pk: a.raw, sig: highS, data: d },
      { pk: a.raw, sig: good.slice(0, 63), data: d },
      { pk: a.raw.slice(0, 31), sig: good, data: d },
      { pk: a.raw, sig: good, data: data[(i + 1) % data.length] as Uint8Array },
    ];
  });
}

describe('the inline check', () => {
  it('uses libsodium on this platform and gives the same verdicts as OpenSSL', () => {
    expect(VERIFY_ENGINE).toBe('libsodium');
    const cases = signedCases();
    const openssl = cases.map((c) => {
      try {
        const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(c.pk).toString('base64url') }, format: 'jwk' });
        return verify(null, c.data, key, c.sig);
      } catch {
        return false;
      }
    });
    expect(cases.map((c) => verifyEd25519(c.pk, c.sig, c.data))).toEqual(openssl);
    expect(openssl.filter(Boolean)).toHaveLength(40);
  });

  it('refuses weak and malformed keys', () => {
    const a = keyPair();
    const d = new Uint8Array(10);
    const sig = a.sign(d);
    expect(verifyEd25519(new Uint8Array(32), sig, d)).toBe(false);
    expect(verifyEd25519(a.raw.slice(0, 31), sig, d)).toBe(false);
    expect(verifyEd25519(a.raw, sig, d)).toBe(true);
  });
});

describe('VerifyPool', () => {
  it('agrees with the inline check on good, tampered and short signatures, in one batch', async () => {
    const pool = new VerifyPool(2, false);
    pools.push(pool);
    const cases = signedCases();
    const verdicts = await Promise.all(cases.map((c) => pool.verify(c.pk, c.sig, c.data)));
    expect(verdicts).toEqual(cases.map((c) => verifyEd25519(c.pk, c.sig, c.data)));
    expect(verdicts.filter(Boolean)).toHaveLength(40);
  });

  it('checks what it has time for on the main thread, and hands a burst and a busy time to the workers', async () => {
    const pool = new VerifyPool(1);
    pools.push(pool);
    const cases = signedCases();
    const one = cases[0] as (typeof cases)[number];
    const bad = cases[2] as (typeof cases)[number];
    const expected = cases.map((c) => verifyEd25519(c.pk, c.sig, c.data));
    // Idle for longer than the pool's measuring window: a turn's few checks stay here.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await Promise.all([pool.verify(one.pk, one.sig, one.data), pool.verify(bad.pk, bad.sig, bad.data)])).toEqual([true, false]);
    expect(pool.counts).toEqual({ main: 2, worker: 0 });
    // A burst of 280 in one turn: about 1 ms of them here, the rest on the worker, every verdict right.
    expect(await Promise.all(cases.map((c) => pool.verify(c.pk, c.sig, c.data)))).toEqual(expected);
    const burstInline = pool.counts.main - 2;
    expect(burstInline).toBeGreaterThan(0);
    expect(burstInline).toBeLessThan(cases.length / 4);
    expect(pool.counts.worker).toBe(cases.length - burstInline);

    // A main thread busy for a whole window leaves its checks to the worker.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await pool.verify(one.pk, one.sig, one.data)).toBe(true);
    const busyUntil = performance.now() + 120;
    while (performance.now() < busyUntil);
    const before = { ...pool.counts };
    expect(await Promise.all(cases.slice(0, 7).map((c) => pool.verify(c.pk, c.sig, c.data)))).toEqual(expected.slice(0, 7));
    expect(pool.counts).toEqual({ main: before.main, worker: before.worker + 7 });

    const always = new VerifyPool(1, false);
    pools.push(always);
    expect(await always.verify(one.pk, one.sig, one.data)).toBe(true);
    expect(always.counts).toEqual({ main: 0, worker: 1 });

    // No worker threads (a one-core machine): every check inline.
    const none = new VerifyPool(0);
    pools.push(none);
    expect(await Promise.all(cases.map((c) => none.verify(c.pk, c.sig, c.data)))).toEqual(expected);
    expect(none.counts).toEqual({ main: cases.length, worker: 0 });
  });

  it('a closed pool refuses new checks', async () => {
    const pool = new VerifyPool(1);
    await pool.close();
    const a = keyPair();
    const d = new Uint8Array(10);
    await expect(pool.verify(a.raw, a.sign(d), d)).rejects.toThrow('closed');
  });

  it('uses every core but one by default', () => {
    expect(VerifyPool.defaultThreads()).toBeGreaterThanOrEqual(0);
  });
});
