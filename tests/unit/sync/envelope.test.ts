import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/sync/codec-bytes';
import { readMessage, writeMessage } from '../../../src/sync/codec';
import { LIMITS } from '../../../src/sync/protocol';
import {
  type UpdateHeader,
  envelopeHash,
  envelopeSignedBytes,
  openEnvelope,
  readEnvelope,
  readEnvelopeHeader,
  sealEnvelope,
  verifyEnvelope,
  writeEnvelope,
  writeEnvelopeHeader,
} from '../../../src/sync/protocol-envelope';
import { sign } from '../../../src/sync/crypto';
import { CIRCLE, JOURNAL, PLAN, deviceFromSeed, docKey, latin1 } from './fixtures';

const MARKER = 'MARKER-knee-pain-7-of-10-after-physio';

async function setup() {
  const device = await deviceFromSeed(1);
  const key = await docKey(JOURNAL, 3);
  const header: UpdateHeader = { type: 'update', circleId: CIRCLE, docId: JOURNAL, keyEpoch: 3, devicePk: device.publicKey, devSeq: 12 };
  const sealed = await sealEnvelope(device, key, header, utf8(`{"note":"${MARKER}"}`));
  if (!sealed.ok) throw new Error(sealed.error.code);
  return { device, key, header, env: sealed.value };
}

describe('envelope', () => {
  it('seals, verifies and opens', async () => {
    const { key, env } = await setup();
    expect((await verifyEnvelope(env)).ok).toBe(true);
    expect(await openEnvelope(env, key)).toEqual({ ok: true, value: utf8(`{"note":"${MARKER}"}`) });
  });

  it('round-trips the canonical header and envelope bytes', async () => {
    const { header, env } = await setup();
    expect(readEnvelopeHeader(writeEnvelopeHeader(header))).toEqual({ ok: true, value: header });
    const bytes = writeEnvelope(env);
    expect(readEnvelope(bytes)).toEqual({ ok: true, value: env });
  });

  it('keeps the plaintext out of the sealed bytes and of the push frame', async () => {
    const { env } = await setup();
    expect(latin1(writeEnvelope(env))).not.toContain(MARKER);
    expect(latin1(writeMessage({ type: 'push', envelope: env }))).not.toContain(MARKER);
    expect(latin1(writeEnvelope(env))).not.toContain('knee');
  });

  it('rejects a change to any single byte of header, nonce, ciphertext or signature', async () => {
    const { key, env } = await setup();
    const bytes = writeEnvelope(env);
    let checked = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const changed = bytes.slice();
        changed[i] = (changed[i] as number) ^ bit;
        const read = readEnvelope(changed);
        if (!read.ok) continue; // refused by the codec already
        expect((await verifyEnvelope(read.value)).ok, `byte ${i}`).toBe(false);
        expect((await openEnvelope(read.value, key)).ok, `byte ${i}`).toBe(false);
        checked++;
      }
    }
    // Nonce, ciphertext and signature bytes always decode, so most changes reach the crypto checks.
    expect(checked).toBeGreaterThan(2 * (12 + env.ciphertext.length + 64));
  });

  it('says tampered when a signer signs a ciphertext the key did not produce', async () => {
    const { device, key, env } = await setup();
    const ciphertext = env.ciphertext.slice();
    ciphertext[0] = (ciphertext[0] as number) ^ 1;
    const forged = { ...env, ciphertext };
    forged.signature = await sign(device.privateKey, envelopeSignedBytes(forged));
    expect((await verifyEnvelope(forged)).ok).toBe(true);
    expect(await openEnvelope(forged, key)).toEqual({ ok: false, error: { code: 'tampered' } });
  });

  it('rejects a wrong key, a wrong epoch and another document', async () => {
    const { env } = await setup();
    expect(await openEnvelope(env, await docKey(JOURNAL, 3, 99))).toEqual({ ok: false, error: { code: 'tampered' } });
    expect(await openEnvelope(env, await docKey(JOURNAL, 4))).toEqual({ ok: false, error: { code: 'wrong-epoch', expected: 4, got: 3 } });
    expect(await openEnvelope(env, await docKey(PLAN, 3))).toEqual({ ok: false, error: { code: 'wrong-document', expected: PLAN, got: JOURNAL } });
  });

  it('rejects an envelope replayed under another header (document, epoch, devSeq, type or signer)', async () => {
    const { key, env, header } = await setup();
    const other = await deviceFromSeed(2);
    const variants = [
      { ...header, devSeq: 13 },
      { ...header, devicePk: other.publicKey },
      { type: 'snapshot' as const, circleId: CIRCLE, docId: JOURNAL, keyEpoch: 3, devicePk: header.devicePk, coversSeq: 12, prevSnapshotHash: null },
      { type: 'ephemeral' as const, circleId: CIRCLE, docId: JOURNAL, keyEpoch: 3, devicePk: header.devicePk, sentAt: 12 },
    ];
    for (const h of variants) {
      const replay = { ...env, header: h };
      expect((await verifyEnvelope(replay)).ok).toBe(false);
      expect((await openEnvelope(replay, key)).ok).toBe(false);
    }
  });

  it('refuses to seal for another device, document or epoch, or past the size limit', async () => {
    const { device, key, header } = await setup();
    const other = await deviceFromSeed(2);
    expect(await sealEnvelope(other, key, header, utf8('x'))).toEqual({ ok: false, error: { code: 'wrong-device' } });
    expect((await sealEnvelope(device, key, { ...header, keyEpoch: 2 }, utf8('x'))).ok).toBe(false);
    expect((await sealEnvelope(device, await docKey(PLAN, 3), header, utf8('x'))).ok).toBe(false);
    const big = new Uint8Array(LIMITS.maxUpdateBytes);
    expect(await sealEnvelope(device, key, header, big)).toEqual({ ok: false, error: { code: 'too-large', max: LIMITS.maxUpdateBytes - 16 } });
  });

  it('seals ephemeral messages under their own key', async () => {
    const { device, key } = await setup();
    const sealed = await sealEnvelope(device, key, { type: 'ephemeral', circleId: CIRCLE, docId: JOURNAL, keyEpoch: 3, devicePk: device.publicKey, sentAt: 1 }, utf8('cursor'));
    if (!sealed.ok) throw new Error(sealed.error.code);
    expect(await openEnvelope(sealed.value, key)).toEqual({ ok: true, value: utf8('cursor') });
    const frame = readMessage(writeMessage({ type: 'ephemeral', envelope: sealed.value }));
    expect(frame.ok).toBe(true);
  });

  it('hashes the signed bytes: equal for a re-sent duplicate, different for another seal of the same update', async () => {
    const { device, key, header, env } = await setup();
    const again = readEnvelope(writeEnvelope(env));
    if (!again.ok) throw new Error('unreadable');
    expect(await envelopeHash(again.value)).toEqual(await envelopeHash(env));
    const resealed = await sealEnvelope(device, key, header, utf8(`{"note":"${MARKER}"}`));
    if (!resealed.ok) throw new Error('seal failed');
    expect(await envelopeHash(resealed.value)).not.toEqual(await envelopeHash(env));
  });
});
