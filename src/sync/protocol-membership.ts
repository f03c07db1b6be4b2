// The signed, hash-chained membership list of a care circle. The patient's owner key
// (pinned by the relay when the circle is created, and by every member device when it
// joins) signs each version; a clinician the owner marked as delegate may sign a version
// that only adds clinicians. Version n+1 names the hash of version n, so neither the relay
// nor a member can roll the list back or fork it unnoticed. Rules: PROTOCOL.md "Membership".

import { type Bytes, ByteReader, ByteWriter, type CodecError, FrameError, bytesEqual, check, compareBytes, decodeAll, utf8 } from './codec-bytes';
import { type DeviceKeys, isWeakPublicKey, sha256, sign, verify } from './crypto';
import type { EnvelopeHeader } from './protocol-envelope';
import { type CircleId, ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, LIMITS, ROLES, type Result, type Role, SHA256_BYTES, isCircleId, mayWrite, parseDocId } from './protocol';

export const MEMBERSHIP_FORMAT = 1;

export interface Member {
  devicePk: Bytes;
  role: Role;
  /** Only for clinicians: may sign a next version that adds clinicians (and nothing else). */
  delegate: boolean;
}

export interface Membership {
  circleId: CircleId;
  /** 1 for the first list, then +1 per change. */
  version: number;
  /** SHA-256 of the previous version's body bytes; null exactly for version 1. */
  prevHash: Bytes | null;
  /** The circle's current document key epoch; must grow whenever a member loses access. */
  keyEpoch: number;
  /** Sorted by devicePk bytes, no duplicates (one canonical encoding). */
  members: Member[];
  /** Milliseconds since the epoch, as the signer's clock saw it; informational only. */
  issuedAt: number;
}

export interface SignedMembership {
  body: Membership;
  signer: Bytes;
  signature: Bytes;
}

export type MembershipError =
  | 'bad-signature'
  | 'unknown-signer'
  | 'not-genesis'
  | 'wrong-circle'
  | 'rollback'
  | 'skipped-version'
  | 'wrong-prev-hash'
  | 'epoch-rollback'
  | 'removal-without-rotation'
  | 'delegate-exceeded';

const SIGNATURE_LABEL = utf8('paceline/membership/v1\0');
const MAX_BODY_BYTES = 64 + LIMITS.maxMembers * (ED25519_PUBLIC_KEY_BYTES + 2);

// ---------------------------------------------------------------------------------------
// Canonical codec

/** Canonical body bytes: what is hashed and (after the label) signed. */
export function writeMembershipBody(m: Membership): Bytes {
  if ((m.version === 1) !== (m.prevHash === null)) throw new RangeError('prevHash is null exactly for version 1');
  if (m.members.length > LIMITS.maxMembers) throw new RangeError('too many members');
  const members = [...m.members].sort((a, b) => compareBytes(a.devicePk, b.devicePk));
  const w = new ByteWriter().u8(MEMBERSHIP_FORMAT).string(m.circleId, 26).varuint(m.version).bool(m.prevHash !== null);
  if (m.prevHash) w.fixed(m.prevHash, SHA256_BYTES);
  w.varuint(m.keyEpoch).varuint(m.issuedAt).varuint(members.length);
  for (const member of members) {
    if (member.delegate && member.role !== 'clinician') throw new RangeError('only clinicians can be delegates');
    w.fixed(member.devicePk, ED25519_PUBLIC_KEY_BYTES).u8(ROLES.indexOf(member.role)).bool(member.delegate);
  }
  return w.finish();
}

function decodeMembershipBody(r: ByteReader): Membership {
  check(r.u8('membership.format') === MEMBERSHIP_FORMAT, 'membership.format');
  const circleId = r.string('membership.circleId', 26);
  check(isCircleId(circleId), 'membership.circleId');
  const version = r.varuint('membership.version');
  check(version >= 1, 'membership.version');
  const prevHash = r.bool('membership.hasPrev') ? r.fixed(SHA256_BYTES, 'membership.prevHash') : null;
  check((version === 1) === (prevHash === null), 'membership.prevHash');
  const keyEpoch = r.varuint('membership.keyEpoch');
  const issuedAt = r.varuint('membership.issuedAt');
  const count = r.varuint('membership.members', LIMITS.maxMembers);
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    const devicePk = r.fixed(ED25519_PUBLIC_KEY_BYTES, 'membership.devicePk');
    check(!isWeakPublicKey(devicePk), 'membership.devicePk');
    const previous = members[i - 1];
    check(!previous || compareBytes(previous.devicePk, devicePk) < 0, 'membership.order');
    const role = ROLES[r.u8('membership.role')];
    check(role !== undefined, 'membership.role');
    const delegate = r.bool('membership.delegate');
    check(!delegate || role === 'clinician', 'membership.delegate');
    members.push({ devicePk, role, delegate });
  }
  return { circleId, version, prevHash, keyEpoch, members, issuedAt };
}

/** Writes a signed membership into a frame or a storage record. */
export function encodeSignedMembership(w: ByteWriter, m: SignedMembership): void {
  w.bytes(writeMembershipBody(m.body), MAX_BODY_BYTES).fixed(m.signer, ED25519_PUBLIC_KEY_BYTES).fixed(m.signature, ED25519_SIGNATURE_BYTES);
}

/** Reads a signed membership; throws FrameError. */
export function decodeSignedMembership(r: ByteReader): SignedMembership {
  const bodyReader = new ByteReader(r.bytes('membership.body', MAX_BODY_BYTES));
  const body = decodeMembershipBody(bodyReader);
  if (bodyReader.remaining !== 0) throw new FrameError('trailing-bytes', 'membership.body');
  const signer = r.fixed(ED25519_PUBLIC_KEY_BYTES, 'membership.signer');
  check(!isWeakPublicKey(signer), 'membership.signer');
  const signature = r.fixed(ED25519_SIGNATURE_BYTES, 'membership.signature');
  return { body, signer, signature };
}

/** A signed membership as standalone bytes (relay storage, client cache). */
export function writeSignedMembership(m: SignedMembership): Bytes {
  const w = new ByteWriter();
  encodeSignedMembership(w, m);
  return w.finish();
}

/** Reads standalone signed membership bytes; never throws on malformed input. */
export function readSignedMembership(bytes: Uint8Array): Result<SignedMembership, CodecError> {
  return decodeAll(bytes, decodeSignedMembership);
}

// ---------------------------------------------------------------------------------------
// Signing and the chain rules

/** SHA-256 of the canonical body: the next version's prevHash. */
export async function membershipHash(m: Membership): Promise<Bytes> {
  return sha256(writeMembershipBody(m));
}

function signedBytes(m: Membership): Bytes {
  const body = writeMembershipBody(m);
  return new ByteWriter().fixed(SIGNATURE_LABEL, SIGNATURE_LABEL.length).fixed(body, body.length).finish();
}

/** Signs a membership body with the owner key (or a delegate's device key). */
export async function signMembership(body: Membership, signer: DeviceKeys): Promise<SignedMembership> {
  const members = [...body.members].sort((a, b) => compareBytes(a.devicePk, b.devicePk));
  const sorted = { ...body, members };
  return { body: sorted, signer: signer.publicKey, signature: await sign(signer.privateKey, signedBytes(sorted)) };
}

/** The member entry of a device, if it is a member. */
export function findMember(m: Membership, devicePk: Uint8Array): Member | undefined {
  return m.members.find((member) => bytesEqual(member.devicePk, devicePk));
}

const sameMember = (a: Member, b: Member) => a.role === b.role && a.delegate === b.delegate;

/** True if some device of prev is missing from next or holds a different role or delegation in it. */
function losesAccess(prev: Membership, next: Membership): boolean {
  return prev.members.some((p) => {
    const n = findMember(next, p.devicePk);
    return !n || !sameMember(p, n);
  });
}

/** A delegate may only add clinicians (not delegates), with the key epoch unchanged. */
function onlyAddsClinicians(prev: Membership, next: Membership): boolean {
  if (losesAccess(prev, next) || next.keyEpoch !== prev.keyEpoch) return false;
  return next.members.every((n) => findMember(prev, n.devicePk) !== undefined || (n.role === 'clinician' && !n.delegate));
}

/**
 * Accepts `next` as the successor of `prev` (null: next must be the genesis version 1) in
 * the circle whose owner key is ownerPk, or names the rule it breaks.
 */
export async function verifyMembershipChain(prev: SignedMembership | null, next: SignedMembership, ownerPk: Uint8Array): Promise<Result<Membership, MembershipError>> {
  const fail = (error: MembershipError) => ({ ok: false as const, error });
  const n = next.body;
  const byOwner = bytesEqual(next.signer, ownerPk);
  if (prev === null) {
    if (n.version !== 1 || n.prevHash !== null) return fail('not-genesis');
    if (!byOwner) return fail('unknown-signer');
  } else {
    const p = prev.body;
    if (n.circleId !== p.circleId) return fail('wrong-circle');
    if (n.version <= p.version) return fail('rollback');
    if (n.version !== p.version + 1) return fail('skipped-version');
    if (!n.prevHash || !bytesEqual(n.prevHash, await membershipHash(p))) return fail('wrong-prev-hash');
    if (n.keyEpoch < p.keyEpoch) return fail('epoch-rollback');
    if (losesAccess(p, n) && n.keyEpoch === p.keyEpoch) return fail('removal-without-rotation');
    if (!byOwner) {
      const signer = findMember(p, next.signer);
      if (!signer || signer.role !== 'clinician' || !signer.delegate) return fail('unknown-signer');
      if (!onlyAddsClinicians(p, n)) return fail('delegate-exceeded');
    }
  }
  if (!(await verify(next.signer, next.signature, signedBytes(n)))) return fail('bad-signature');
  return { ok: true, value: n };
}

/** Verifies a chain segment link by link from a trusted version (or from genesis); returns the newest. */
export async function verifyMembershipSequence(
  trusted: SignedMembership | null,
  chain: readonly SignedMembership[],
  ownerPk: Uint8Array,
): Promise<Result<SignedMembership | null, { index: number; error: MembershipError }>> {
  let current = trusted;
  for (const [index, link] of chain.entries()) {
    const checked = await verifyMembershipChain(current, link, ownerPk);
    if (!checked.ok) return { ok: false, error: { index, error: checked.error } };
    current = link;
  }
  return { ok: true, value: current };
}

/**
 * Whether the signer of an envelope header may write its document under this membership
 * version: a member, whose role may write the class, sealing under this version's epoch.
 */
export function authorizeWrite(m: Membership, header: EnvelopeHeader): Result<Role, 'unknown-signer' | 'forbidden' | 'wrong-epoch' | 'wrong-circle'> {
  const parsed = parseDocId(header.docId);
  if (!parsed || header.circleId !== m.circleId) return { ok: false, error: 'wrong-circle' };
  const member = findMember(m, header.devicePk);
  if (!member) return { ok: false, error: 'unknown-signer' };
  if (header.type !== 'ephemeral' && !mayWrite(member.role, parsed.docClass)) return { ok: false, error: 'forbidden' };
  if (header.keyEpoch !== m.keyEpoch) return { ok: false, error: 'wrong-epoch' };
  return { ok: true, value: member.role };
}
