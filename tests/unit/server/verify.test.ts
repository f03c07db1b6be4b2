// The relay's fast Ed25519 check agrees with the shared WebCrypto one.
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/sync/codec-bytes';
import { sign, verify } from '../../../src/sync/crypto';
import { verifyEd25519 } from '../../../sync-server/verify';
import { deviceFromSeed } from '../sync/fixtures';

describe('verifyEd25519', () => {
  it('accepts exactly what the shared verify accepts', async () => {
    const [a, b] = await Promise.all([deviceFromSeed(1), deviceFromSeed(2)]);
    const data = utf8('paceline/envelope/v1\0 something signed');
    const sig = await sign(a!.privateKey, data);
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
      [a!.publicKey, sig, data],
      [b!.publicKey, sig, data],
      [a!.publicKey, sig.map((x, i) => (i === 7 ? x ^ 1 : x)), data],
      [a!.publicKey, sig, utf8('other bytes')],
      [a!.publicKey, sig.slice(0, 63), data],
      // A small-order key with the all-zero signature: WebCrypto would accept it, both refuse.
      [new Uint8Array(32).fill(0).map((_, i) => (i === 0 ? 1 : 0)), new Uint8Array(64), data],
    ];
    for (const [pk, s, d] of cases) expect(await verifyEd25519(pk, s, d)).toBe(await verify(pk, s, d));
    expect(await verifyEd25519(a!.publicKey, sig, data)).toBe(true);
  });
});
