// The members of a circle as this device's verified membership chain says: each device
// with its role and rights, whether it is an invitation not claimed yet, and, for a device
// that joined by claiming an invitation, which invitation key it replaced (the circle
// document names invitations by that key, so every member can show who the device is).

import type { PacelineDB } from '../storage/db';
import { getMembership } from '../storage/key-store';
import { bytesEqual } from './codec-bytes';
import type { CircleId, Role } from './protocol';
import { type Membership, findMember, isPending, readSignedMembership } from './protocol-membership';

export interface CircleMember {
  /** base64url of the device public key (a MemberRef). */
  id: string;
  role: Role;
  delegate: boolean;
  journal: boolean;
  /** An invitation not claimed yet, open until claimBy (ms). */
  pending: boolean;
  claimBy: number | null;
  /** The invitation key this device replaced when it joined (base64url), if it joined by invitation. */
  invitePk: string | null;
}

export interface CircleMembers {
  ownerPk: string;
  version: number;
  keyEpoch: number;
  members: CircleMember[];
}

export function toMemberRef(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Which invitation key each claiming device replaced, walking the chain. */
function claims(chain: readonly Membership[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 1; i < chain.length; i++) {
    const prev = chain[i - 1] as Membership;
    const next = chain[i] as Membership;
    const gone = prev.members.filter((m) => isPending(m) && !findMember(next, m.devicePk));
    const added = next.members.filter((m) => !findMember(prev, m.devicePk));
    if (gone.length === 1 && added.length === 1) out.set(toMemberRef((added[0] as (typeof added)[0]).devicePk), toMemberRef((gone[0] as (typeof gone)[0]).devicePk));
  }
  return out;
}

/** The circle's members from the verified chain stored here; null before this device has any version. */
export async function listCircleMembers(db: PacelineDB, circleId: CircleId): Promise<CircleMembers | null> {
  const row = await getMembership(db, circleId);
  if (!row || row.links.length === 0) return null;
  const chain = row.links.map((bytes) => {
    const link = readSignedMembership(bytes);
    if (!link.ok) throw new Error(`stored membership link of ${circleId} does not decode`);
    return link.value.body;
  });
  const head = chain.at(-1) as Membership;
  const replaced = claims(chain);
  return {
    ownerPk: toMemberRef(row.ownerPk),
    version: head.version,
    keyEpoch: head.keyEpoch,
    members: head.members.map((m) => {
      const id = toMemberRef(m.devicePk);
      return { id, role: m.role, delegate: m.delegate, journal: m.journal === true, pending: isPending(m), claimBy: m.claimBy ?? null, invitePk: replaced.get(id) ?? null };
    }),
  };
}

/** True if this device holds the circle's owner key (it may sign membership changes). */
export async function holdsOwnerKey(db: PacelineDB, circleId: CircleId): Promise<boolean> {
  const [owner, row] = await Promise.all([db.ownerKeys.get(circleId), getMembership(db, circleId)]);
  return !!owner && !!row && bytesEqual(owner.publicKey, row.ownerPk);
}
