/**
 * The circle document's members: who belongs to a care circle and in what role.
 * The signed membership list (sync) decides who may write; these profiles give people
 * names and keep the history of who added and removed whom.
 */
import type { IsoTime, Result } from '../records';
import { LIMITS } from '../validate-fields';
import { MEMBER_ROLES, type MemberRef, type MemberRole } from './member-ref';
import { checkKind, checkMemberRef, checkNotBefore, checkPaired, checkSchemaVersion, compareText, parseShape } from './shape-checks';

/** Schema version of every shape the circle document holds: members, invitations, consent. */
export const CIRCLE_SCHEMA_VERSION = 1 as const;

/** One member device of a circle, keyed by its public key. */
export interface MemberProfile {
  kind: 'member';
  id: MemberRef;
  /** How the others see this member, e.g. "Dr. Okafor (physiotherapy)". */
  name: string;
  role: MemberRole;
  joinedAt: IsoTime;
  addedBy: MemberRef;
  /** Removal keeps the profile, so that the member's earlier records stay attributed. */
  removedAt?: IsoTime;
  removedBy?: MemberRef;
  schemaVersion: number;
}

/** Validates a stored member profile; never throws. */
export function parseMemberProfile(value: unknown): Result<MemberProfile> {
  return parseShape<MemberProfile>(value, (c, obj) => {
    checkKind(c, 'member');
    checkMemberRef(c, obj, 'id', true);
    c.string('name', LIMITS.name, true);
    c.oneOf('role', MEMBER_ROLES, true);
    c.time('joinedAt', true);
    checkMemberRef(c, obj, 'addedBy', true);
    c.time('removedAt');
    checkMemberRef(c, obj, 'removedBy');
    checkPaired(c, obj, 'removedAt', 'removedBy');
    checkNotBefore(c, obj, 'removedAt', 'joinedAt');
    checkSchemaVersion(c, obj, CIRCLE_SCHEMA_VERSION);
  });
}

/** A new member profile from what the adding device knows; the name is trimmed. */
export function createMemberProfile(
  fields: { id: MemberRef; name: string; role: MemberRole }, addedBy: MemberRef, now: Date,
): Result<MemberProfile> {
  return parseMemberProfile({
    kind: 'member', id: fields.id, name: fields.name.trim(), role: fields.role,
    joinedAt: now.toISOString(), addedBy, schemaVersion: CIRCLE_SCHEMA_VERSION,
  });
}

/** A removed copy of a profile; an earlier removal is kept as it was. */
export function removeMember(profile: MemberProfile, by: MemberRef, now: Date): MemberProfile {
  if (profile.removedAt !== undefined) return profile;
  return { ...profile, removedAt: now.toISOString(), removedBy: by };
}

/** Members not removed, ordered by name then id (the same order on every device). */
export function activeMembers(members: readonly MemberProfile[]): MemberProfile[] {
  return members
    .filter((m) => m.removedAt === undefined)
    .sort((a, b) => compareText(a.name.toLowerCase(), b.name.toLowerCase()) || compareText(a.name, b.name) || compareText(a.id, b.id));
}

/**
 * The role of every member ever added, removed ones included: what a member wrote while in
 * the circle (a consent, an acknowledgement) keeps counting after the device is removed.
 */
export function memberRoles(members: readonly MemberProfile[]): Map<MemberRef, MemberRole> {
  return new Map(members.map((m) => [m.id, m.role]));
}
