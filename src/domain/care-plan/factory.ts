import { newId } from '../ids';
import type { IsoTime, Result, Ulid } from '../records';
import { isPlainObject } from '../validate-fields';
import { DETAIL_FIELDS } from './item-checks';
import { parsePlanRecord } from './parse';
import {
  CARE_PLAN_SCHEMA_VERSION, CATEGORY_FIELDS, SINGLETON_IDS, isSingletonKind,
  type CrisisPlanRecord, type Escalation, type Goal, type GoalRating, type MemberRef, type PlanComment, type PlanItem,
  type PlanKind, type PlanRecord, type PlanRecordBase, type PlanRecordOfKind, type Proposal, type SteppedCare,
} from './types';

type BaseKeys = keyof PlanRecordBase | 'kind';

/** A milestone as typed: the id is made when missing. */
export interface MilestoneInput { id?: Ulid; text: string; reachedAt?: IsoTime }

export type GoalInput = Partial<Omit<Goal, BaseKeys | 'milestones'>> & { milestones?: MilestoneInput[] };
/** `at` defaults to now. */
export type GoalRatingInput = Partial<Omit<GoalRating, BaseKeys>>;
export type PlanItemInput = Partial<Omit<PlanItem, BaseKeys>>;
export type SteppedCareInput = Partial<Omit<SteppedCare, BaseKeys>>;
export type EscalationInput = Partial<Omit<Escalation, BaseKeys>>;
export type CrisisPlanInput = Partial<Omit<CrisisPlanRecord, BaseKeys>>;
export type PlanCommentInput = Partial<Omit<PlanComment, BaseKeys>>;
/** A new proposal is always open; the decision fields are set by decideProposal. */
export type ProposalInput = Partial<Omit<Proposal, BaseKeys | 'status' | 'decidedBy' | 'decidedAt' | 'decisionNote'>>;

export interface PlanInputByKind {
  goal: GoalInput;
  'goal-rating': GoalRatingInput;
  'plan-item': PlanItemInput;
  'stepped-care': SteppedCareInput;
  escalation: EscalationInput;
  'crisis-plan': CrisisPlanInput;
  comment: PlanCommentInput;
  proposal: ProposalInput;
}

/** Fields a revision may not touch: identity, kind and history. */
const FIXED = ['id', 'kind', 'schemaVersion', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt'] as const;
type FixedKey = (typeof FIXED)[number];

/** Changes to a plan record; a key set to undefined (or null, or '') removes that optional field. */
export type PlanRecordChanges<T extends PlanRecord> = { [K in Exclude<keyof T, FixedKey>]?: T[K] | null | undefined };

const TRIMMED = new Set(['title', 'name', 'dose', 'schedule', 'purpose', 'activity', 'readingTitle']);
const LISTS = new Set(['criteria', 'steps', 'sideEffectsToWatch']);

/** Tidies what a person typed: trims short fields, drops blank list lines and contact rows, makes milestone ids. */
function tidy(key: string, raw: unknown, now: Date): unknown {
  if (typeof raw === 'string') return TRIMMED.has(key) ? raw.trim() : raw;
  if (!Array.isArray(raw)) return raw;
  if (LISTS.has(key)) return raw.map((s) => (typeof s === 'string' ? s.trim() : s)).filter((s) => s !== '');
  if (key === 'people') {
    return raw.map((p) => (isPlainObject(p) ? { ...p, name: trimmed(p['name']), phone: trimmed(p['phone']) } : p))
      .filter((p) => !(isPlainObject(p) && p['name'] === '' && p['phone'] === ''));
  }
  if (key === 'milestones') {
    return raw.map((m) => (isPlainObject(m) ? { ...m, text: trimmed(m['text']), id: m['id'] ?? newId(now.getTime()) } : m))
      .filter((m) => !(isPlainObject(m) && m['text'] === '' && m['reachedAt'] === undefined));
  }
  return raw;
}

function trimmed(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

// A proposal's reason may be blank but must be there.
const KEEP_BLANK = new Set(['reason']);

/** Applies fields onto a record copy: undefined, null and '' remove a field, the rest are tidied. */
function assign(target: Record<string, unknown>, fields: object, now: Date): void {
  for (const [key, raw] of Object.entries(fields)) {
    const value = tidy(key, raw, now);
    if (value === undefined || value === null || (value === '' && !KEEP_BLANK.has(key))) delete target[key];
    else target[key] = value;
  }
}

/**
 * Drops other categories' detail fields, left behind in a record when an edit or a proposal
 * changes its category. Fields named in `keep` (what the edit sets) stay, so that a mismatch
 * there is reported rather than silently lost.
 */
export function withoutForeignDetails(record: Record<string, unknown>, keep: ReadonlySet<string>): Record<string, unknown> {
  const category = record['category'];
  if (record['kind'] !== 'plan-item' || typeof category !== 'string' || !Object.hasOwn(CATEGORY_FIELDS, category)) return record;
  const own: readonly string[] = CATEGORY_FIELDS[category as keyof typeof CATEGORY_FIELDS];
  const out = { ...record };
  for (const field of DETAIL_FIELDS) if (!own.includes(field) && !keep.has(field)) delete out[field];
  return out;
}

/**
 * Builds a complete plan record from typed fields (id, schema version, author and times
 * filled) and validates it. Singletons get their fixed id; a proposal starts open.
 */
export function createPlanRecord<K extends PlanKind>(
  kind: K, fields: PlanInputByKind[K], author: MemberRef, now: Date,
): Result<PlanRecordOfKind<K>> {
  const stamp = now.toISOString();
  const candidate: Record<string, unknown> = {};
  assign(candidate, fields, now);
  if (kind === 'goal-rating') candidate['at'] ??= stamp;
  if (kind === 'goal') candidate['milestones'] ??= [];
  if (kind === 'proposal') {
    candidate['reason'] ??= '';
    candidate['status'] = 'open';
    for (const key of ['decidedBy', 'decidedAt', 'decisionNote']) delete candidate[key];
  }
  Object.assign(candidate, {
    id: isSingletonKind(kind) ? SINGLETON_IDS[kind] : newId(now.getTime()),
    schemaVersion: CARE_PLAN_SCHEMA_VERSION,
    kind,
    createdAt: stamp,
    createdBy: author,
    updatedAt: stamp,
    updatedBy: author,
  });
  delete candidate['deletedAt'];
  const parsed = parsePlanRecord(candidate, now);
  return parsed.ok ? { ok: true, value: parsed.value as PlanRecordOfKind<K> } : parsed;
}

/**
 * An edited copy (updatedAt/updatedBy set), validated. Unknown keys survive; identity and
 * history cannot change; a new category drops the old category's details the changes leave alone.
 */
export function revisePlanRecord<T extends PlanRecord>(record: T, changes: PlanRecordChanges<T>, author: MemberRef, now: Date): Result<T> {
  const next: Record<string, unknown> = { ...record };
  const editable = Object.fromEntries(Object.entries(changes).filter(([key]) => !(FIXED as readonly string[]).includes(key)));
  assign(next, editable, now);
  next['updatedAt'] = now.toISOString();
  next['updatedBy'] = author;
  const parsed = parsePlanRecord(withoutForeignDetails(next, new Set(Object.keys(editable))), now);
  return parsed.ok ? { ok: true, value: parsed.value as T } : parsed;
}

/** A deleted copy (soft delete, kept for audit); an earlier deletion time is kept. */
export function markPlanRecordDeleted<T extends PlanRecord>(record: T, author: MemberRef, now: Date): T {
  const stamp = now.toISOString();
  return { ...record, deletedAt: record.deletedAt ?? stamp, updatedAt: stamp, updatedBy: author };
}

/** A restored copy: deletedAt removed, updatedAt/updatedBy set. */
export function markPlanRecordRestored<T extends PlanRecord>(record: T, author: MemberRef, now: Date): T {
  const { deletedAt: _deleted, ...rest } = record;
  return { ...rest, updatedAt: now.toISOString(), updatedBy: author } as T;
}
