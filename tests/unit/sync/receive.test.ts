// Receiving: a page from the relay is checked envelope by envelope, and what passes is
// applied with the cursor in one transaction. What fails is counted and never applied.
import { describe, expect, it } from 'vitest';
import { getSyncDoc } from '../../../src/storage/sync-store';
import { type DeviceKeys, type DocKey, importDocKey, sign } from '../../../src/sync/crypto';
import { addMember, removeMember } from '../../../src/sync/identity';
import { type InboxContext, advanceDurable, applyPage, positionAt } from '../../../src/sync/inbox';
import type { UpdateItem } from '../../../src/sync/protocol';
import { type SealedEnvelope, type UpdateHeader, envelopeHash, envelopeSignedBytes, sealEnvelope } from '../../../src/sync/protocol-envelope';
import { toHex } from '../../../src/sync/sync-ids';
import { snapshot } from '../storage/test-db';
import { CIRCLE, JOURNAL_ID, JOURNAL_KEY, type Patient, foreignUpdate, patientDevice } from './client-fixtures';
import { deviceFromSeed } from './fixtures';

interface Cast {
  p: Patient;
  caregiver: DeviceKeys;
  clinician: DeviceKeys;
  stranger: DeviceKeys;
  key: DocKey;
}

async function cast(): Promise<Cast> {
  const p = await patientDevice(await deviceFromSeed(1));
  const [caregiver, clinician, stranger] = await Promise.all([deviceFromSeed(2), deviceFromSeed(4), deviceFromSeed(3)]);
  if (!(await addMember(p.db, CIRCLE, { devicePk: caregiver.publicKey, role: 'caregiver', journal: true })).ok) throw new Error('add caregiver');
  if (!(await addMember(p.db, CIRCLE, { devicePk: clinician.publicKey, role: 'clinician' })).ok) throw new Error('add clinician');
  await p.trust.reload();
  const key = (await p.trust.docKey(JOURNAL_ID, 1))!;
  return { p, caregiver, clinician, stranger, key };
}

async function envelope(device: DeviceKeys, key: DocKey, devSeq: number, update: Uint8Array, keyEpoch = key.epoch): Promise<SealedEnvelope<UpdateHeader>> {
  const header: UpdateHeader = { type: 'update', circleId: CIRCLE, docId: JOURNAL_ID, keyEpoch, devicePk: device.publicKey, devSeq };
  const sealed = await sealEnvelope(device, keyEpoch === key.epoch ? key : { ...key, epoch: keyEpoch }, header, update);
  if (!sealed.ok) throw new Error(sealed.error.code);
  return sealed.value;
}

async function context(p: Patient): Promise<InboxContext> {
  return { db: p.db, store: p.store, docId: JOURNAL_ID, trust: p.trust, ownPk: p.device.publicKey, state: (await getSyncDoc(p.db, JOURNAL_KEY))!, now: 42 };
}

const items = (...envs: SealedEnvelope[]): UpdateItem[] => envs.map((envelope, i) => ({ seq: i + 1, envelope }));

/** A page as protocols 1 and 2 send it, from the stored cursor: everything on it is durable. */
const applyDurable = (ctx: InboxContext, page: readonly UpdateItem[]) => applyPage(ctx, page, positionAt(ctx.state), page.at(-1)?.seq ?? 0);

describe('applying a page', () => {
  it('applies members\' updates and moves the cursor with them', async () => {
    const { p, caregiver, key } = await cast();
    const a = foreignUpdate(null, '2026-11-20T08:00:00.000Z', 3);
    const b = foreignUpdate(null, '2026-11-20T09:00:00.000Z', 4);
    const out = await applyDurable(await context(p), items(await envelope(caregiver, key, 1, a.update), await envelope(caregiver, key, 2, b.update)));
    expect(out).toMatchObject({ kind: 'applied', applied: 2, rejected: [], withheld: [], waiting: null });
    expect(p.store.get('diary', a.id)).toBeDefined();
    expect(p.store.get('diary', b.id)).toBeDefined();
    const stored = await getSyncDoc(p.db, JOURNAL_KEY);
    expect(stored?.cursor).toBe(2);
    expect(stored?.devices[toHex(caregiver.publicKey)]).toEqual({ devSeq: 2, at: 42, gaps: 0 });
    // Derived rows came with it.
    expect(await p.db.records.get(a.id)).toBeDefined();
  });

  it('rejects a non-member, a forbidden role, a tampered body and an unknown epoch; the cursor moves past them, nothing is applied', async () => {
    const { p, stranger, clinician, caregiver, key } = await cast();
    const u = () => foreignUpdate(null, '2026-11-20T08:00:00.000Z', 3);
    const fromStranger = await envelope(stranger, key, 1, u().update);
    // A clinician may not write the journal (WRITE_RIGHTS journal.clinician = none).
    const fromClinician = await envelope(clinician, key, 1, u().update);
    // A member who signed garbage: valid signature, ciphertext that does not open.
    const garbage = await envelope(caregiver, key, 1, u().update);
    const ciphertext = garbage.ciphertext.slice();
    ciphertext[0] = (ciphertext[0] as number) ^ 1;
    const tampered = { ...garbage, ciphertext, signature: await sign(caregiver.privateKey, envelopeSignedBytes({ ...garbage, ciphertext })) };
    // Changed in transit, signature not redone.
    const forged = { ...garbage, ciphertext };
    // Sealed under epoch 0, which no membership version of this circle has.
    const oldEpoch = await envelope(caregiver, key, 1, u().update, 0);
    const before = await snapshot(p.db);
    const out = await applyDurable(await context(p), items(fromStranger, fromClinician, tampered, forged, oldEpoch));
    expect(out).toMatchObject({ kind: 'applied', applied: 0, rejected: ['unknown-signer', 'forbidden', 'tampered', 'bad-signature', 'wrong-epoch'] });
    const after = await snapshot(p.db);
    expect(after['docUpdates']).toEqual(before['docUpdates']);
    expect(after['records']).toEqual(before['records']);
    expect((await getSyncDoc(p.db, JOURNAL_KEY))?.cursor).toBe(5);
  });

  it('flags a devSeq jump as withheld updates but applies; skips a replayed devSeq and our own envelopes', async () => {
    const { p, caregiver, key } = await cast();
    const [a, b, c] = [1, 2, 3].map((i) => foreignUpdate(null, `2026-11-2${i}T08:00:00.000Z`, i));
    const own = await envelope(p.device, key, 1, foreignUpdate(null, '2026-11-19T08:00:00.000Z', 9).update);
    const ctx = await context(p);
    const state = { ...ctx.state, nextDevSeq: 2 };
    const out = await applyDurable({ ...ctx, state }, items(
      await envelope(caregiver, key, 1, a!.update),
      await envelope(caregiver, key, 3, b!.update),
      await envelope(caregiver, key, 3, c!.update),
      own,
    ));
    expect(out).toMatchObject({ kind: 'applied', applied: 2, withheld: [toHex(caregiver.publicKey)] });
    expect(p.store.get('diary', b!.id)).toBeDefined();
    expect(p.store.get('diary', c!.id)).toBeUndefined();
    const stored = await getSyncDoc(p.db, JOURNAL_KEY);
    expect(stored?.cursor).toBe(4);
    expect(stored?.devices[toHex(caregiver.publicKey)]).toMatchObject({ devSeq: 3, gaps: 1 });
  });

  it('a page that does not continue the cursor is a gap: nothing changes', async () => {
    const { p, caregiver, key } = await cast();
    const env = await envelope(caregiver, key, 1, foreignUpdate(null, '2026-11-20T08:00:00.000Z', 3).update);
    const before = await snapshot(p.db);
    expect(await applyDurable(await context(p), [{ seq: 3, envelope: env }])).toEqual({ kind: 'gap', expected: 1, got: 3 });
    expect(await snapshot(p.db)).toEqual(before);
  });

  it('stops before an update whose epoch key this device does not hold, and waits', async () => {
    const { p, caregiver, stranger } = await cast();
    // Rotation to epoch 2 (a member removed); this device lost the new journal key.
    if (!(await addMember(p.db, CIRCLE, { devicePk: stranger.publicKey, role: 'caregiver' })).ok) throw new Error('add');
    if (!(await removeMember(p.db, CIRCLE, stranger.publicKey)).ok) throw new Error('remove');
    const row = await p.db.docKeys.get([JOURNAL_KEY, 2]);
    await p.db.docKeys.delete([JOURNAL_KEY, 2]);
    await p.trust.reload();
    const epoch2 = (await importDocKey(row!.material, JOURNAL_ID, 2)) as { ok: true; value: DocKey };
    const key1 = (await p.trust.docKey(JOURNAL_ID, 1))!;
    const a = foreignUpdate(null, '2026-11-20T08:00:00.000Z', 3);
    const out = await applyDurable(await context(p), items(await envelope(caregiver, key1, 1, a.update), await envelope(caregiver, epoch2.value, 2, foreignUpdate(null, '2026-11-21T08:00:00.000Z', 3).update)));
    expect(out).toMatchObject({ kind: 'applied', applied: 1, waiting: { reason: 'key', epoch: 2 } });
    expect((await getSyncDoc(p.db, JOURNAL_KEY))?.cursor).toBe(1);
  });

  it('a failed apply leaves document, derived rows and cursor as they were', async () => {
    const { p, caregiver, key } = await cast();
    const a = foreignUpdate(null, '2026-11-20T08:00:00.000Z', 3);
    const page = items(await envelope(caregiver, key, 1, a.update));
    const before = await snapshot(p.db);
    const fail = () => { throw new Error('disk full'); };
    p.db.docUpdates.hook('creating', fail);
    const out = await applyDurable(await context(p), page);
    p.db.docUpdates.hook('creating').unsubscribe(fail);
    expect(out.kind).toBe('failed');
    expect(await snapshot(p.db)).toEqual(before);
    expect(p.store.get('diary', a.id)).toBeUndefined();
    // The same page applies once storage works again.
    expect(await applyDurable(await context(p), page)).toMatchObject({ kind: 'applied', applied: 1 });
    expect(p.store.get('diary', a.id)).toBeDefined();
  });
});

describe('updates sent before they are durable (protocol 3)', () => {
  it('applies them at once but stores the cursor only as far as the relay made durable, then follows the watermark', async () => {
    const { p, caregiver, key } = await cast();
    const [a, b, c] = [1, 2, 3].map((i) => foreignUpdate(null, `2026-11-2${i}T08:00:00.000Z`, i));
    const envs = [await envelope(caregiver, key, 1, a!.update), await envelope(caregiver, key, 2, b!.update), await envelope(caregiver, key, 3, c!.update)];
    const ctx = await context(p);
    // Durable through 1 only: all three are applied, the cursor stops at 1 with 1's hash.
    const out = await applyPage(ctx, items(...envs), positionAt(ctx.state), 1);
    if (out.kind !== 'applied') throw new Error(out.kind);
    expect(out.applied).toBe(3);
    expect(p.store.get('diary', c!.id)).toBeDefined();
    let stored = await getSyncDoc(p.db, JOURNAL_KEY);
    expect(stored?.cursor).toBe(1);
    expect(stored?.cursorHash).toEqual(await envelopeHash(envs[0]!));
    expect(out.position).toMatchObject({ through: 3, durable: 1 });
    expect([...out.position.hashes.keys()]).toEqual([2, 3]);
    // The watermark moves to 2: the cursor follows, with 2's hash, and keeps only 3's.
    const moved = await advanceDurable({ ...ctx, state: out.state }, out.position, 2);
    if (moved.kind !== 'moved') throw new Error(moved.kind);
    stored = await getSyncDoc(p.db, JOURNAL_KEY);
    expect(stored?.cursor).toBe(2);
    expect(stored?.cursorHash).toEqual(await envelopeHash(envs[1]!));
    expect([...moved.position.hashes.keys()]).toEqual([3]);
    // A watermark beyond what was applied moves the cursor no further than applied.
    const far = await advanceDurable({ ...ctx, state: moved.state }, moved.position, 9);
    if (far.kind !== 'moved') throw new Error(far.kind);
    expect(far.state.cursor).toBe(3);
    expect(far.state.cursorHash).toEqual(await envelopeHash(envs[2]!));
    expect(far.position).toMatchObject({ through: 3, durable: 9 });
  });

  it('after a relay lost a seq it had sent, the update given that seq later is applied and the lost one, sent again, is skipped', async () => {
    const { p, caregiver, key } = await cast();
    // The caregiver's devSeq 1 went out as seq 1 before it was durable; the relay died.
    const lost = foreignUpdate(null, '2026-11-20T08:00:00.000Z', 3);
    const lostEnv = await envelope(caregiver, key, 1, lost.update);
    const ctx = await context(p);
    const first = await applyPage(ctx, items(lostEnv), positionAt(ctx.state), 0);
    if (first.kind !== 'applied') throw new Error(first.kind);
    expect(first.state.cursor).toBe(0);
    // Subscribed again from the stored cursor: seq 1 is now another device's update.
    const carer2 = await deviceFromSeed(5);
    if (!(await addMember(p.db, CIRCLE, { devicePk: carer2.publicKey, role: 'caregiver', journal: true })).ok) throw new Error('add');
    await p.trust.reload();
    const other = foreignUpdate(null, '2026-11-21T08:00:00.000Z', 4);
    const otherEnv = await envelope(carer2, (await p.trust.docKey(JOURNAL_ID, 1))!, 1, other.update);
    const again = await applyPage({ ...ctx, state: first.state }, [{ seq: 1, envelope: otherEnv }, { seq: 2, envelope: lostEnv }], positionAt(first.state), 2);
    expect(again).toMatchObject({ kind: 'applied', applied: 1, withheld: [] });
    expect(p.store.get('diary', other.id)).toBeDefined();
    expect(p.store.get('diary', lost.id)).toBeDefined();
    expect((await getSyncDoc(p.db, JOURNAL_KEY))?.cursor).toBe(2);
  });
});
