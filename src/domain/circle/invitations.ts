/**
 * Invitations to join a care circle. The link's key material never touches this record
 * (it lives only in the URL fragment); the record tracks who it is for and its life:
 * open until used once, revoked, or expired.
 */
import { newId } from '../ids';
import type { IsoTime, Result, Ulid } from '../records';
import { FieldChecker, LIMITS, parseIsoTime } from '../validate-fields';
import { CIRCLE_SCHEMA_VERSION } from './circle-doc';
import { MEMBER_ROLES, isMemberRef, type MemberRef, type MemberRole } from './member-ref';
import { checkKind, checkMemberRef, checkPaired, checkSchemaVersion, msOf, parseShape } from './shape-checks';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** How long an invitation stays open unless the inviter chooses otherwise. */
export const DEFAULT_INVITE_TTL_MS = 7 * DAY_MS;
/** Shortest and longest lifetime an inviter may choose: long enough to pass a link on, short enough to limit a leaked one. */
export const INVITE_TTL_LIMITS_MS = { min: 1 * HOUR_MS, max: 30 * DAY_MS } as const;

export interface Invitation {
  kind: 'invitation';
  id: Ulid;
  role: MemberRole;
  /** Who it is for, e.g. "Maria (daughter)". */
  name: string;
  /**
   * The invitation key (its public half) as the membership lists it until claimed: every
   * member device can then tell whose device replaced it, and show this name for it.
   */
  invitePk?: MemberRef;
  createdBy: MemberRef;
  createdAt: IsoTime;
  expiresAt: IsoTime;
  /** set once by the joining device */
  usedAt?: IsoTime;
  usedBy?: MemberRef;
  revokedAt?: IsoTime;
  revokedBy?: MemberRef;
  schemaVersion: number;
}

export type InvitationState = 'open' | 'used' | 'expired' | 'revoked';

/** expiresAt after createdAt by at most the longest lifetime. */
function checkLifetime(c: FieldChecker, obj: Record<string, unknown>): void {
  const created = parseIsoTime(obj['createdAt']);
  const expires = parseIsoTime(obj['expiresAt']);
  if (created === null || expires === null) return; // already reported
  const ttl = expires - created;
  // Stored ones are held to the maximum only, so that raising the minimum later cannot
  // make existing invitations unreadable.
  if (ttl <= 0 || ttl > INVITE_TTL_LIMITS_MS.max) {
    c.add([{ field: 'expiresAt', code: 'outOfRange', params: { min: 1, max: INVITE_TTL_LIMITS_MS.max } }]);
  }
}

/** Validates a stored invitation; never throws. */
export function parseInvitation(value: unknown): Result<Invitation> {
  return parseShape<Invitation>(value, (c, obj) => {
    checkKind(c, 'invitation');
    c.ulid('id', true);
    c.oneOf('role', MEMBER_ROLES, true);
    c.string('name', LIMITS.name, true);
    checkMemberRef(c, obj, 'invitePk');
    checkMemberRef(c, obj, 'createdBy', true);
    c.time('createdAt', true);
    c.time('expiresAt', true);
    c.time('usedAt');
    checkMemberRef(c, obj, 'usedBy');
    c.time('revokedAt');
    checkMemberRef(c, obj, 'revokedBy');
    checkPaired(c, obj, 'usedAt', 'usedBy');
    checkPaired(c, obj, 'revokedAt', 'revokedBy');
    checkLifetime(c, obj);
    checkSchemaVersion(c, obj, CIRCLE_SCHEMA_VERSION);
  });
}

/**
 * An invitation's state at `now`. A use counts only if it came before the expiry and before
 * any revocation (two offline devices may do both); a use that did not count leaves the
 * invitation revoked or expired, never open again: it is single-use.
 */
export function invitationState(inv: Invitation, now: Date): InvitationState {
  const used = inv.usedAt === undefined ? null : msOf(inv.usedAt);
  const revoked = inv.revokedAt === undefined ? null : msOf(inv.revokedAt);
  const expires = msOf(inv.expiresAt);
  if (used !== null && used < expires && (revoked === null || used < revoked)) return 'used';
  if (revoked !== null) return 'revoked';
  if (now.getTime() >= expires) return 'expired';
  return used !== null ? 'used' : 'open';
}

export interface InvitationInput {
  role: MemberRole;
  name: string;
  /** Lifetime in ms, within INVITE_TTL_LIMITS_MS; default 7 days. */
  ttlMs?: number;
  invitePk?: MemberRef;
}

/** A new open invitation from what the inviter typed; the name is trimmed. */
export function createInvitation(fields: InvitationInput, createdBy: MemberRef, now: Date): Result<Invitation> {
  const ttl = fields.ttlMs ?? DEFAULT_INVITE_TTL_MS;
  if (!Number.isFinite(ttl) || ttl < INVITE_TTL_LIMITS_MS.min || ttl > INVITE_TTL_LIMITS_MS.max) {
    return { ok: false, error: [{ field: 'ttlMs', code: 'outOfRange', params: { ...INVITE_TTL_LIMITS_MS } }] };
  }
  return parseInvitation({
    kind: 'invitation', id: newId(now.getTime()), role: fields.role, name: fields.name.trim(), ...(fields.invitePk ? { invitePk: fields.invitePk } : {}),
    createdBy, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttl).toISOString(),
    schemaVersion: CIRCLE_SCHEMA_VERSION,
  });
}

/** The joining device marks an open invitation used; otherwise the error is its state. */
export function useInvitation(inv: Invitation, by: MemberRef, now: Date): Result<Invitation, Exclude<InvitationState, 'open'>> {
  // A device passes its own key: a malformed one is a bug, not an input error.
  if (!isMemberRef(by)) throw new RangeError('useInvitation: not a member key');
  const state = invitationState(inv, now);
  if (state !== 'open') return { ok: false, error: state };
  return { ok: true, value: { ...inv, usedAt: now.toISOString(), usedBy: by } };
}

/** Revokes an open invitation; a used, expired or already revoked one is left alone. */
export function revokeInvitation(inv: Invitation, by: MemberRef, now: Date): Result<Invitation, Exclude<InvitationState, 'open'>> {
  if (!isMemberRef(by)) throw new RangeError('revokeInvitation: not a member key');
  const state = invitationState(inv, now);
  if (state !== 'open') return { ok: false, error: state };
  return { ok: true, value: { ...inv, revokedAt: now.toISOString(), revokedBy: by } };
}
