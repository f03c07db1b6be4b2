// Membership format 2: invitations (pending members) claimed once, the caregiver journal
// flag, key bundles required by a rotation and readable only by their device, and format 1
// links still read and re-encoded byte for byte (their hashes chain the versions after them).
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../src/sync/codec-bytes';
import type { DeviceKeys } from '../../../src/sync/crypto';
import { generateBoxKeys, openBundle, sealBundles } from '../../../src/sync/membership-keys';
import {
  type Member, type Membership, type SignedMembership, authorizeWrite, mayRead, membershipHash, readSignedMembership, signMembership, verifyMembershipChain, writeSignedMembership,
} from '../../../src/sync/protocol-membership';
import { docIdOf } from '../../../src/sync/protocol';
import { CIRCLE, JOURNAL, deviceFromSeed } from './fixtures';

const T0 = 1_700_000_000_000;
const m = (keys: DeviceKeys, role: Member['role'], extra: Partial<Member> = {}): Member => ({ devicePk: keys.publicKey, role, delegate: false, ...extra });

async function next(prev: SignedMembership, change: Partial<Membership>, signer: DeviceKeys): Promise<SignedMembership> {
  return signMembership({ ...prev.body, bundles: undefined, bundleEpk: undefined, version: prev.body.version + 1, prevHash: await membershipHash(prev.body), issuedAt: prev.body.issuedAt + 1000, ...change } as Membership, signer);
}

async function setup() {
  const [owner, phone, invite, carer, other, doctor] = await Promise.all([1, 2, 3, 4, 5, 6].map(deviceFromSeed)) as DeviceKeys[];
  const v1 = await signMembership({ circleId: CIRCLE, version: 1, prevHash: null, keyEpoch: 1, members: [m(phone!, 'patient'), m(doctor!, 'clinician', { delegate: true })], issuedAt: T0 }, owner!);
  const v2 = await next(v1, { members: [...v1.body.members, m(invite!, 'caregiver', { claimBy: T0 + 10_000 })] }, owner!);
  return { owner: owner!, phone: phone!, invite: invite!, carer: carer!, other: other!, doctor: doctor!, v1, v2 };
}

describe('membership format 2', () => {
  it('an invitation is claimed once, by replacing itself with exactly one device of its role, before claimBy', async () => {
    const c = await setup();
    const without = c.v2.body.members.filter((x) => x.devicePk !== c.invite.publicKey);
    const claim = await next(c.v2, { members: [...without, m(c.carer, 'caregiver')] }, c.invite);
    expect(await verifyMembershipChain(c.v2, claim, c.owner.publicKey)).toMatchObject({ ok: true });
    // Claiming a second time is impossible: the invitation key is no longer a member.
    const again = await next(claim, { members: [...claim.body.members, m(c.other, 'caregiver')] }, c.invite);
    expect(await verifyMembershipChain(claim, again, c.owner.publicKey)).toEqual({ ok: false, error: 'unknown-signer' });
    const bad = async (members: Member[], change: Partial<Membership> = {}) => (await verifyMembershipChain(c.v2, await next(c.v2, { members, ...change }, c.invite), c.owner.publicKey));
    expect(await bad([...without, m(c.carer, 'clinician')])).toEqual({ ok: false, error: 'bad-claim' }); // another role
    expect(await bad([...without, m(c.carer, 'caregiver', { journal: true })])).toEqual({ ok: false, error: 'bad-claim' }); // more rights
    expect(await bad([...without, m(c.carer, 'caregiver'), m(c.other, 'caregiver')])).toEqual({ ok: false, error: 'bad-claim' }); // two devices
    expect(await bad([...without.filter((x) => x.role !== 'clinician'), m(c.carer, 'caregiver')])).toEqual({ ok: false, error: 'bad-claim' }); // drops someone else
    expect(await bad([...without, m(c.carer, 'caregiver', { claimBy: T0 + 99_999 })])).toEqual({ ok: false, error: 'bad-claim' }); // still pending
    expect(await bad([...without, m(c.carer, 'caregiver')], { issuedAt: T0 + 20_000 })).toEqual({ ok: false, error: 'bad-claim' }); // after claimBy
  });

  it('a pending invitation writes nothing; a caregiver writes and reads the journal only with the journal flag', async () => {
    const c = await setup();
    const body = c.v2.body;
    const header = (keys: DeviceKeys, docId = JOURNAL) => ({ type: 'update' as const, circleId: CIRCLE, docId, keyEpoch: 1, devicePk: keys.publicKey, devSeq: 1 });
    expect(authorizeWrite(body, header(c.invite, docIdOf(CIRCLE, 'messages')))).toEqual({ ok: false, error: 'unknown-signer' });
    const withCarer = { ...body, members: [...body.members, m(c.carer, 'caregiver'), m(c.other, 'caregiver', { journal: true })] };
    expect(authorizeWrite(withCarer, header(c.carer))).toEqual({ ok: false, error: 'forbidden' });
    expect(authorizeWrite(withCarer, header(c.other))).toEqual({ ok: true, value: 'caregiver' });
    expect(mayRead(m(c.carer, 'caregiver'), 'journal')).toBe(false);
    expect(mayRead(m(c.carer, 'caregiver', { journal: true }), 'journal')).toBe(true);
    expect(mayRead(m(c.carer, 'caregiver', { journal: true }), 'alerts')).toBe(false);
    expect(mayRead(m(c.carer, 'caregiver', { claimBy: 5 }), 'plan')).toBe(false);
  });

  it('withdrawing journal access needs a rotation, and a rotation needs a bundle for every box-keyed member', async () => {
    const c = await setup();
    const box = await generateBoxKeys();
    const v3 = await next(c.v2, { members: [...c.v2.body.members, m(c.carer, 'caregiver', { journal: true, boxPk: box.publicKey })] }, c.owner);
    expect(await verifyMembershipChain(c.v2, v3, c.owner.publicKey)).toMatchObject({ ok: true });
    const revoked = v3.body.members.map((x) => (x.devicePk === c.carer.publicKey ? m(c.carer, 'caregiver', { boxPk: box.publicKey }) : x));
    expect(await verifyMembershipChain(v3, await next(v3, { members: revoked }, c.owner), c.owner.publicKey)).toEqual({ ok: false, error: 'removal-without-rotation' });
    expect(await verifyMembershipChain(v3, await next(v3, { members: revoked, keyEpoch: 2 }, c.owner), c.owner.publicKey)).toEqual({ ok: false, error: 'missing-keys' });
    const sealed = await sealBundles(CIRCLE, 4, [{ devicePk: c.carer.publicKey, boxPk: box.publicKey, keys: [{ docClass: 'plan', epoch: 2, material: new Uint8Array(32).fill(7) }] }]);
    const v4 = await next(v3, { members: revoked, keyEpoch: 2, ...sealed }, c.owner);
    expect(await verifyMembershipChain(v3, v4, c.owner.publicKey)).toMatchObject({ ok: true });
    // Only the addressed device opens it; a copy moved into another version does not open.
    const read = unwrapOk(readSignedMembership(writeSignedMembership(v4)));
    expect(await openBundle(read.body, c.carer.publicKey, box)).toEqual({ ok: true, value: [{ docClass: 'plan', epoch: 2, material: new Uint8Array(32).fill(7) }] });
    expect(await openBundle(read.body, c.carer.publicKey, await generateBoxKeys())).toEqual({ ok: false, error: 'tampered' });
    expect(await openBundle({ ...read.body, version: 5 }, c.carer.publicKey, box)).toEqual({ ok: false, error: 'tampered' });
    expect(await openBundle(read.body, c.phone.publicKey, box)).toEqual({ ok: false, error: 'no-bundle' });
    // A delegate may not hand out keys.
    expect(await verifyMembershipChain(v3, await next(v3, { members: [...v3.body.members, m(c.other, 'clinician')], ...(await sealBundles(CIRCLE, 4, [{ devicePk: c.carer.publicKey, boxPk: box.publicKey, keys: [] }])) }, c.doctor), c.owner.publicKey)).toEqual({ ok: false, error: 'delegate-exceeded' });
  });

  it('format 1 links are still read and re-encoded byte for byte', async () => {
    const c = await setup();
    const body: Membership = { format: 1, circleId: CIRCLE, version: 1, prevHash: null, keyEpoch: 1, members: [m(c.phone, 'patient')], issuedAt: T0 };
    const v1 = await signMembership(body, c.owner);
    const bytes = writeSignedMembership(v1);
    const read = unwrapOk(readSignedMembership(bytes));
    expect(read.body.format).toBe(1);
    expect(writeSignedMembership(read)).toEqual(bytes);
    expect(await verifyMembershipChain(null, read, c.owner.publicKey)).toMatchObject({ ok: true });
    // The next version may be format 2.
    const v2 = await next(read, { format: undefined, members: [m(c.phone, 'patient', { boxPk: (await generateBoxKeys()).publicKey })] }, c.owner);
    expect(await verifyMembershipChain(read, v2, c.owner.publicKey)).toMatchObject({ ok: true });
    // Unknown formats and flags are refused.
    const w = new ByteWriter().u8(9);
    expect(readSignedMembership(new ByteWriter().bytes(w.finish(), 100).finish())).toMatchObject({ ok: false });
  });
});

function unwrapOk<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}
