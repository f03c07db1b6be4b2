import { describe, expect, it } from 'vitest';
import { readMessage, writeMessage } from '../../../src/sync/codec';
import type { DeviceKeys } from '../../../src/sync/crypto';
import {
  type Member,
  type Membership,
  type SignedMembership,
  authorizeWrite,
  membershipHash,
  readSignedMembership,
  signMembership,
  verifyMembershipChain,
  verifyMembershipSequence,
  writeSignedMembership,
} from '../../../src/sync/protocol-membership';
import type { UpdateHeader } from '../../../src/sync/protocol-envelope';
import { docIdOf } from '../../../src/sync/protocol';
import { CIRCLE, JOURNAL, deviceFromSeed } from './fixtures';

interface Cast {
  owner: DeviceKeys;
  phone: DeviceKeys;
  carer: DeviceKeys;
  doctor: DeviceKeys;
  physio: DeviceKeys;
  stranger: DeviceKeys;
}

async function cast(): Promise<Cast> {
  const [owner, phone, carer, doctor, physio, stranger] = await Promise.all([1, 2, 3, 4, 5, 6].map(deviceFromSeed));
  return { owner: owner!, phone: phone!, carer: carer!, doctor: doctor!, physio: physio!, stranger: stranger! };
}

const member = (keys: DeviceKeys, role: Member['role'], delegate = false): Member => ({ devicePk: keys.publicKey, role, delegate, ...(role === 'caregiver' ? { journal: true } : {}) });

async function genesis(c: Cast): Promise<SignedMembership> {
  const body: Membership = {
    circleId: CIRCLE,
    version: 1,
    prevHash: null,
    keyEpoch: 0,
    members: [member(c.phone, 'patient'), member(c.carer, 'caregiver'), member(c.doctor, 'clinician', true)],
    issuedAt: 1_700_000_000_000,
  };
  return signMembership(body, c.owner);
}

async function next(prev: SignedMembership, change: Partial<Membership>, signer: DeviceKeys): Promise<SignedMembership> {
  const body: Membership = { ...prev.body, version: prev.body.version + 1, prevHash: await membershipHash(prev.body), issuedAt: prev.body.issuedAt + 1000, ...change };
  return signMembership(body, signer);
}

describe('membership chain', () => {
  it('accepts a genesis signed by the owner and a next version chained to it', async () => {
    const c = await cast();
    const v1 = await genesis(c);
    expect(await verifyMembershipChain(null, v1, c.owner.publicKey)).toMatchObject({ ok: true });
    const v2 = await next(v1, { members: [...v1.body.members, member(c.physio, 'clinician')] }, c.owner);
    expect(await verifyMembershipChain(v1, v2, c.owner.publicKey)).toMatchObject({ ok: true, value: { version: 2 } });
    expect(await verifyMembershipSequence(null, [v1, v2], c.owner.publicKey)).toEqual({ ok: true, value: v2 });
  });

  it('rejects a wrong signer, a skipped version, a wrong prevHash and a rollback', async () => {
    const c = await cast();
    const v1 = await genesis(c);
    const v2 = await next(v1, {}, c.owner);
    const v3 = await next(v2, {}, c.owner);
    const pk = c.owner.publicKey;
    expect(await verifyMembershipChain(null, await genesis({ ...c, owner: c.stranger }), pk)).toEqual({ ok: false, error: 'unknown-signer' });
    expect(await verifyMembershipChain(v1, await next(v1, {}, c.stranger), pk)).toEqual({ ok: false, error: 'unknown-signer' });
    expect(await verifyMembershipChain(v1, v3, pk)).toEqual({ ok: false, error: 'skipped-version' });
    expect(await verifyMembershipChain(v1, await next(v1, { prevHash: new Uint8Array(32) }, c.owner), pk)).toEqual({ ok: false, error: 'wrong-prev-hash' });
    expect(await verifyMembershipChain(v2, v1, pk)).toEqual({ ok: false, error: 'rollback' });
    expect(await verifyMembershipChain(v2, v2, pk)).toEqual({ ok: false, error: 'rollback' });
    expect(await verifyMembershipChain(null, v2, pk)).toEqual({ ok: false, error: 'not-genesis' });
    expect(await verifyMembershipChain(v1, await next(v1, { circleId: '01HZY3J6Q8W8X7V5T4S3R2Q1P9' }, c.owner), pk)).toEqual({ ok: false, error: 'wrong-circle' });
    expect(await verifyMembershipSequence(v1, [v2, v2], pk)).toEqual({ ok: false, error: { index: 1, error: 'rollback' } });
  });

  it('rejects a body changed after signing, or a signature moved to another signer', async () => {
    const c = await cast();
    const v1 = await genesis(c);
    const v2 = await next(v1, {}, c.owner);
    const pk = c.owner.publicKey;
    const changed = { ...v2, body: { ...v2.body, members: [...v2.body.members, member(c.stranger, 'clinician')] } };
    expect(await verifyMembershipChain(v1, changed, pk)).toEqual({ ok: false, error: 'bad-signature' });
    const bit = v2.signature.slice();
    bit[0] = (bit[0] as number) ^ 1;
    expect(await verifyMembershipChain(v1, { ...v2, signature: bit }, pk)).toEqual({ ok: false, error: 'bad-signature' });
    expect(await verifyMembershipChain(v1, { ...v2, signer: c.doctor.publicKey }, pk)).toEqual({ ok: false, error: 'bad-signature' });
  });

  it('forces a new key epoch when a member loses access, and never lets the epoch go back', async () => {
    const c = await cast();
    const v1 = await genesis(c);
    const pk = c.owner.publicKey;
    const withoutCarer = v1.body.members.filter((m) => m.role !== 'caregiver');
    expect(await verifyMembershipChain(v1, await next(v1, { members: withoutCarer }, c.owner), pk)).toEqual({ ok: false, error: 'removal-without-rotation' });
    expect(await verifyMembershipChain(v1, await next(v1, { members: withoutCarer, keyEpoch: 1 }, c.owner), pk)).toMatchObject({ ok: true });
    const demoted = v1.body.members.map((m) => (m.delegate ? { ...m, delegate: false } : m));
    expect(await verifyMembershipChain(v1, await next(v1, { members: demoted }, c.owner), pk)).toEqual({ ok: false, error: 'removal-without-rotation' });
    const v2 = await next(v1, { keyEpoch: 5 }, c.owner);
    expect(await verifyMembershipChain(v2, await next(v2, { keyEpoch: 4 }, c.owner), pk)).toEqual({ ok: false, error: 'epoch-rollback' });
  });

  it('lets a delegated clinician add clinicians, and nothing else', async () => {
    const c = await cast();
    const v1 = await genesis(c);
    const pk = c.owner.publicKey;
    const addPhysio = await next(v1, { members: [...v1.body.members, member(c.physio, 'clinician')] }, c.doctor);
    expect(await verifyMembershipChain(v1, addPhysio, pk)).toMatchObject({ ok: true });
    const cases: Partial<Membership>[] = [
      { members: [...v1.body.members, member(c.stranger, 'caregiver')] },
      { members: [...v1.body.members, member(c.physio, 'clinician', true)] },
      { members: v1.body.members.filter((m) => m.role !== 'caregiver'), keyEpoch: 1 },
      { keyEpoch: 1 },
    ];
    for (const change of cases) expect(await verifyMembershipChain(v1, await next(v1, change, c.doctor), pk)).toEqual({ ok: false, error: 'delegate-exceeded' });
    // The physio was added without delegation, so cannot add anyone in turn.
    const v2 = addPhysio;
    expect(await verifyMembershipChain(v2, await next(v2, { members: [...v2.body.members, member(c.stranger, 'clinician')] }, c.physio), pk)).toEqual({ ok: false, error: 'unknown-signer' });
    // A caregiver is never a delegate.
    expect(await verifyMembershipChain(v1, await next(v1, {}, c.carer), pk)).toEqual({ ok: false, error: 'unknown-signer' });
  });

  it('round-trips signed lists canonically, in storage and in frames', async () => {
    const c = await cast();
    const v1 = await genesis(c);
    const bytes = writeSignedMembership(v1);
    expect(readSignedMembership(bytes)).toEqual({ ok: true, value: v1 });
    const v2 = await next(v1, {}, c.owner);
    expect(readMessage(writeMessage({ type: 'membership', chain: [v1, v2] }))).toEqual({ ok: true, value: { type: 'membership', chain: [v1, v2] } });
    expect(() => writeMessage({ type: 'membership', chain: [v2, v1] })).toThrow(RangeError);
  });

  it('refuses an unsorted member list on the wire', async () => {
    const c = await cast();
    const v1 = await genesis(c);
    const bytes = writeSignedMembership(v1);
    // Swap the first two member entries (public key, role, delegate: 34 bytes each) in place.
    const first = Buffer.from(bytes).indexOf(Buffer.from(v1.body.members[0]!.devicePk));
    const second = Buffer.from(bytes).indexOf(Buffer.from(v1.body.members[1]!.devicePk));
    const swapped = bytes.slice();
    swapped.set(bytes.slice(second, second + 34), first);
    swapped.set(bytes.slice(first, first + 34), second);
    expect(readSignedMembership(swapped)).toEqual({ ok: false, error: { code: 'invalid-field', field: 'membership.order' } });
  });
});

describe('authorizeWrite', () => {
  it('checks member, role rights and key epoch', async () => {
    const c = await cast();
    const { body } = await genesis(c);
    const header = (keys: DeviceKeys, docId = JOURNAL, keyEpoch = 0): UpdateHeader => ({ type: 'update', circleId: CIRCLE, docId, keyEpoch, devicePk: keys.publicKey, devSeq: 1 });
    expect(authorizeWrite(body, header(c.phone))).toEqual({ ok: true, value: 'patient' });
    expect(authorizeWrite(body, header(c.carer))).toEqual({ ok: true, value: 'caregiver' });
    expect(authorizeWrite(body, header(c.doctor))).toEqual({ ok: false, error: 'forbidden' });
    expect(authorizeWrite(body, header(c.doctor, docIdOf(CIRCLE, 'plan')))).toEqual({ ok: true, value: 'clinician' });
    expect(authorizeWrite(body, header(c.stranger))).toEqual({ ok: false, error: 'unknown-signer' });
    expect(authorizeWrite(body, header(c.phone, JOURNAL, 1))).toEqual({ ok: false, error: 'wrong-epoch' });
    expect(authorizeWrite(body, { ...header(c.phone), circleId: '01HZY3J6Q8W8X7V5T4S3R2Q1P9', docId: docIdOf('01HZY3J6Q8W8X7V5T4S3R2Q1P9', 'journal') })).toEqual({ ok: false, error: 'wrong-circle' });
  });
});
