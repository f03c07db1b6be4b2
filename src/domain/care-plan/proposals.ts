import type { Result, ValidationError } from '../records';
import { createPlanRecord, revisePlanRecord, type PlanRecordChanges } from './factory';
import { parsePlanRecord } from './parse';
import type { Goal, MemberRef, PlanItem, Proposal } from './types';

/** What accepting a proposal writes: the new or updated goal or plan item, and the decided proposal. */
export interface AppliedProposal {
  record: Goal | PlanItem;
  proposal: Proposal;
}

/** Errors when a proposal can no longer be decided: already decided, or withdrawn. */
function notOpen(proposal: Proposal): ValidationError[] {
  if (proposal.deletedAt !== undefined) return [{ field: 'status', code: 'unknownValue', params: { value: 'withdrawn' } }];
  if (proposal.status !== 'open') return [{ field: 'status', code: 'unknownValue', params: { value: proposal.status } }];
  return [];
}

/** The proposal marked decided by `decidedBy` at `now`, validated. */
function decided(proposal: Proposal, status: 'accepted' | 'declined', decidedBy: MemberRef, now: Date, note?: string): Result<Proposal> {
  const stamp = now.toISOString();
  const { decisionNote: _old, ...rest } = proposal;
  const next: Proposal = { ...rest, status, decidedBy, decidedAt: stamp, updatedAt: stamp, updatedBy: decidedBy };
  if (note !== undefined && note.trim() !== '') next.decisionNote = note;
  const parsed = parsePlanRecord(next, now);
  return parsed.ok ? { ok: true, value: parsed.value as Proposal } : parsed;
}

/** Errors when `target` is not the live record the proposal points at. */
function targetErrors(target: Goal | PlanItem | undefined, proposal: Proposal): ValidationError[] {
  const { kind, id } = proposal.target;
  if (id === null) return target === undefined ? [] : [{ field: 'target', code: 'unknownValue', params: { value: target.id } }];
  if (target === undefined || target.deletedAt !== undefined) return [{ field: 'target', code: 'required', params: { kind } }];
  if (target.kind !== kind || target.id !== id) return [{ field: 'target', code: 'unknownValue', params: { value: target.id } }];
  return [];
}

/**
 * Accepts an open proposal: creates the proposed goal or plan item (target undefined, proposal
 * target id null) or applies the changes to `target`. Refused with errors when the proposal is
 * decided or withdrawn, the target is missing, deleted or another record, or the merged record
 * no longer validates (errors then name the record's fields). The written record is
 * attributed to the decider; the proposer stays on the proposal.
 */
export function applyProposal(
  target: Goal | PlanItem | undefined, proposal: Proposal, decidedBy: MemberRef, now: Date, decisionNote?: string,
): Result<AppliedProposal> {
  const checked = parsePlanRecord(proposal, now);
  if (!checked.ok) return checked;
  const problems = [...notOpen(proposal), ...targetErrors(target, proposal)];
  if (problems.length > 0) return { ok: false, error: problems };
  const record = target === undefined
    ? createPlanRecord(proposal.target.kind, proposal.changes, decidedBy, now)
    : revisePlanRecord<Goal | PlanItem>(target, proposal.changes as PlanRecordChanges<Goal | PlanItem>, decidedBy, now);
  if (!record.ok) return record;
  const done = decided(proposal, 'accepted', decidedBy, now, decisionNote);
  return done.ok ? { ok: true, value: { record: record.value, proposal: done.value } } : done;
}

/** Declines an open proposal, with an optional note to the proposer. */
export function declineProposal(proposal: Proposal, decidedBy: MemberRef, now: Date, decisionNote?: string): Result<Proposal> {
  const problems = notOpen(proposal);
  return problems.length > 0 ? { ok: false, error: problems } : decided(proposal, 'declined', decidedBy, now, decisionNote);
}

/** Withdraws an open proposal (soft delete by its author); a decided one stays as history. */
export function withdrawProposal(proposal: Proposal, author: MemberRef, now: Date): Result<Proposal> {
  const problems = notOpen(proposal);
  if (problems.length > 0) return { ok: false, error: problems };
  const stamp = now.toISOString();
  return { ok: true, value: { ...proposal, deletedAt: stamp, updatedAt: stamp, updatedBy: author } };
}
