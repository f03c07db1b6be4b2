/**
 * What people do to a care circle, on this device and without a network: invite (a link
 * whose fragment carries the keys), revoke an invitation, remove a member, share the
 * journal with caregivers, set up a circle for a patient (clinicians), and join from a
 * link. Membership changes are signed here and published by the sharing runtime when it
 * runs (`publish`); the circle document records names, invitations and consent.
 */
import { newId } from '../../../domain/ids';
import { RECORD_KINDS, type JournalRecord } from '../../../domain/records';
import {
  createConsentRecord, createInvitation as createInvitationRecord, createMemberProfile, currentConsentVersion, removeMember as markProfileRemoved, revokeInvitation as markRevoked,
  type Invitation as InvitationRecord, type MemberRole,
} from '../../../domain/circle';
import { openCircleDocs, type CircleDocs } from '../../../storage/circle-docs';
import type { PacelineDB } from '../../../storage/db';
import { openJournalStore } from '../../../storage/journal-store';
import { setDeviceProfile } from '../../../storage/profile';
import { holdsOwnerKey, listCircleMembers, toMemberRef } from '../../../sync/circle-members';
import { fromBase64Url } from '../../../sync/invitations';
import { createCircle, loadOrCreateBoxKeys, loadOrCreateDeviceKeys, removeMember as removeDevice, setCaregiverJournal, shareDocuments } from '../../../sync/identity';
import { acceptInvitation, createInvitation, decodeInvitationFragment, encodeInvitationFragment, type Invitation } from '../../../sync/invitations';
import type { DocClass } from '../../../sync/protocol';

export type ActionError = 'not-owner' | 'invalid' | 'failed';

/**
 * A patient's own circle exists from the first time it is needed (sharing, or inviting
 * someone offline): this device as the patient, holding the owner key.
 */
export async function ensureOwnCircle(db: PacelineDB, circleId: string): Promise<void> {
  const { getMembership } = await import('../../../storage/key-store');
  if (await getMembership(db, circleId)) return;
  const device = await loadOrCreateDeviceKeys(db);
  const created = await createCircle(db, device, circleId);
  if (!created.ok && created.error !== 'exists') throw new Error(`circle could not be created: ${created.error}`);
}
export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ActionError };

export interface MadeInvitation {
  url: string;
  expiresAt: string;
  record: InvitationRecord;
}

/** Called after a membership change was signed here: the runtime publishes it (no-op while sharing is off). */
export type Publish = (circleId: string) => Promise<void> | void;

const fail = (error: ActionError): { ok: false; error: ActionError } => ({ ok: false, error });

/**
 * Invites a person: signs the membership version that adds the invitation, records who it
 * is for in the circle document, and returns the link (the key material is in its fragment only).
 */
export async function inviteMember(
  db: PacelineDB,
  docs: CircleDocs,
  circleId: string,
  input: { role: MemberRole; name: string; journal?: boolean; ttlMs?: number; handOverOwnerKey?: boolean },
  publish: Publish,
  now: Date = new Date(),
): Promise<ActionResult<MadeInvitation>> {
  const me = toMemberRef((await loadOrCreateDeviceKeys(db)).publicKey);
  const made = await createInvitation(db, circleId, { role: input.role, ...(input.journal ? { journal: true } : {}), ...(input.ttlMs ? { ttlMs: input.ttlMs } : {}), ...(input.handOverOwnerKey ? { handOverOwnerKey: true } : {}) }, now.getTime());
  if (!made.ok) return fail(made.error === 'not-owner' || made.error === 'no-membership' ? 'not-owner' : made.error === 'bad-role' || made.error === 'bad-ttl' ? 'invalid' : 'failed');
  const record = createInvitationRecord({ role: input.role, name: input.name, invitePk: toMemberRef(made.value.invitePk), ttlMs: made.value.claimBy - now.getTime() }, me, now);
  if (!record.ok) return fail('invalid');
  const stored = await docs.circle.put(record.value);
  if (!stored.ok) return fail('failed');
  await publish(circleId);
  return { ok: true, value: { url: new URL(`/join#${encodeInvitationFragment(made.value)}`, location.origin).href, expiresAt: record.value.expiresAt, record: record.value } };
}

/** Revokes an open invitation: its key leaves the membership (with new document keys, as for any removal). */
export async function revokeInvite(db: PacelineDB, docs: CircleDocs, circleId: string, record: InvitationRecord, publish: Publish, now: Date = new Date()): Promise<ActionResult<true>> {
  const me = toMemberRef((await loadOrCreateDeviceKeys(db)).publicKey);
  if (record.invitePk) {
    const pk = fromBase64Url(record.invitePk);
    const members = await listCircleMembers(db, circleId);
    if (pk && members?.members.some((m) => m.id === record.invitePk && m.pending)) {
      const removed = await removeDevice(db, circleId, pk, now.getTime());
      if (!removed.ok) return fail(removed.error === 'not-owner' ? 'not-owner' : 'failed');
      await publish(circleId);
    }
  }
  const revoked = markRevoked(record, me, now);
  if (revoked.ok && !(await docs.circle.put(revoked.value)).ok) return fail('failed');
  return { ok: true, value: true };
}

/** Removes a member's device: new keys for everyone else, the profile marked removed. */
export async function removeCircleMember(db: PacelineDB, docs: CircleDocs, circleId: string, memberId: string, publish: Publish, now: Date = new Date()): Promise<ActionResult<true>> {
  const pk = fromBase64Url(memberId);
  if (!pk) return fail('invalid');
  const removed = await removeDevice(db, circleId, pk, now.getTime());
  if (!removed.ok) return fail(removed.error === 'not-owner' ? 'not-owner' : 'failed');
  await publish(circleId);
  const me = toMemberRef((await loadOrCreateDeviceKeys(db)).publicKey);
  const profile = docs.circle.get('member', memberId);
  if (profile && profile.kind === 'member') await docs.circle.put(markProfileRemoved(profile, me, now));
  return { ok: true, value: true };
}

/**
 * The patient's choice to share the journal with caregivers: a consent record (versioned
 * text) and the membership change that hands every caregiver device the journal keys, or
 * takes them away by rotating keys.
 */
export async function setJournalSharing(db: PacelineDB, docs: CircleDocs, circleId: string, share: boolean, publish: Publish, now: Date = new Date()): Promise<ActionResult<true>> {
  const me = toMemberRef((await loadOrCreateDeviceKeys(db)).publicKey);
  const members = await listCircleMembers(db, circleId);
  if (!members) return fail('failed');
  if (!(await holdsOwnerKey(db, circleId))) return fail('not-owner');
  for (const m of members.members) {
    if (m.role !== 'caregiver' || m.pending || m.journal === share) continue;
    const pk = fromBase64Url(m.id);
    if (!pk) continue;
    const changed = await setCaregiverJournal(db, circleId, pk, share, now.getTime());
    if (!changed.ok) return fail('failed');
  }
  const consent = createConsentRecord({ topic: 'journal-sharing-caregivers', decision: share ? 'agreed' : 'withdrawn', textVersion: currentConsentVersion('journal-sharing-caregivers') }, me, now);
  if (!consent.ok || !(await docs.circle.put(consent.value)).ok) return fail('failed');
  await publish(circleId);
  return { ok: true, value: true };
}

/** Records this member's telehealth consent decision (agreed or withdrawn) on the current text. */
export async function recordConsent(db: PacelineDB, docs: CircleDocs, topic: 'telehealth', decision: 'agreed' | 'withdrawn', now: Date = new Date()): Promise<ActionResult<true>> {
  const me = toMemberRef((await loadOrCreateDeviceKeys(db)).publicKey);
  const consent = createConsentRecord({ topic, decision, textVersion: currentConsentVersion(topic) }, me, now);
  if (!consent.ok || !(await docs.circle.put(consent.value)).ok) return fail('failed');
  return { ok: true, value: true };
}

/**
 * A clinician sets up a circle for a patient: the circle (this device as a delegate
 * clinician, holding the owner key until the patient takes it over with their invitation),
 * its listing on this device, the clinician's own name in the circle document, and the
 * patient's invitation.
 */
export async function createPatientCircle(
  db: PacelineDB,
  openDocs: (circleId: string) => Promise<CircleDocs>,
  input: { patientName: string; myName: string },
  publish: Publish,
  now: Date = new Date(),
): Promise<ActionResult<{ circleId: string; invitation: MadeInvitation }>> {
  const device = await loadOrCreateDeviceKeys(db);
  await loadOrCreateBoxKeys(db);
  const circleId = newId(now.getTime());
  const created = await createCircle(db, device, circleId, now.getTime(), { role: 'clinician' });
  if (!created.ok) return fail('failed');
  await db.circles.put({ circleId, role: 'clinician', label: input.patientName.trim(), joinedAt: now.getTime(), schemaVersion: 1 });
  await shareDocuments(db, circleId, ['journal', 'plan', 'circle', 'messages', 'alerts']);
  const docs = await openDocs(circleId);
  const me = toMemberRef(device.publicKey);
  const profile = createMemberProfile({ id: me, name: input.myName, role: 'clinician' }, me, now);
  if (!profile.ok || !(await docs.circle.put(profile.value)).ok) return fail('invalid');
  const invitation = await inviteMember(db, docs, circleId, { role: 'patient', name: input.patientName, handOverOwnerKey: true }, publish, now);
  if (!invitation.ok) return invitation;
  await setDeviceProfile(db, { role: 'clinician' });
  return { ok: true, value: { circleId, invitation: invitation.value } };
}

export interface JoinPreview {
  invitation: Invitation;
  /** Entries this device holds in its own circle (merged into the circle's journal when a patient joins). */
  ownEntries: number;
}

/** Reads an invitation from a /join fragment; null for anything that is not a valid one. */
export async function previewJoin(db: PacelineDB, currentCircleId: string, fragment: string): Promise<JoinPreview | null> {
  const read = decodeInvitationFragment(fragment);
  // A waiting-room questionnaire link is for the clinic's tablet, not for joining a circle.
  if (!read.ok || read.value.role === 'intake') return null;
  const { prefixRange } = await import('../../../storage/db');
  const ownEntries = read.value.role === 'patient' ? await db.records.where('[circleId+kind+at]').between(...prefixRange(currentCircleId)).count() : 0;
  return { invitation: read.value, ownEntries };
}

export type JoinError = 'expired' | 'other-owner' | 'already-member' | 'bad-invitation' | 'failed';

/**
 * Joins the circle of an invitation on this device (offline too: the claim goes to the
 * relay on the next connection). A patient's entries made before joining go into the
 * circle's journal; the device profile then points at the circle with the invited role.
 */
export async function joinCircle(
  db: PacelineDB,
  currentCircleId: string,
  invitation: Invitation,
  myName: string,
  now: Date = new Date(),
): Promise<{ ok: true; merged: number } | { ok: false; error: JoinError }> {
  const role = invitation.role;
  if (role === 'intake') return { ok: false, error: 'bad-invitation' };
  await loadOrCreateDeviceKeys(db);
  await loadOrCreateBoxKeys(db);
  const accepted = await acceptInvitation(db, invitation, now.getTime());
  if (!accepted.ok) return { ok: false, error: accepted.error };
  const circleId = invitation.circleId;
  let merged = 0;
  if (invitation.role === 'patient' && currentCircleId !== circleId) {
    const [own, joined] = await Promise.all([openJournalStore(db, currentCircleId), openJournalStore(db, circleId)]);
    try {
      const records: JournalRecord[] = RECORD_KINDS.flatMap((kind) => own.all(kind, { includeDeleted: true }));
      if (records.length > 0) {
        const imported = await joined.importRecords(records);
        if (!imported.ok) return { ok: false, error: 'failed' };
        merged = records.length;
      }
    } finally {
      await Promise.all([own.close(), joined.close()]);
    }
  }
  const readable: DocClass[] = [...new Set(invitation.keys.map((k) => k.docClass))];
  await shareDocuments(db, circleId, readable);
  await db.circles.put({ circleId, role: role, label: role === 'patient' ? myName.trim() : '', joinedAt: now.getTime(), schemaVersion: 1 });
  // Patients and clinicians name themselves in the circle document (a caregiver may not write
  // it: the name the inviter gave the invitation stands for them). The write syncs once the
  // claim is through.
  if (role !== 'caregiver' && myName.trim()) {
    const docs = await openCircleDocs(db, circleId, role);
    try {
      const me = toMemberRef((await loadOrCreateDeviceKeys(db)).publicKey);
      const profile = createMemberProfile({ id: me, name: myName, role: role }, me, now);
      if (profile.ok) await docs.circle.put(profile.value);
    } finally {
      await docs.close();
    }
  }
  if (role === 'clinician') await setDeviceProfile(db, { role: 'clinician' });
  else await setDeviceProfile(db, { circleId, role: role });
  return { ok: true, merged };
}
