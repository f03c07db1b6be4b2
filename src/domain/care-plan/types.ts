/**
 * Care plan records: the plain JSON values stored in the plan Y.Doc, one Y.Map per kind, each
 * value keyed by its id. Every shape carries `schemaVersion`; readers accept older versions
 * and refuse newer ones (see parsePlanRecord).
 */
import { MEMBER_ROLES, type MemberRef, type MemberRole } from '../circle/member-ref';
import type { LocalDate } from '../local-dates';
import type { IsoTime, PracticeCategory, Ulid } from '../records';

export const CARE_PLAN_SCHEMA_VERSION = 1 as const;

// One definition of authors and roles for every shared document: the circle module's.
/** Who wrote something: the base64url Ed25519 device public key of the author's device (43 chars). */
export type { MemberRef };

/** Circle roles, as in the membership list. */
export const PLAN_ROLES = MEMBER_ROLES;
export type PlanRole = MemberRole;

/** Fields every plan record has. Edits replace the whole value; deletion sets deletedAt. */
export interface PlanRecordBase {
  id: Ulid;
  schemaVersion: number;
  createdAt: IsoTime;
  createdBy: MemberRef;
  updatedAt: IsoTime;
  updatedBy: MemberRef;
  deletedAt?: IsoTime;
}

export interface Milestone {
  id: Ulid;
  text: string;
  reachedAt?: IsoTime;
}

/** A functional goal ("walk to the mailbox and back without stopping"). */
export interface Goal extends PlanRecordBase {
  kind: 'goal';
  title: string;
  baseline: string;
  target: string;
  targetDate: LocalDate;
  milestones: Milestone[];
}

/** One progress rating of a goal. */
export interface GoalRating extends PlanRecordBase {
  kind: 'goal-rating';
  goalId: Ulid;
  at: IsoTime;
  /** 0 = at baseline .. 10 = target reached. */
  progress: number;
  note?: string;
}

export const CBT_SKILLS = ['cognitive-restructuring', 'thought-record', 'behavioural-activation', 'problem-solving'] as const;
export type CbtSkill = (typeof CBT_SKILLS)[number];

export const RELAXATION_TECHNIQUES = ['breathing', 'body-scan', 'other'] as const;
export type RelaxationTechnique = (typeof RELAXATION_TECHNIQUES)[number];

/** Weekday numbers as plan items use them: Monday = 0 .. Sunday = 6. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * A prescribed practice. `category` says which of the optional detail fields below may be set
 * (CATEGORY_FIELDS); the others must be absent. Detail fields are flat rather than nested so
 * that a proposal or a change history can name the one that changed ("reps").
 */
export interface PlanItem extends PlanRecordBase {
  kind: 'plan-item';
  category: PracticeCategory;
  name: string;
  instructions?: string;
  /** Sessions per week, 0..21; 0 = as needed (never due, not counted in adherence). */
  timesPerWeek: number;
  /** Minutes per session. */
  minutes?: number;
  /** Fixed weekdays (Monday = 0) when the clinician sets them; absent = spread over the week. */
  days?: Weekday[];
  /** First and last local day the item applies (both inclusive). */
  startDate?: LocalDate;
  endDate?: LocalDate;
  archivedAt?: IsoTime;
  // exercise
  sets?: number;
  reps?: number;
  // cbt
  skill?: CbtSkill;
  homework?: string;
  // relaxation
  technique?: RelaxationTechnique;
  // pacing
  activity?: string;
  timeLimitMinutes?: number;
  restMinutes?: number;
  // sleep
  /** Wake time 'HH:MM' (24-hour). */
  wakeTime?: string;
  windDown?: string;
  // medication (`name` is the medication's name)
  dose?: string;
  schedule?: string;
  purpose?: string;
  sideEffectsToWatch?: string[];
  // education
  readingTitle?: string;
  readingText?: string;
}

/** The detail fields each category may carry. */
export const CATEGORY_FIELDS: Readonly<Record<PracticeCategory, readonly (keyof PlanItem)[]>> = {
  exercise: ['sets', 'reps'],
  cbt: ['skill', 'homework'],
  relaxation: ['technique'],
  pacing: ['activity', 'timeLimitMinutes', 'restMinutes'],
  sleep: ['wakeTime', 'windDown'],
  medication: ['dose', 'schedule', 'purpose', 'sideEffectsToWatch'],
  education: ['readingTitle', 'readingText'],
};

/*
 * Singletons (stepped care, escalation, crisis plan) use their kind as a fixed id. Two
 * clinicians who both write one offline then write the same map key, so the CRDT keeps one
 * value instead of two competing records; and no id needs to be looked up first.
 */
export const STEPPED_CARE_ID = 'stepped-care' as const;
export const ESCALATION_ID = 'escalation' as const;
export const CRISIS_PLAN_ID = 'crisis-plan' as const;

export const STEPPED_CARE_LEVELS = [1, 2, 3] as const;
export type SteppedCareLevel = (typeof STEPPED_CARE_LEVELS)[number];

/** Stepped care: 1 self-management, 2 guided (coaching, group), 3 specialist. */
export interface SteppedCare extends PlanRecordBase {
  kind: 'stepped-care';
  id: typeof STEPPED_CARE_ID;
  level: SteppedCareLevel;
  /** What moves the patient between levels. */
  criteria: string;
  reviewDate: LocalDate;
}

/** When and how to escalate care. */
export interface Escalation extends PlanRecordBase {
  kind: 'escalation';
  id: typeof ESCALATION_ID;
  criteria: string[];
  instructions: string;
}

export interface CrisisContact {
  name: string;
  phone: string;
}

/** The care team's crisis plan, shown before the locale's crisis lines. */
export interface CrisisPlanRecord extends PlanRecordBase {
  kind: 'crisis-plan';
  id: typeof CRISIS_PLAN_ID;
  people: CrisisContact[];
  steps: string[];
}

export const COMMENT_TARGET_KINDS = ['goal', 'plan-item', 'stepped-care', 'escalation', 'crisis-plan', 'plan'] as const;
export type CommentTargetKind = (typeof COMMENT_TARGET_KINDS)[number];

/** A comment on one record (goal, plan item: id set) or on a singleton or the whole plan (id null). */
export interface PlanComment extends PlanRecordBase {
  kind: 'comment';
  target: { kind: CommentTargetKind; id: Ulid | null };
  text: string;
}

export const PROPOSAL_TARGET_KINDS = ['goal', 'plan-item'] as const;
export type ProposalTargetKind = (typeof PROPOSAL_TARGET_KINDS)[number];

export const PROPOSAL_STATUSES = ['open', 'accepted', 'declined'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/**
 * A proposed change to a goal or plan item (target id null = a new one). `changes` holds
 * proposed values of the target kind's editable fields; null clears an optional field.
 * Withdrawing a proposal deletes it (deletedAt) while it is still open.
 */
export interface Proposal extends PlanRecordBase {
  kind: 'proposal';
  target: { kind: ProposalTargetKind; id: Ulid | null };
  changes: Record<string, unknown>;
  /** Why; may be blank (typing is hard for some patients). */
  reason: string;
  status: ProposalStatus;
  decidedBy?: MemberRef;
  decidedAt?: IsoTime;
  decisionNote?: string;
}

export type PlanRecord = Goal | GoalRating | PlanItem | SteppedCare | Escalation | CrisisPlanRecord | PlanComment | Proposal;
export type PlanKind = PlanRecord['kind'];
export type PlanRecordOfKind<K extends PlanKind> = Extract<PlanRecord, { kind: K }>;

export const PLAN_KINDS: readonly PlanKind[] = ['goal', 'goal-rating', 'plan-item', 'stepped-care', 'escalation', 'crisis-plan', 'comment', 'proposal'];

/** Fixed ids of the singleton kinds. */
export const SINGLETON_IDS = {
  'stepped-care': STEPPED_CARE_ID,
  escalation: ESCALATION_ID,
  'crisis-plan': CRISIS_PLAN_ID,
} as const;
export type SingletonKind = keyof typeof SINGLETON_IDS;

/** True for the kinds stored under a fixed id. */
export function isSingletonKind(kind: unknown): kind is SingletonKind {
  return typeof kind === 'string' && Object.hasOwn(SINGLETON_IDS, kind);
}
