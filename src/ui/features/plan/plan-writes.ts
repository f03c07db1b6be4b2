/**
 * Every write the plan screens make, on a plan document: built and validated by the domain,
 * checked against the writer's rights (the relay and the other devices check the same), then
 * stored. Edits are applied to the record as it is now, not as the form first saw it, and
 * only the fields the person changed are written: an edit of another field made meanwhile
 * (another tab, another device offline) survives.
 */
import {
  applyProposal, checkPlanCapacity, createPlanRecord, declineProposal, markPlanRecordDeleted, markPlanRecordRestored,
  planWriteAllowed, revisePlanRecord, withdrawProposal,
  type Goal, type MemberRef, type PlanInputByKind, type PlanItem, type PlanKind, type PlanRecord, type PlanRecordChanges,
  type PlanRecordOfKind, type PlanRole, type Proposal, type Result, type SingletonKind, type ValidationError,
} from '../../../domain';
import type { StoreError } from '../../../storage/errors';
import type { PlanDoc } from '../../../storage/circle-docs';
import type { MessageParams } from '../../i18n/i18n';
import type { PlanKey } from './plan-text';

/** Why a write failed: field problems (shown beside the fields), or one message. */
export type PlanSaveError =
  | { kind: 'fields'; errors: ValidationError[] }
  | { kind: 'message'; key: PlanKey; params?: MessageParams };

export type PlanSaveResult<T> = Result<T, PlanSaveError>;

export interface PlanWriter {
  plan: PlanDoc;
  role: PlanRole;
  /** This device's key: the author of every write. */
  me: MemberRef;
  now?: () => Date;
}

const message = (key: PlanKey, params?: MessageParams): { ok: false; error: PlanSaveError } =>
  ({ ok: false, error: { kind: 'message', key, ...(params ? { params } : {}) } });

const fields = (errors: ValidationError[]): { ok: false; error: PlanSaveError } => ({ ok: false, error: { kind: 'fields', errors } });

function fromStore(error: StoreError): PlanSaveError {
  switch (error.code) {
    case 'invalid-record': return { kind: 'fields', errors: error.errors };
    case 'storage-full': return { kind: 'message', key: 'errors.storageFull' };
    case 'read-only': return { kind: 'message', key: 'errors.readOnly' };
    default: return { kind: 'message', key: 'errors.saveFailed' };
  }
}

const clock = (w: PlanWriter): Date => (w.now ? w.now() : new Date());

/** Stores `after` in place of `before` if the writer's role may. */
async function store<T extends PlanRecord>(w: PlanWriter, before: PlanRecord | undefined, after: T): Promise<PlanSaveResult<T>> {
  if (w.plan.readOnly) return message('errors.readOnly');
  if (!planWriteAllowed(w.role, before, after, w.me)) return message('errors.notAllowed');
  try {
    const result = await w.plan.put(after);
    return result.ok ? { ok: true, value: result.value } : { ok: false, error: fromStore(result.error) };
  } catch (e) {
    console.error('plan save failed', e);
    return message('errors.saveFailed');
  }
}

/** A new record of `kind` (within the plan's limits). */
export async function createRecord<K extends PlanKind>(w: PlanWriter, kind: K, input: PlanInputByKind[K]): Promise<PlanSaveResult<PlanRecordOfKind<K>>> {
  const over = checkPlanCapacity(w.plan.all(kind) as PlanRecord[], kind);
  if (over.length > 0) return message('errors.capacity', { max: over[0]?.params?.['max'] ?? '' });
  const built = createPlanRecord(kind, input, w.me, clock(w));
  if (!built.ok) return fields(built.error);
  return store(w, undefined, built.value);
}

/**
 * Applies `changes` (only what the person changed; null clears a field) to the record as it is
 * stored now. Refused when it was deleted meanwhile, so the form and what was typed stay.
 */
export async function reviseRecord<T extends PlanRecord>(w: PlanWriter, original: T, changes: Record<string, unknown>): Promise<PlanSaveResult<T>> {
  const current = (w.plan.get(original.kind, original.id) as T | undefined) ?? original;
  if (current.deletedAt !== undefined && original.deletedAt === undefined) return message('errors.deletedMeanwhile');
  if (Object.keys(changes).length === 0) return { ok: true, value: current };
  const revised = revisePlanRecord(current, changes as PlanRecordChanges<T>, w.me, clock(w));
  if (!revised.ok) return fields(revised.error);
  return store(w, current, revised.value);
}

/**
 * Stepped care, escalation and the crisis plan live under fixed ids: the first save creates
 * the record, later ones revise it, and saving one that was deleted brings it back with the
 * values typed (a re-created singleton must keep its first creation, or the write is refused).
 */
export async function saveSingleton<K extends SingletonKind>(
  w: PlanWriter, kind: K, original: PlanRecordOfKind<K> | undefined, input: PlanInputByKind[K], changes: Record<string, unknown>,
): Promise<PlanSaveResult<PlanRecordOfKind<K>>> {
  const stored = w.plan.all(kind, { includeDeleted: true })[0] as PlanRecordOfKind<K> | undefined;
  if (!stored) return createRecord(w, kind, input);
  const deleted = (stored as PlanRecord).deletedAt !== undefined;
  if (!deleted && original !== undefined) return reviseRecord(w, original, changes);
  // Deleted (or created elsewhere while this form was open for a new one): write every field typed.
  const base = !deleted ? stored : markPlanRecordRestored(stored, w.me, clock(w));
  const full: Record<string, unknown> = { ...input };
  for (const key of Object.keys(stored)) if (!(key in full) && !['id', 'kind', 'schemaVersion', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt'].includes(key)) full[key] = null;
  const revised = revisePlanRecord(base, full as PlanRecordChanges<PlanRecordOfKind<K>>, w.me, clock(w));
  if (!revised.ok) return fields(revised.error);
  return store(w, stored, revised.value);
}

/** Soft delete (kept for the history and for undo). */
export async function removeRecord<T extends PlanRecord>(w: PlanWriter, record: T): Promise<PlanSaveResult<T>> {
  const current = (w.plan.get(record.kind, record.id) as T | undefined) ?? record;
  if (current.deletedAt !== undefined) return { ok: true, value: current };
  return store(w, current, markPlanRecordDeleted(current, w.me, clock(w)));
}

/** Undo of a deletion. */
export async function restoreRecord<T extends PlanRecord>(w: PlanWriter, record: T): Promise<PlanSaveResult<T>> {
  const current = (w.plan.get(record.kind, record.id) as T | undefined) ?? record;
  if (current.deletedAt === undefined) return { ok: true, value: current };
  return store(w, current, markPlanRecordRestored(current, w.me, clock(w)));
}

/** Marks one milestone of a goal reached (now) or not reached, leaving the others as stored. */
export async function setMilestoneReached(w: PlanWriter, goal: Goal, milestoneId: string, reached: boolean): Promise<PlanSaveResult<Goal>> {
  const current = (w.plan.get('goal', goal.id) as Goal | undefined) ?? goal;
  const stamp = clock(w).toISOString();
  const milestones = current.milestones.map((m) => {
    if (m.id !== milestoneId) return m;
    if (reached) return { ...m, reachedAt: m.reachedAt ?? stamp };
    const { reachedAt: _was, ...rest } = m;
    return rest;
  });
  return reviseRecord(w, current, { milestones });
}

/** The author withdraws an open proposal. */
export async function withdraw(w: PlanWriter, proposal: Proposal): Promise<PlanSaveResult<Proposal>> {
  const current = (w.plan.get('proposal', proposal.id) as Proposal | undefined) ?? proposal;
  const next = withdrawProposal(current, w.me, clock(w));
  if (!next.ok) return message('errors.alreadyDecided');
  return store(w, current, next.value);
}

/** Why a proposal could not be applied, in words. */
function decisionError(errors: readonly ValidationError[], fieldName: (field: string) => string, problem: (e: ValidationError) => string): PlanSaveError {
  const first = errors[0];
  if (!first) return { kind: 'message', key: 'errors.saveFailed' };
  if (first.field === 'target') return { kind: 'message', key: 'errors.targetGone' };
  if (first.field === 'status') return { kind: 'message', key: 'errors.alreadyDecided' };
  const top = first.field.replace(/^changes\./, '').split('.')[0] ?? '';
  return { kind: 'message', key: 'errors.notFit', params: { field: fieldName(top), problem: problem(first) } };
}

/**
 * Accepts a proposal: writes the goal or plan item it changes (or creates), then the decided
 * proposal. The record goes first: if the second write failed, the proposal stays open and
 * accepting it again applies the same values again.
 */
export async function accept(
  w: PlanWriter, proposal: Proposal, note: string,
  describe: { fieldName: (field: string) => string; problem: (e: ValidationError) => string },
): Promise<PlanSaveResult<{ record: Goal | PlanItem; proposal: Proposal }>> {
  const current = (w.plan.get('proposal', proposal.id) as Proposal | undefined) ?? proposal;
  const { kind, id } = current.target;
  const target = id === null ? undefined : (w.plan.get(kind, id) as Goal | PlanItem | undefined);
  if (id === null) {
    const over = checkPlanCapacity(w.plan.all(kind) as PlanRecord[], kind);
    if (over.length > 0) return message('errors.capacity', { max: over[0]?.params?.['max'] ?? '' });
  }
  const applied = applyProposal(target, current, w.me, clock(w), note.trim() === '' ? undefined : note);
  if (!applied.ok) return { ok: false, error: decisionError(applied.error, describe.fieldName, describe.problem) };
  const written = await store(w, target, applied.value.record);
  if (!written.ok) return written;
  const decided = await store(w, current, applied.value.proposal);
  return decided.ok ? { ok: true, value: { record: written.value, proposal: decided.value } } : decided;
}

/** Declines a proposal with an optional note. */
export async function decline(w: PlanWriter, proposal: Proposal, note: string): Promise<PlanSaveResult<Proposal>> {
  const current = (w.plan.get('proposal', proposal.id) as Proposal | undefined) ?? proposal;
  const next = declineProposal(current, w.me, clock(w), note.trim() === '' ? undefined : note);
  if (!next.ok) return message('errors.alreadyDecided');
  return store(w, current, next.value);
}
