// Invitations to a care circle. The inviter makes a fresh invitation key, adds it to the
// membership as a pending member (role, journal access, claim deadline) and hands over, in
// the URL fragment only, that key, the pinned owner key, the signed version that added it
// and the document keys the role may read. The invitee's device later claims it at the
// relay: a version signed by the invitation key that puts the device's own key in its
// place (invite-claim.ts). The chain accepts that once, so the link is single-use; the
// relay refuses claims after claimBy by its own clock, so it expires. The inviter may be
// offline meanwhile: the link carries the version that added the invitation, and the
// claiming device publishes it first.

import type { PacelineDB } from '../storage/db';
import { addDocKeys, getMembership, getOwnerKey, putMembership, putOwnerKey } from '../storage/key-store';
import { SYNC_ROW_VERSION, type StoredBytes } from '../storage/sync-rows';
import { ByteReader, ByteWriter, type Bytes, bytesEqual, check, decodeAll } from './codec-bytes';
import { generateDeviceKeys, isWeakPublicKey } from './crypto';
import { type CircleError, addPreparedMember, keysForMember } from './identity';
import type { BundledKey } from './membership-keys';
import { type CircleId, DOC_CLASSES, ED25519_PUBLIC_KEY_BYTES, type Result, ROLES, type Role, isCircleId } from './protocol';
import { type SignedMembership, decodeSignedMembership, encodeSignedMembership, findMember, isPending, writeSignedMembership } from './protocol-membership';
import { privateKeysAsBytes, toStoredKey } from '../storage/private-keys';

export const INVITATION_FORMAT = 1;
/** Seven days: long enough for a patient who is offline most days, short enough to limit a leaked link. */
export const DEFAULT_INVITE_TTL_MS = 7 * 24 * 3600 * 1000;
export const MAX_INVITE_TTL_MS = 30 * 24 * 3600 * 1000;

/** What an invitation link carries (in the fragment only). */
export interface Invitation {
  circleId: CircleId;
  ownerPk: Bytes;
  role: Role;
  /** Caregivers only: the patient shares the journal with them. */
  journal: boolean;
  claimBy: number;
  /** The invitation key: raw public key and pkcs8 private key. */
  invitePk: Bytes;
  inviteSk: Bytes;
  /** The signed version that added the invitation (published by the claimer if the relay lacks it). */
  link: SignedMembership;
  keys: BundledKey[];
  /** pkcs8 of the owner key, only when a clinician hands a circle it set up to its patient. */
  ownerSk?: Bytes;
}

export type InvitationError = CircleError | 'bad-role' | 'bad-ttl' | 'owner-key-not-extractable';

/** Creates an invitation (owner devices only) and the membership version that adds it; publish with provider.refreshCircle(). */
export async function createInvitation(
  db: PacelineDB,
  circleId: CircleId,
  options: { role: Role; journal?: boolean; ttlMs?: number; handOverOwnerKey?: boolean },
  now: number = Date.now(),
): Promise<Result<Invitation, InvitationError>> {
  const ttl = options.ttlMs ?? DEFAULT_INVITE_TTL_MS;
  if (!(ttl > 0 && ttl <= MAX_INVITE_TTL_MS)) return { ok: false, error: 'bad-ttl' };
  if (options.journal && options.role !== 'caregiver') return { ok: false, error: 'bad-role' };
  if (options.handOverOwnerKey && options.role !== 'patient') return { ok: false, error: 'bad-role' };
  const membership = await getMembership(db, circleId);
  if (!membership) return { ok: false, error: 'no-membership' };
  const invite = await generateDeviceKeys({ wrappable: true });
  const claimBy = now + ttl;
  const journal = options.role === 'caregiver' && options.journal === true;
  const member = { devicePk: invite.publicKey, role: options.role, delegate: false, claimBy, ...(journal ? { journal: true } : {}) };
  let ownerSk: Bytes | undefined;
  if (options.handOverOwnerKey) {
    const owner = await getOwnerKey(db, circleId);
    if (!owner) return { ok: false, error: 'not-owner' };
    if (!owner.privateKey.extractable) return { ok: false, error: 'owner-key-not-extractable' };
    ownerSk = new Uint8Array(await crypto.subtle.exportKey('pkcs8', owner.privateKey));
  }
  const added = await addPreparedMember(db, circleId, member, now);
  if (!added.ok) return added;
  const inviteSk = new Uint8Array(await crypto.subtle.exportKey('pkcs8', invite.privateKey));
  const keys = await keysForMember(db, circleId, member);
  return {
    ok: true,
    value: { circleId, ownerPk: membership.ownerPk, role: options.role, journal, claimBy, invitePk: invite.publicKey, inviteSk, link: added.value, keys, ...(ownerSk ? { ownerSk } : {}) },
  };
}

// ---- link codec (binary, then base64url: compact enough for a QR code) ------------------

const MAX_SK_BYTES = 128;

/** The invitation as bytes (versioned). */
export function writeInvitation(inv: Invitation): Bytes {
  const w = new ByteWriter().u8(INVITATION_FORMAT).string(inv.circleId, 26).fixed(inv.ownerPk, ED25519_PUBLIC_KEY_BYTES).u8(ROLES.indexOf(inv.role)).bool(inv.journal).varuint(inv.claimBy);
  w.fixed(inv.invitePk, ED25519_PUBLIC_KEY_BYTES).bytes(inv.inviteSk, MAX_SK_BYTES);
  encodeSignedMembership(w, inv.link);
  w.varuint(inv.keys.length);
  for (const k of inv.keys) w.u8(DOC_CLASSES.indexOf(k.docClass)).varuint(k.epoch).fixed(k.material, 32);
  w.bool(inv.ownerSk !== undefined);
  if (inv.ownerSk) w.bytes(inv.ownerSk, MAX_SK_BYTES);
  return w.finish();
}

function readInvitationBody(r: ByteReader): Invitation {
  check(r.u8('invitation.format') === INVITATION_FORMAT, 'invitation.format');
  const circleId = r.string('invitation.circleId', 26);
  check(isCircleId(circleId), 'invitation.circleId');
  const ownerPk = r.fixed(ED25519_PUBLIC_KEY_BYTES, 'invitation.ownerPk');
  check(!isWeakPublicKey(ownerPk), 'invitation.ownerPk');
  const role = ROLES[r.u8('invitation.role')];
  check(role !== undefined, 'invitation.role');
  const journal = r.bool('invitation.journal');
  const claimBy = r.varuint('invitation.claimBy');
  const invitePk = r.fixed(ED25519_PUBLIC_KEY_BYTES, 'invitation.invitePk');
  check(!isWeakPublicKey(invitePk), 'invitation.invitePk');
  const inviteSk = r.bytes('invitation.inviteSk', MAX_SK_BYTES);
  const link = decodeSignedMembership(r);
  check(link.body.circleId === circleId, 'invitation.link');
  const invited = findMember(link.body, invitePk);
  check(invited !== undefined && isPending(invited) && invited.role === role && invited.claimBy === claimBy, 'invitation.link');
  const count = r.varuint('invitation.keys', 64);
  const keys: BundledKey[] = [];
  for (let i = 0; i < count; i++) {
    const docClass = DOC_CLASSES[r.u8('invitation.keyClass')];
    check(docClass !== undefined, 'invitation.keyClass');
    keys.push({ docClass: docClass as (typeof DOC_CLASSES)[number], epoch: r.varuint('invitation.keyEpoch'), material: r.fixed(32, 'invitation.key') });
  }
  const ownerSk = r.bool('invitation.hasOwner') ? r.bytes('invitation.ownerSk', MAX_SK_BYTES) : undefined;
  return { circleId, ownerPk, role: role as Role, journal, claimBy, invitePk, inviteSk, link, keys, ...(ownerSk ? { ownerSk } : {}) };
}

/** Reads invitation bytes; never throws on malformed input. */
export function readInvitation(bytes: Uint8Array): Result<Invitation, 'bad-invitation'> {
  const read = decodeAll(bytes, readInvitationBody);
  return read.ok ? read : { ok: false, error: 'bad-invitation' };
}

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string, maxChars = 8192): Bytes | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length > maxChars) return null;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The URL fragment (without '#') of an invitation. */
export function encodeInvitationFragment(inv: Invitation): string {
  return `i1.${toBase64Url(writeInvitation(inv))}`;
}

/** Reads an invitation from a URL fragment; an error value for anything that is not one. */
export function decodeInvitationFragment(fragment: string): Result<Invitation, 'bad-invitation'> {
  const text = fragment.replace(/^#/, '');
  if (!text.startsWith('i1.')) return { ok: false, error: 'bad-invitation' };
  const bytes = fromBase64Url(text.slice(3));
  return bytes ? readInvitation(bytes) : { ok: false, error: 'bad-invitation' };
}

// ---- accepting --------------------------------------------------------------------------

export type AcceptError = 'bad-invitation' | 'expired' | 'other-owner' | 'already-member';

/**
 * Stores what this device needs to claim the invitation on its next connection: the pinned
 * owner key, the document keys, the invitation key (non-extractable from now on) and, for a
 * patient taking over a circle a clinician set up, the owner key. Works offline.
 */
export async function acceptInvitation(db: PacelineDB, inv: Invitation, now: number = Date.now()): Promise<Result<true, AcceptError>> {
  if (now > inv.claimBy) return { ok: false, error: 'expired' };
  let inviteKey: CryptoKey;
  let ownerKey: CryptoKey | undefined;
  try {
    inviteKey = await crypto.subtle.importKey('pkcs8', new Uint8Array(inv.inviteSk), { name: 'Ed25519' }, privateKeysAsBytes(), ['sign']);
    if (inv.ownerSk) ownerKey = await crypto.subtle.importKey('pkcs8', new Uint8Array(inv.ownerSk), { name: 'Ed25519' }, privateKeysAsBytes(), ['sign']);
  } catch {
    return { ok: false, error: 'bad-invitation' };
  }
  const existing = await getMembership(db, inv.circleId);
  if (existing && !bytesEqual(existing.ownerPk, inv.ownerPk)) return { ok: false, error: 'other-owner' };
  if (existing && existing.links.length > 0) return { ok: false, error: 'already-member' };
  const storedInviteKey = await toStoredKey(inviteKey);
  await db.transaction('rw', [db.memberships, db.inviteClaims], async () => {
    if (!existing) await putMembership(db, { circleId: inv.circleId, ownerPk: inv.ownerPk, links: [], relayVersion: 0 }, now);
    await db.inviteClaims.put({
      circleId: inv.circleId,
      invitePk: inv.invitePk as StoredBytes,
      inviteKey: storedInviteKey,
      inviteLink: writeSignedMembership(inv.link) as StoredBytes,
      claimBy: inv.claimBy,
      acceptedAt: now,
      schemaVersion: SYNC_ROW_VERSION,
    });
  });
  await addDocKeys(db, inv.keys.map((k) => ({ docKey: `${inv.circleId}/${k.docClass}`, epoch: k.epoch, material: k.material })), now);
  if (ownerKey) await putOwnerKey(db, inv.circleId, inv.ownerPk, ownerKey, now);
  return { ok: true, value: true };
}
