// Membership versions this device signed and the relay has not taken yet lose a race when
// another signer published the same version number first: a delegate clinician adding a
// colleague, a device claiming an invitation. Each lost version is replayed, not resent: what
// it changed (members removed, added or changed; a key rotation; keys handed to a caregiver)
// is applied to the relay's newest version and signed again by the same signer. A change that
// no longer verifies there (its signer may not sign it any more) is dropped and counted.

import type { PacelineDB } from '../storage/db';
import { getDeviceKey, getOwnerKey } from '../storage/key-store';
import { type Bytes, bytesEqual } from './codec-bytes';
import type { DeviceKeys } from './crypto';
import { bundlesFor } from './identity';
import type { CircleId } from './protocol';
import {
  type Member,
  type Membership,
  type SignedMembership,
  findMember,
  membershipHash,
  sameMember,
  signMembership,
  verifyMembershipChain,
} from './protocol-membership';

/** What one version changed against its predecessor. */
interface Change {
  removed: Bytes[];
  upserted: Member[];
  /** The key epoch it moved to, when it rotated keys. */
  rotatedTo: number | null;
  /** Devices it sealed keys to without a rotation (a caregiver given the journal). */
  bundledTo: Bytes[];
}

function changeOf(prev: Membership, next: Membership): Change {
  return {
    removed: prev.members.filter((p) => !findMember(next, p.devicePk)).map((p) => p.devicePk),
    upserted: next.members.filter((n) => { const p = findMember(prev, n.devicePk); return !p || !sameMember(p, n); }),
    rotatedTo: next.keyEpoch > prev.keyEpoch ? next.keyEpoch : null,
    bundledTo: next.keyEpoch > prev.keyEpoch ? [] : (next.bundles ?? []).map((b) => b.devicePk),
  };
}

function applyChange(head: Membership, c: Change): Member[] {
  const kept = head.members.filter((m) => !c.removed.some((pk) => bytesEqual(pk, m.devicePk)));
  for (const u of c.upserted) {
    const i = kept.findIndex((m) => bytesEqual(m.devicePk, u.devicePk));
    if (i >= 0) kept[i] = u;
    else kept.push(u);
  }
  return kept;
}

/** The keys that signed `link`, if this device holds them (the owner key, or its own device key as a delegate). */
async function signerOf(db: PacelineDB, circleId: CircleId, link: SignedMembership): Promise<DeviceKeys | null> {
  const [owner, device] = await Promise.all([getOwnerKey(db, circleId), getDeviceKey(db)]);
  if (owner && bytesEqual(owner.publicKey, link.signer)) return { publicKey: owner.publicKey, privateKey: owner.privateKey };
  if (device && bytesEqual(device.publicKey, link.signer)) return { publicKey: device.publicKey, privateKey: device.privateKey };
  return null;
}

export interface Rebased {
  /** The relay's chain followed by our replayed versions. */
  chain: SignedMembership[];
  replayed: number;
  dropped: number;
}

/**
 * `theirs` continues `common` at the relay (verified here); `ours` continued it on this
 * device. Returns the relay's chain with our changes replayed on top.
 */
export async function rebaseUnpublished(
  db: PacelineDB,
  circleId: CircleId,
  ownerPk: Bytes,
  common: readonly SignedMembership[],
  theirs: readonly SignedMembership[],
  ours: readonly SignedMembership[],
  now: number = Date.now(),
): Promise<Rebased | null> {
  const chain = [...common];
  for (const link of theirs) {
    const checked = await verifyMembershipChain(chain.at(-1) ?? null, link, ownerPk);
    if (!checked.ok) return null;
    chain.push(link);
  }
  let replayed = 0;
  let dropped = 0;
  let parent = common.at(-1)?.body ?? null;
  for (const link of ours) {
    const change = parent && changeOf(parent, link.body);
    parent = link.body;
    const signer = change && (await signerOf(db, circleId, link));
    const head = chain.at(-1) as SignedMembership;
    if (!change || !signer || (change.rotatedTo !== null && change.rotatedTo <= head.body.keyEpoch)) {
      dropped++;
      continue;
    }
    const members = applyChange(head.body, change);
    const version = head.body.version + 1;
    const keyEpoch = change.rotatedTo ?? head.body.keyEpoch;
    const bundles = change.rotatedTo !== null
      ? await bundlesFor(db, circleId, version, members, keyEpoch)
      : change.bundledTo.length > 0
        ? await bundlesFor(db, circleId, version, members, undefined, (m) => change.bundledTo.some((pk) => bytesEqual(pk, m.devicePk)))
        : {};
    const body: Membership = { circleId, version, prevHash: await membershipHash(head.body), keyEpoch, members, issuedAt: now, ...bundles };
    const signed = await signMembership(body, signer);
    if (!(await verifyMembershipChain(head, signed, ownerPk)).ok) {
      dropped++;
      continue;
    }
    chain.push(signed);
    replayed++;
  }
  return { chain, replayed, dropped };
}
