// The signed, hash-chained membership list of a care circle. The patient's owner key
// (pinned by the relay when the circle is created, and by every member device when it
// joins) signs each version; a clinician the owner marked as delegate may sign a version
// that only adds clinicians. Version n+1 names the hash of version n, so neither the relay
// nor a member can roll the list back or fork it unnoticed. Rules: PROTOCOL.md "Membership".

import { type Bytes, ByteReader, ByteWriter, type CodecError, FrameError, bytesEqual, check, compareBytes, decodeAll, utf8 } from './codec-bytes';
import { type DeviceKeys, isWeakPublicKey, sha256, sign, verify } from './crypto';
import type { EnvelopeHeader } from './protocol-envelope';
import { type CircleId, type DocClass, ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, LIMITS, READ_RIGHTS, ROLES, type Result, type Role, SHA256_BYTES, isCircleId, mayWrite, parseDocId } from './protocol';

/** Format of new bodies. Format 1 (no box keys, invitations or key bundles) is still read, and re-encoded byte for byte. */
export const MEMBERSHIP_FORMAT = 2;
const FORMATS = [1, 2] as const;
export type MembershipFormat = (typeof FORMATS)[number];

export const X25519_PUBLIC_KEY_BYTES = 32;
/** Largest sealed key bundle for one device (every class, a few epochs). */
export const MAX_BUNDLE_BYTES = 2048;

export interface Member {
  devicePk: Bytes;
  role: Role;
  /** Only for clinicians: may sign a next version that adds clinicians (and nothing else). */
  delegate: boolean;
  /** Only for caregivers: the patient shares the journal with them (read, and write marked 'entered by caregiver'). */
  journal?: boolean;
  /** The device's X25519 key for receiving document keys in a key bundle (format 2). */
  boxPk?: Bytes;
  /**
   * An invitation not yet claimed: the key travels in an invite link, and the first device
   * to open it replaces this entry with its own key, until this time (ms). 0 or absent: a
   * claimed member. A pending member may write nothing.
   */
  claimBy?: number;
}

/** Document keys sealed to one member device's box key (see membership-keys.ts). */
export interface KeyBundle {
  devicePk: Bytes;
  sealed: Bytes;
}

export interface Membership {
  /** Body format; absent means MEMBERSHIP_FORMAT. */
  format?: MembershipFormat;
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
  /** Format 2: the ephemeral X25519 key the bundles were sealed with (present iff bundles are). */
  bundleEpk?: Bytes;
  /** Format 2: new document keys for member devices, required for every box-keyed member when keyEpoch grows. */
  bundles?: KeyBundle[];
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
  | 'delegate-exceeded'
  | 'missing-keys'
  | 'bad-claim'
  /** The relay's clock says the invitation's claimBy has passed (checked by the relay only). */
  | 'invite-expired';

const SIGNATURE_LABEL = utf8('paceline/membership/v1\0');
const MAX_MEMBER_BYTES = ED25519_PUBLIC_KEY_BYTES + 2 + X25519_PUBLIC_KEY_BYTES + 8;
const MAX_BODY_BYTES = 128 + LIMITS.maxMembers * MAX_MEMBER_BYTES + LIMITS.maxMembers * (ED25519_PUBLIC_KEY_BYTES + 3 + MAX_BUNDLE_BYTES);

const FLAG_DELEGATE = 1;
const FLAG_JOURNAL = 2;
const FLAG_BOX = 4;

function formatOf(m: Membership): MembershipFormat {
  return m.format ?? MEMBERSHIP_FORMAT;
}

// ---------------------------------------------------------------------------------------
// Canonical codec

/** Canonical body bytes: what is hashed and (after the label) signed. */
export function writeMembershipBody(m: Membership): Bytes {
  if ((m.version === 1) !== (m.prevHash === null)) throw new RangeError('prevHash is null exactly for version 1');
  if (m.members.length > LIMITS.maxMembers) throw new RangeError('too many members');
  const members = [...m.members].sort((a, b) => compareBytes(a.devicePk, b.devicePk));
  const format = formatOf(m);
  const w = new ByteWriter().u8(format).string(m.circleId, 26).varuint(m.version).bool(m.prevHash !== null);
  if (m.prevHash) w.fixed(m.prevHash, SHA256_BYTES);
  w.varuint(m.keyEpoch).varuint(m.issuedAt).varuint(members.length);
  for (const member of members) {
    if (member.delegate && member.role !== 'clinician') throw new RangeError('only clinicians can be delegates');
    if (member.journal && member.role !== 'caregiver') throw new RangeError('only caregivers carry the journal flag');
    w.fixed(member.devicePk, ED25519_PUBLIC_KEY_BYTES).u8(ROLES.indexOf(member.role));
    if (format === 1) {
      if (member.journal || member.boxPk || member.claimBy) throw new RangeError('format 1 has no journal flag, box key or invitation');
      w.bool(member.delegate);
      continue;
    }
    w.u8((member.delegate ? FLAG_DELEGATE : 0) | (member.journal ? FLAG_JOURNAL : 0) | (member.boxPk ? FLAG_BOX : 0));
    if (member.boxPk) w.fixed(member.boxPk, X25519_PUBLIC_KEY_BYTES);
    w.varuint(member.claimBy ?? 0);
  }
  if (format === 1) {
    if (m.bundles?.length || m.bundleEpk) throw new RangeError('format 1 has no key bundles');
    return w.finish();
  }
  const bundles = [...(m.bundles ?? [])].sort((a, b) => compareBytes(a.devicePk, b.devicePk));
  if ((bundles.length > 0) !== (m.bundleEpk !== undefined)) throw new RangeError('bundleEpk is present exactly when bundles are');
  w.varuint(bundles.length);
  if (m.bundleEpk) w.fixed(m.bundleEpk, X25519_PUBLIC_KEY_BYTES);
  for (const b of bundles) w.fixed(b.devicePk, ED25519_PUBLIC_KEY_BYTES).bytes(b.sealed, MAX_BUNDLE_BYTES);
  return w.finish();
}

function decodeMembershipBody(r: ByteReader): Membership {
  const format = r.u8('membership.format') as MembershipFormat;
  check((FORMATS as readonly number[]).includes(format), 'membership.format');
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
    if (format === 1) {
      const delegate = r.bool('membership.delegate');
      check(!delegate || role === 'clinician', 'membership.delegate');
      members.push({ devicePk, role, delegate });
      continue;
    }
    const flags = r.u8('membership.flags');
    check((flags & ~(FLAG_DELEGATE | FLAG_JOURNAL | FLAG_BOX)) === 0, 'membership.flags');
    const delegate = (flags & FLAG_DELEGATE) !== 0;
    const journal = (flags & FLAG_JOURNAL) !== 0;
    check(!delegate || role === 'clinician', 'membership.delegate');
    check(!journal || role === 'caregiver', 'membership.journal');
    const member: Member = { devicePk, role, delegate };
    if (journal) member.journal = true;
    if (flags & FLAG_BOX) member.boxPk = r.fixed(X25519_PUBLIC_KEY_BYTES, 'membership.boxPk');
    const claimBy = r.varuint('membership.claimBy');
    if (claimBy > 0) member.claimBy = claimBy;
    members.push(member);
  }
  // Format 2 is the default and stays implicit, so a decoded body equals the one that was signed.
  const body: Membership = { ...(format === 1 ? { format } : {}), circleId, version, prevHash, keyEpoch, members, issuedAt };
  if (format === 1) return body;
  const bundleCount = r.varuint('membership.bundles', LIMITS.maxMembers);
  if (bundleCount === 0) return body;
  body.bundleEpk = r.fixed(X25519_PUBLIC_KEY_BYTES, 'membership.bundleEpk');
  const bundles: KeyBundle[] = [];
  for (let i = 0; i < bundleCount; i++) {
    const bundlePk = r.fixed(ED25519_PUBLIC_KEY_BYTES, 'membership.bundle.devicePk');
    const previous = bundles[i - 1];
    check(!previous || compareBytes(previous.devicePk, bundlePk) < 0, 'membership.bundle.order');
    check(members.some((m) => bytesEqual(m.devicePk, bundlePk) && m.boxPk !== undefined), 'membership.bundle.devicePk');
    bundles.push({ devicePk: bundlePk, sealed: r.bytes('membership.bundle.sealed', MAX_BUNDLE_BYTES) });
  }
  body.bundles = bundles;
  return body;
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
  const sorted: Membership = { ...body, members };
  if (body.bundles) sorted.bundles = [...body.bundles].sort((a, b) => compareBytes(a.devicePk, b.devicePk));
  return { body: sorted, signer: signer.publicKey, signature: await sign(signer.privateKey, signedBytes(sorted)) };
}

/** The member entry of a device, if it is a member. */
export function findMember(m: Membership, devicePk: Uint8Array): Member | undefined {
  return m.members.find((member) => bytesEqual(member.devicePk, devicePk));
}

const sameKey = (a: Bytes | undefined, b: Bytes | undefined) => (a === undefined ? b === undefined : b !== undefined && bytesEqual(a, b));

/** Same role, rights, box key and invitation state. */
export const sameMember = (a: Member, b: Member) =>
  a.role === b.role && a.delegate === b.delegate && Boolean(a.journal) === Boolean(b.journal) && sameKey(a.boxPk, b.boxPk) && (a.claimBy ?? 0) === (b.claimBy ?? 0);

/** True if some device of prev is missing from next, or loses a role, delegation or journal access in it. */
function losesAccess(prev: Membership, next: Membership): boolean {
  return prev.members.some((p) => {
    const n = findMember(next, p.devicePk);
    return !n || n.role !== p.role || (p.delegate && !n.delegate) || (Boolean(p.journal) && !n.journal);
  });
}

/**
 * A delegate may only add clinicians (not delegates) and intake tablets (a waiting-room
 * visit), with the key epoch unchanged and no key bundles.
 */
function onlyAddsClinicians(prev: Membership, next: Membership): boolean {
  if (next.keyEpoch !== prev.keyEpoch || (next.bundles?.length ?? 0) > 0) return false;
  if (prev.members.some((p) => { const n = findMember(next, p.devicePk); return !n || !sameMember(p, n); })) return false;
  return next.members.every((n) => findMember(prev, n.devicePk) !== undefined || ((n.role === 'clinician' || n.role === 'intake') && !n.delegate));
}

/** True if member m of a membership is an invitation not claimed yet. */
export function isPending(m: Member): boolean {
  return (m.claimBy ?? 0) > 0;
}

/**
 * A claim: the pending member `claimer` of prev signs a version that replaces itself with
 * exactly one new device of the same role and rights, no longer pending, before its
 * claimBy (by the signer's clock here; the relay also checks its own clock), with nothing
 * else changed. The invite key is then out of the list, so a second use of the link fails.
 */
function isValidClaim(prev: Membership, next: Membership, claimer: Member): boolean {
  if (!isPending(claimer) || next.keyEpoch !== prev.keyEpoch || (next.bundles?.length ?? 0) > 0) return false;
  if (next.issuedAt > (claimer.claimBy ?? 0)) return false;
  if (findMember(next, claimer.devicePk)) return false;
  const others = prev.members.filter((m) => !bytesEqual(m.devicePk, claimer.devicePk));
  if (next.members.length !== others.length + 1) return false;
  if (others.some((o) => { const n = findMember(next, o.devicePk); return !n || !sameMember(o, n); })) return false;
  const added = next.members.find((n) => !findMember(prev, n.devicePk));
  return added !== undefined && !isPending(added) && added.role === claimer.role && added.delegate === claimer.delegate && Boolean(added.journal) === Boolean(claimer.journal);
}

/** The pending member whose claim `next` is, if it is one (the relay checks its own clock against claimBy). */
export function claimedInvitation(prev: Membership, next: SignedMembership): Member | undefined {
  const signer = findMember(prev, next.signer);
  return signer && isPending(signer) ? signer : undefined;
}

/** When the key epoch grows, every member with a box key must get the new keys in a bundle. */
function bundlesCoverMembers(next: Membership): boolean {
  return next.members.every((m) => m.boxPk === undefined || isPending(m) || (next.bundles ?? []).some((b) => bytesEqual(b.devicePk, m.devicePk)));
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
    const claimer = byOwner ? undefined : findMember(p, next.signer);
    const claim = claimer !== undefined && isPending(claimer);
    // A claim drops the invitation key without rotation: that key never read or wrote anything.
    if (!claim && losesAccess(p, n) && n.keyEpoch === p.keyEpoch) return fail('removal-without-rotation');
    if (n.keyEpoch > p.keyEpoch && !bundlesCoverMembers(n)) return fail('missing-keys');
    if (claim) {
      if (!isValidClaim(p, n, claimer)) return fail('bad-claim');
    } else if (!byOwner) {
      if (!claimer || claimer.role !== 'clinician' || !claimer.delegate) return fail('unknown-signer');
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
  // An unclaimed invitation key only ever signs its claim.
  if (!member || isPending(member)) return { ok: false, error: 'unknown-signer' };
  if (header.type !== 'ephemeral' && !mayWrite(member.role, parsed.docClass)) return { ok: false, error: 'forbidden' };
  // A caregiver writes the journal only while the patient shares it with them.
  if (header.type !== 'ephemeral' && parsed.docClass === 'journal' && member.role === 'caregiver' && !member.journal) return { ok: false, error: 'forbidden' };
  if (header.keyEpoch !== m.keyEpoch) return { ok: false, error: 'wrong-epoch' };
  return { ok: true, value: member.role };
}

/** Whether a member may read (receive) a document class: the role's read right, the journal flag for caregivers, never while pending. */
export function mayRead(member: Member, docClass: DocClass): boolean {
  if (isPending(member)) return false;
  const right = READ_RIGHTS[docClass][member.role];
  return right === 'yes' || (right === 'if-shared' && member.journal === true);
}
