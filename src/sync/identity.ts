// Device identity and circle set-up: the device's signing key, a circle this device owns
// (owner key, genesis membership, document keys), members added or removed by the owner,
// a device joining with keys it was given, and turning sharing on for documents.
// Key distribution itself (sealing material to a member's device) is the pairing flow's job.

import type { DocName, PacelineDB } from '../storage/db';
import { addDocKeys, createCircleRecords, getBoxKey, getDeviceKey, getMembership, getOwnerKey, putBoxKeyOnce, putDeviceKeyOnce, putMembership } from '../storage/key-store';
import { enableSharing } from '../storage/sync-store';
import { type Bytes, bytesEqual } from './codec-bytes';
import { type DeviceKeys, generateDeviceKeys, generateDocKeyMaterial, isWeakPublicKey } from './crypto';
import { type CircleId, DOC_CLASSES, type DocClass, LIMITS, type Result, type Role, isCircleId, writesWithoutReading } from './protocol';
import { type Member, type Membership, type SignedMembership, findMember, isPending, mayRead, membershipHash, readSignedMembership, signMembership, writeSignedMembership } from './protocol-membership';
import { type BoxKeys, type BundledKey, generateBoxKeys, sealBundles } from './membership-keys';
import { privateKeysAsBytes } from '../storage/private-keys';

/** The first key epoch of a circle. */
export const FIRST_KEY_EPOCH = 1;

/** This device's signing identity, created on first use; the private key never leaves WebCrypto. */
export async function loadOrCreateDeviceKeys(db: PacelineDB): Promise<DeviceKeys> {
  const existing = await getDeviceKey(db);
  if (existing) return { publicKey: existing.publicKey, privateKey: existing.privateKey };
  const fresh = await generateDeviceKeys({ wrappable: privateKeysAsBytes() });
  // Another tab may have stored one meanwhile: the stored key wins, ours is dropped.
  const row = await putDeviceKeyOnce(db, fresh.publicKey, fresh.privateKey);
  return { publicKey: row.publicKey, privateKey: row.privateKey };
}

/** This device's X25519 key for key bundles, created on first use. */
export async function loadOrCreateBoxKeys(db: PacelineDB): Promise<BoxKeys> {
  const existing = await getBoxKey(db);
  if (existing) return { publicKey: existing.publicKey, privateKey: existing.privateKey };
  const fresh = await generateBoxKeys();
  const row = await putBoxKeyOnce(db, fresh.publicKey, fresh.privateKey);
  return { publicKey: row.publicKey, privateKey: row.privateKey };
}

export type CircleError = 'invalid-circle-id' | 'exists' | 'not-owner' | 'no-membership' | 'weak-key' | 'already-member' | 'not-member' | 'too-many-members' | 'not-caregiver';

/**
 * Creates a circle this device owns: a fresh owner key, the genesis membership (this device
 * as the patient) and document key material for every class at the first epoch.
 */
export async function createCircle(
  db: PacelineDB,
  device: DeviceKeys,
  circleId: CircleId,
  now: number = Date.now(),
  options: { role?: 'patient' | 'clinician' } = {},
): Promise<Result<SignedMembership, CircleError>> {
  if (!isCircleId(circleId)) return { ok: false, error: 'invalid-circle-id' };
  // The owner key stays on this device as a non-extractable CryptoKey; it signs membership only.
  // A clinician setting a circle up for a patient holds it extractable, to hand it over in the patient's invitation.
  const role = options.role ?? 'patient';
  const owner = await generateDeviceKeys({ wrappable: role === 'clinician' || privateKeysAsBytes() });
  const box = await loadOrCreateBoxKeys(db);
  const genesis = await signMembership(
    { circleId, version: 1, prevHash: null, keyEpoch: FIRST_KEY_EPOCH, members: [{ devicePk: device.publicKey, role, delegate: role === 'clinician', boxPk: box.publicKey }], issuedAt: now },
    owner,
  );
  const keys = DOC_CLASSES.map((docClass) => ({ docKey: `${circleId}/${docClass}`, epoch: FIRST_KEY_EPOCH, material: generateDocKeyMaterial() }));
  const created = await createCircleRecords(db, { circleId, ...owner }, writeSignedMembership(genesis), keys, now);
  return created ? { ok: true, value: genesis } : { ok: false, error: 'exists' };
}

async function ownerContext(db: PacelineDB, circleId: CircleId): Promise<Result<{ owner: DeviceKeys; chain: SignedMembership[]; relayVersion: number; ownerPk: Bytes }, CircleError>> {
  const [ownerRow, row] = await Promise.all([getOwnerKey(db, circleId), getMembership(db, circleId)]);
  if (!row || row.links.length === 0) return { ok: false, error: 'no-membership' };
  if (!ownerRow || !bytesEqual(ownerRow.publicKey, row.ownerPk)) return { ok: false, error: 'not-owner' };
  const chain = storedChain(row.links, circleId);
  return { ok: true, value: { owner: { publicKey: ownerRow.publicKey, privateKey: ownerRow.privateKey }, chain, relayVersion: row.relayVersion, ownerPk: row.ownerPk } };
}

/** The stored chain, decoded (it was verified when stored). */
function storedChain(links: readonly Uint8Array[], circleId: CircleId): SignedMembership[] {
  return links.map((bytes) => {
    const link = readSignedMembership(bytes);
    if (!link.ok) throw new Error(`stored membership link of ${circleId} does not decode`);
    return link.value;
  });
}

/**
 * Who signs a version that adds `member`: the owner key when this device holds it; else,
 * for a clinician who is not a delegate or an intake tablet, this device's own key if it is
 * a delegate clinician (PROTOCOL.md "Membership": delegates add those, nothing else). A clinician who set a
 * circle up and handed the owner key to the patient can so still invite colleagues.
 */
async function signerContext(db: PacelineDB, circleId: CircleId, member: Member): ReturnType<typeof ownerContext> {
  const owner = await ownerContext(db, circleId);
  if (owner.ok || owner.error !== 'not-owner' || (member.role !== 'clinician' && member.role !== 'intake') || member.delegate) return owner;
  const row = await getMembership(db, circleId);
  if (!row || row.links.length === 0) return owner;
  const chain = storedChain(row.links, circleId);
  const device = await loadOrCreateDeviceKeys(db);
  const me = findMember((chain.at(-1) as SignedMembership).body, device.publicKey);
  if (!me || me.role !== 'clinician' || !me.delegate || isPending(me)) return owner;
  return { ok: true, value: { owner: device, chain, relayVersion: row.relayVersion, ownerPk: row.ownerPk } };
}

async function appendVersion(
  db: PacelineDB,
  ctx: { owner: DeviceKeys; chain: SignedMembership[]; relayVersion: number; ownerPk: Bytes },
  next: (prev: Membership, version: number) => Omit<Membership, 'circleId' | 'version' | 'prevHash'> | Promise<Omit<Membership, 'circleId' | 'version' | 'prevHash'>>,
): Promise<Result<SignedMembership, CircleError>> {
  const prev = (ctx.chain.at(-1) as SignedMembership).body;
  const body = await next(prev, prev.version + 1);
  const signed = await signMembership({ circleId: prev.circleId, version: prev.version + 1, prevHash: await membershipHash(prev), ...body }, ctx.owner);
  const links = [...ctx.chain, signed].map(writeSignedMembership);
  const stored = await putMembership(db, { circleId: prev.circleId, ownerPk: ctx.ownerPk, links, relayVersion: ctx.relayVersion });
  return stored ? { ok: true, value: signed } : { ok: false, error: 'exists' };
}

/** The circle's document keys (all epochs) that a member may read, or write without reading (an intake tablet). */
export async function keysForMember(db: PacelineDB, circleId: CircleId, member: Pick<Member, 'role' | 'journal' | 'claimBy'>, epoch?: number): Promise<BundledKey[]> {
  const all = await exportDocKeys(db, circleId);
  const holds = (docClass: DocClass) => mayRead({ devicePk: new Uint8Array(32), delegate: false, ...member, claimBy: 0 }, docClass) || writesWithoutReading(member.role, docClass);
  return all.filter((k) => holds(k.docClass) && (epoch === undefined || k.epoch === epoch));
}

/** Seals keys of `epoch` (or all epochs) to every box-keyed, claimed member of `members`. */
export async function bundlesFor(db: PacelineDB, circleId: CircleId, version: number, members: readonly Member[], epoch?: number, only?: (m: Member) => boolean) {
  const recipients = [];
  for (const m of members) {
    if (!m.boxPk || (m.claimBy ?? 0) > 0 || (only && !only(m))) continue;
    const keys = await keysForMember(db, circleId, m, epoch);
    if (keys.length > 0) recipients.push({ devicePk: m.devicePk, boxPk: m.boxPk, keys });
  }
  return recipients.length > 0 ? sealBundles(circleId, version, recipients) : {};
}

/** Appends an owner-signed version that replaces the member list, rotating keys (with bundles) when someone loses access. */
async function rotate(db: PacelineDB, circleId: CircleId, members: (prev: Membership) => Member[], now: number): Promise<Result<SignedMembership, CircleError>> {
  const ctx = await ownerContext(db, circleId);
  if (!ctx.ok) return ctx;
  const prev = (ctx.value.chain.at(-1) as SignedMembership).body;
  const epoch = prev.keyEpoch + 1;
  // Keys first: a crash after this leaves unused material for an epoch nobody signed, which is harmless.
  await addDocKeys(db, DOC_CLASSES.map((docClass) => ({ docKey: `${circleId}/${docClass}`, epoch, material: generateDocKeyMaterial() })), now);
  return appendVersion(db, ctx.value, async (p, version) => {
    const list = members(p);
    return { keyEpoch: epoch, members: list, issuedAt: now, ...(await bundlesFor(db, circleId, version, list, epoch)) };
  });
}

/**
 * Adds a device to a circle this device owns (no key rotation: nobody loses access). The new
 * version is published on the next connect, or at once with provider.refreshCircle().
 */
export async function addMember(
  db: PacelineDB,
  circleId: CircleId,
  member: { devicePk: Bytes; role: Role; delegate?: boolean; journal?: boolean; boxPk?: Bytes },
  now: number = Date.now(),
): Promise<Result<SignedMembership, CircleError>> {
  if (isWeakPublicKey(member.devicePk)) return { ok: false, error: 'weak-key' };
  const ctx = await ownerContext(db, circleId);
  if (!ctx.ok) return ctx;
  const prev = (ctx.value.chain.at(-1) as SignedMembership).body;
  if (prev.members.some((m) => bytesEqual(m.devicePk, member.devicePk))) return { ok: false, error: 'already-member' };
  if (prev.members.length >= LIMITS.maxMembers) return { ok: false, error: 'too-many-members' };
  const added: Member = {
    devicePk: member.devicePk,
    role: member.role,
    delegate: member.role === 'clinician' && (member.delegate ?? false),
    ...(member.role === 'caregiver' && member.journal ? { journal: true } : {}),
    ...(member.boxPk ? { boxPk: member.boxPk } : {}),
  };
  return appendVersion(db, ctx.value, (p) => ({ keyEpoch: p.keyEpoch, members: [...p.members, added], issuedAt: now }));
}

/** Adds a member entry prepared by the caller (an invitation: pending, with claimBy), signed by the owner key. */
export async function addPreparedMember(db: PacelineDB, circleId: CircleId, member: Member, now: number = Date.now()): Promise<Result<SignedMembership, CircleError>> {
  if (isWeakPublicKey(member.devicePk)) return { ok: false, error: 'weak-key' };
  const ctx = await signerContext(db, circleId, member);
  if (!ctx.ok) return ctx;
  const prev = (ctx.value.chain.at(-1) as SignedMembership).body;
  if (prev.members.some((m) => bytesEqual(m.devicePk, member.devicePk))) return { ok: false, error: 'already-member' };
  if (prev.members.length >= LIMITS.maxMembers) return { ok: false, error: 'too-many-members' };
  return appendVersion(db, ctx.value, (p) => ({ keyEpoch: p.keyEpoch, members: [...p.members, member], issuedAt: now }));
}

/**
 * Removes a device: the next version bumps the key epoch and every document gets fresh key
 * material, so the removed device cannot read what is written from now on. Returns the
 * new version; the remaining members need the new keys (pairing flow) before they can read.
 */
export async function removeMember(db: PacelineDB, circleId: CircleId, devicePk: Bytes, now: number = Date.now()): Promise<Result<SignedMembership, CircleError>> {
  const membership = await getMembership(db, circleId);
  const last = membership?.links.at(-1);
  const current = last ? readSignedMembership(last) : null;
  if (current?.ok && !current.value.body.members.some((m) => bytesEqual(m.devicePk, devicePk))) return { ok: false, error: 'not-member' };
  return rotate(db, circleId, (p) => p.members.filter((m) => !bytesEqual(m.devicePk, devicePk)), now);
}

/**
 * The patient's choice to share the journal with a caregiver device. Sharing seals every
 * journal key to that device in the new version; stopping rotates all keys, so nothing
 * written from then on reaches it.
 */
export async function setCaregiverJournal(db: PacelineDB, circleId: CircleId, devicePk: Bytes, shared: boolean, now: number = Date.now()): Promise<Result<SignedMembership, CircleError>> {
  const ctx = await ownerContext(db, circleId);
  if (!ctx.ok) return ctx;
  const prev = (ctx.value.chain.at(-1) as SignedMembership).body;
  const target = prev.members.find((m) => bytesEqual(m.devicePk, devicePk));
  if (!target) return { ok: false, error: 'not-member' };
  if (target.role !== 'caregiver') return { ok: false, error: 'not-caregiver' };
  if (Boolean(target.journal) === shared) return { ok: true, value: ctx.value.chain.at(-1) as SignedMembership };
  const toggled = (members: readonly Member[]) => members.map((m) => (bytesEqual(m.devicePk, devicePk) ? { ...m, journal: shared || undefined } : m)).map(cleanMember);
  if (!shared) return rotate(db, circleId, (p) => toggled(p.members), now);
  return appendVersion(db, ctx.value, async (p, version) => {
    const list = toggled(p.members);
    return { keyEpoch: p.keyEpoch, members: list, issuedAt: now, ...(await bundlesFor(db, circleId, version, list, undefined, (m) => bytesEqual(m.devicePk, devicePk))) };
  });
}

/** Drops undefined optional fields (exactOptionalPropertyTypes). */
function cleanMember(m: Member & { journal?: boolean | undefined }): Member {
  const { journal, ...rest } = m;
  return journal ? { ...rest, journal } : rest;
}

/** Document key material this device holds for a circle, to hand to a member through the pairing flow. */
export async function exportDocKeys(db: PacelineDB, circleId: CircleId, docClasses: readonly DocClass[] = DOC_CLASSES): Promise<Array<{ docClass: DocClass; epoch: number; material: Bytes }>> {
  const rows = await Promise.all(docClasses.map((docClass) => db.docKeys.where('[docKey+epoch]').between([`${circleId}/${docClass}`, 0], [`${circleId}/${docClass}`, Infinity]).toArray()));
  return rows.flatMap((list, i) => list.map((row) => ({ docClass: docClasses[i] as DocClass, epoch: row.epoch, material: row.material })));
}

/**
 * A device joining a circle: pins the owner key (from the invitation, never from the relay)
 * and stores the document keys it was given. The chain itself arrives from the relay and is
 * verified from genesis against the pinned key.
 */
export async function joinCircle(
  db: PacelineDB,
  invitation: { circleId: CircleId; ownerPk: Bytes; keys: ReadonlyArray<{ docClass: DocClass; epoch: number; material: Uint8Array }> },
  now: number = Date.now(),
): Promise<Result<true, CircleError>> {
  if (!isCircleId(invitation.circleId)) return { ok: false, error: 'invalid-circle-id' };
  if (isWeakPublicKey(invitation.ownerPk)) return { ok: false, error: 'weak-key' };
  const existing = await getMembership(db, invitation.circleId);
  if (existing && !bytesEqual(existing.ownerPk, invitation.ownerPk)) return { ok: false, error: 'exists' };
  if (!existing) await putMembership(db, { circleId: invitation.circleId, ownerPk: invitation.ownerPk, links: [], relayVersion: 0 }, now);
  await addDocKeys(db, invitation.keys.map((k) => ({ docKey: `${invitation.circleId}/${k.docClass}`, epoch: k.epoch, material: k.material })), now);
  return { ok: true, value: true };
}

/** Turns sharing on for documents of a circle; a document with content sends its whole state first. */
export async function shareDocuments(db: PacelineDB, circleId: CircleId, docNames: readonly DocName[], now: number = Date.now()): Promise<void> {
  for (const docName of docNames) await enableSharing(db, circleId, docName, now);
}
