/**
 * Pure helpers of the plan screens: the plan read as lists, who wrote what, what an edit
 * changed, and the history that the records themselves can tell. No Solid, no storage.
 */
import {
  PRACTICE_CATEGORIES,
  type CrisisPlanRecord, type Escalation, type Goal, type GoalRating, type MemberRef, type PlanComment, type PlanItem,
  type PlanKind, type PlanRecord, type PracticeCategory, type Proposal, type SteppedCare,
} from '../../../domain';
import { sameJson } from '../../../domain/care-plan/json-diff';

/** The plan as the screens read it: live records by kind, plus every record (deleted too) for the history. */
export interface PlanSnapshot {
  goals: Goal[];
  ratings: GoalRating[];
  items: PlanItem[];
  steppedCare: SteppedCare | undefined;
  escalation: Escalation | undefined;
  crisisPlan: CrisisPlanRecord | undefined;
  comments: PlanComment[];
  proposals: Proposal[];
  /** Every valid record, deleted ones included. */
  all: PlanRecord[];
  /** Written by a newer app: show it, refuse writes. */
  readOnly: boolean;
}

/** What a plan document offers for reading (RecordDoc's get/all, narrowed). */
export interface PlanReader {
  all(kind: PlanKind, options?: { includeDeleted?: boolean }): PlanRecord[];
  readonly readOnly: boolean;
}

const KINDS: readonly PlanKind[] = ['goal', 'goal-rating', 'plan-item', 'stepped-care', 'escalation', 'crisis-plan', 'comment', 'proposal'];

/** Reads the whole plan once. */
export function readSnapshot(plan: PlanReader): PlanSnapshot {
  const all = KINDS.flatMap((kind) => plan.all(kind, { includeDeleted: true }));
  const live = all.filter((r) => r.deletedAt === undefined);
  const of = <K extends PlanKind>(kind: K) => live.filter((r): r is Extract<PlanRecord, { kind: K }> => r.kind === kind);
  return {
    goals: of('goal'),
    ratings: of('goal-rating'),
    items: of('plan-item'),
    steppedCare: of('stepped-care')[0],
    escalation: of('escalation')[0],
    crisisPlan: of('crisis-plan')[0],
    comments: of('comment'),
    proposals: of('proposal'),
    all,
    readOnly: plan.readOnly,
  };
}

/** True when the plan has something a patient acts on: an active item or a goal. */
export function hasPlanContent(s: PlanSnapshot): boolean {
  return s.goals.length > 0 || s.items.some((i) => i.archivedAt === undefined);
}

/** True when nothing at all has been written in the plan (comments and suggestions aside). */
export function isPlanEmpty(s: PlanSnapshot): boolean {
  return s.goals.length === 0 && s.items.length === 0 && !s.steppedCare && !s.escalation && !s.crisisPlan;
}

/** Plan items by category, in the vocabulary's order; empty categories left out. */
export function groupByCategory(items: readonly PlanItem[]): { category: PracticeCategory; items: PlanItem[] }[] {
  return PRACTICE_CATEGORIES
    .map((category) => ({ category, items: items.filter((i) => i.category === category) }))
    .filter((g) => g.items.length > 0);
}

/** Who an author is to the reader: this device, a named member, or someone the circle does not name. */
export type Author = { kind: 'you' } | { kind: 'member'; name: string } | { kind: 'unknown' };

/** Names an author from the circle's member profiles (by device key); this device is "you". */
export function authorOf(ref: MemberRef | undefined, names: ReadonlyMap<MemberRef, string>, me: MemberRef | undefined): Author {
  if (ref === undefined) return { kind: 'unknown' };
  if (me !== undefined && ref === me) return { kind: 'you' };
  const name = names.get(ref);
  return name === undefined || name.trim() === '' ? { kind: 'unknown' } : { kind: 'member', name };
}

/** The line under a record: added (never changed since) or changed, by whom and when. */
export function latestStamp(r: PlanRecord): { action: 'added' | 'changed'; by: MemberRef; at: string } {
  return r.updatedAt === r.createdAt && r.updatedBy === r.createdBy
    ? { action: 'added', by: r.createdBy, at: r.createdAt }
    : { action: 'changed', by: r.updatedBy, at: r.updatedAt };
}

/**
 * The fields whose values differ between what a form started from and what it holds now:
 * the changes an edit or a suggestion makes. A value that is gone is null (clear the field).
 * Only these go to the record, so that a concurrent edit of another field survives.
 */
export function changesBetween(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [b, a] = [blankToUndefined(before[key]), blankToUndefined(after[key])];
    if (!sameJson(b, a)) out[key] = a === undefined ? null : a;
  }
  return out;
}

function blankToUndefined(v: unknown): unknown {
  if (v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0)) return undefined;
  return v;
}

export type HistoryAction = 'created' | 'changed' | 'deleted' | 'accepted' | 'declined' | 'withdrawn';

/** One line of the plan's history, as the records tell it. */
export interface HistoryEntry {
  key: string;
  record: PlanRecord;
  action: HistoryAction;
  /** Null when the record does not say who (a deletion overwritten by a later change). */
  by: MemberRef | null;
  at: string;
}

/**
 * What the records themselves say happened, newest first: each record's creation, a proposal's
 * decision, a deletion, and the latest change when there was one after those. Records keep
 * only their latest author, so changes in between cannot be listed, and are not invented.
 */
export function historyEntries(records: readonly PlanRecord[]): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const r of records) {
    const add = (action: HistoryAction, by: MemberRef | null, at: string) => out.push({ key: `${r.kind}/${r.id}/${action}/${at}`, record: r, action, by, at });
    add('created', r.createdBy, r.createdAt);
    const covered = new Set<string>([r.createdAt]);
    if (r.kind === 'proposal' && r.decidedAt !== undefined && r.status !== 'open') {
      add(r.status, r.decidedBy ?? null, r.decidedAt);
      covered.add(r.decidedAt);
    }
    if (r.deletedAt !== undefined) {
      // The deletion stamps updatedAt and updatedBy; a later write would have replaced them.
      const by = r.updatedAt === r.deletedAt ? r.updatedBy : null;
      add(r.kind === 'proposal' ? 'withdrawn' : 'deleted', by, r.deletedAt);
      covered.add(r.deletedAt);
    }
    if (!covered.has(r.updatedAt)) add('changed', r.updatedBy, r.updatedAt);
  }
  // Newest first; at the same time, the later record first (ULIDs sort by creation), then by action.
  const order = (a: HistoryEntry, b: HistoryEntry) =>
    (a.at < b.at ? 1 : a.at > b.at ? -1 : 0) || (a.record.id < b.record.id ? 1 : a.record.id > b.record.id ? -1 : 0) || (a.action < b.action ? -1 : a.action > b.action ? 1 : 0);
  return out.sort(order);
}

/** Comments on one target, oldest first. */
export function commentsOn(comments: readonly PlanComment[], kind: PlanComment['target']['kind'], id: string | null): PlanComment[] {
  return comments.filter((c) => c.target.kind === kind && c.target.id === id).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
}
