// The relay's signature checks on worker threads: the same verdicts as the inline check,
// batches answered in order, and a closed pool refuses rather than hangs.
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { VerifyPool } from '../../../sync-server/verify-pool';
import { verifyEd25519 } from '../../../sync-server/verify';

const pools: VerifyPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
  return { raw, sign: (data: Uint8Array) => new Uint8Array(sign(null, data, privateKey)) };
}

describe('VerifyPool', () => {
  it('agrees with the inline check on good, tampered and short signatures, in one batch', async () => {
    const pool = new VerifyPool(2);
    pools.push(pool);
    const a = keyPair();
    const b = keyPair();
    const data = Array.from({ length: 40 }, (_, i) => new Uint8Array(200).fill(i));
    const cases = data.flatMap((d, i) => {
      const good = a.sign(d);
      const flipped = good.slice();
      flipped[7] = (flipped[7] as number) ^ 1;
      return [
        { pk: a.raw, sig: good, data: d },
        { pk: b.raw, sig: good, data: d },
        { pk: a.raw, sig: flipped, data: d },
        { pk: a.raw, sig: good.slice(0, 63), data: d },
        { pk: a.raw, sig: good, data: data[(i + 1) % data.length] as Uint8Array },
      ];
    });
    const verdicts = await Promise.all(cases.map((c) => pool.verify(c.pk, c.sig, c.data)));
    expect(verdicts).toEqual(cases.map((c) => verifyEd25519(c.pk, c.sig, c.data)));
    expect(verdicts.filter(Boolean)).toHaveLength(40);
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
