/**
 * Who may write what in the shared plan (DESIGN.md, "Data"): clinicians write everything;
 * patients and caregivers may create comments and proposals, edit and delete their own
 * comments, and withdraw (delete) their own open proposals. Receiving devices run this on
 * every incoming change, so it must agree on every device: it looks only at the two values.
 */
import { changedKeys } from './json-diff';
import { PLAN_ROLES, type MemberRef, type PlanRecord, type PlanRole } from './types';

export type PlanWriteAction = 'create' | 'edit' | 'delete' | 'restore';

/** What a write does to a record: create (nothing before), delete, restore, or edit. */
export function planWriteAction(before: PlanRecord | undefined, after: PlanRecord): PlanWriteAction {
  if (before === undefined) return 'create';
  if (before.deletedAt === undefined && after.deletedAt !== undefined) return 'delete';
  if (before.deletedAt !== undefined && after.deletedAt === undefined) return 'restore';
  return 'edit';
}

// Every write stamps these; a newer app may also raise the schema version as it writes.
const BOOKKEEPING = ['updatedAt', 'updatedBy', 'schemaVersion'];

function onlyChanged(before: PlanRecord, after: PlanRecord, allowed: readonly string[]): boolean {
  return changedKeys(before, after).every((key) => BOOKKEEPING.includes(key) || allowed.includes(key));
}

/** Identity and history never change, whoever writes. */
function keepsIdentity(before: PlanRecord, after: PlanRecord): boolean {
  return before.id === after.id && before.kind === after.kind && before.createdAt === after.createdAt
    && before.createdBy === after.createdBy && after.schemaVersion >= before.schemaVersion;
}

/** A writer can only name their own device as author, creator or decider. */
function attributedTo(before: PlanRecord | undefined, after: PlanRecord, author: MemberRef): boolean {
  if (after.updatedBy !== author) return false;
  if (before === undefined && after.createdBy !== author) return false;
  if (after.kind === 'proposal' && after.decidedBy !== undefined) {
    const previous = before?.kind === 'proposal' ? before.decidedBy : undefined;
    if (after.decidedBy !== previous && after.decidedBy !== author) return false;
  }
  return true;
}

/** The narrow rights of patients and caregivers. */
function memberWriteAllowed(before: PlanRecord | undefined, after: PlanRecord, ownKeys: readonly MemberRef[]): boolean {
  const action = planWriteAction(before, after);
  if (before === undefined) {
    if (after.deletedAt !== undefined) return false;
    if (after.kind === 'comment') return true;
    return after.kind === 'proposal' && after.status === 'open'
      && after.decidedBy === undefined && after.decidedAt === undefined && after.decisionNote === undefined;
  }
  if (!ownKeys.includes(before.createdBy)) return false;
  switch (action) {
    case 'edit':
      return before.kind === 'comment' && before.deletedAt === undefined && onlyChanged(before, after, ['text']);
    case 'delete':
      return (before.kind === 'comment' || (before.kind === 'proposal' && before.status === 'open'))
        && onlyChanged(before, after, ['deletedAt']);
    case 'restore':
      // Undo of one's own deletion only: a comment a clinician removed stays removed.
      return before.kind === 'comment' && ownKeys.includes(before.updatedBy) && onlyChanged(before, after, ['deletedAt']);
    default:
      return false;
  }
}

/**
 * True when a member with `role`, writing from device `author`, may turn `before` (undefined:
 * no record yet) into `after`. Both values must have passed parsePlanRecord. `ownKeys` lists
 * every device key of the writing member, so that a comment written on the phone can be edited
 * on the tablet; it defaults to the writing device alone. For every role the id, kind,
 * createdAt and createdBy stay fixed, updatedBy is the writing device, createdBy is too on
 * creation, and a proposal's decidedBy can only be set to the writing device.
 */
export function planWriteAllowed(
  role: PlanRole, before: PlanRecord | undefined, after: PlanRecord, author: MemberRef, ownKeys: readonly MemberRef[] = [author],
): boolean {
  if (!(PLAN_ROLES as readonly string[]).includes(role)) return false;
  if (before !== undefined && !keepsIdentity(before, after)) return false;
  if (!attributedTo(before, after, author)) return false;
  if (role === 'clinician') return true;
  return memberWriteAllowed(before, after, ownKeys);
}
