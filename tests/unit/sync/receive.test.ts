// Receiving: a page from the relay is checked envelope by envelope, and what passes is
// applied with the cursor in one transaction. What fails is counted and never applied.
import { describe, expect, it } from 'vitest';
import { getSyncDoc } from '../../../src/storage/sync-store';
import { type DeviceKeys, type DocKey, importDocKey, sign } from '../../../src/sync/crypto';
import { addMember, removeMember } from '../../../src/sync/identity';
import { type InboxContext, applyPage } from '../../../src/sync/inbox';
import type { UpdateItem } from '../../../src/sync/protocol';
import { type SealedEnvelope, type UpdateHeader, envelopeSignedBytes, sealEnvelope } from '../../../src/sync/protocol-envelope';
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

describe('applying a page', () => {
  it('applies members\' updates and moves the cursor with them', async () => {
    const { p, caregiver, key } = await cast();
    const a = foreignUpdate(null, '2026-11-20T08:00:00.000Z', 3);
    const b = foreignUpdate(null, '2026-11-20T09:00:00.000Z', 4);
    const out = await applyPage(await context(p), items(await envelope(caregiver, key, 1, a.update), await envelope(caregiver, key, 2, b.update)));
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
    const out = await applyPage(await context(p), items(fromStranger, fromClinician, tampered, forged, oldEpoch));
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
    const out = await applyPage({ ...ctx, state }, items(
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
    expect(await applyPage(await context(p), [{ seq: 3, envelope: env }])).toEqual({ kind: 'gap', expected: 1, got: 3 });
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
    const out = await applyPage(await context(p), items(await envelope(caregiver, key1, 1, a.update), await envelope(caregiver, epoch2.value, 2, foreignUpdate(null, '2026-11-21T08:00:00.000Z', 3).update)));
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
    const out = await applyPage(await context(p), page);
    p.db.docUpdates.hook('creating').unsubscribe(fail);
    expect(out.kind).toBe('failed');
    expect(await snapshot(p.db)).toEqual(before);
    expect(p.store.get('diary', a.id)).toBeUndefined();
    // The same page applies once storage works again.
    expect(await applyPage(await context(p), page)).toMatchObject({ kind: 'applied', applied: 1 });
    expect(p.store.get('diary', a.id)).toBeDefined();
  });
});
