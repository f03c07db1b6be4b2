/**
 * Data access for the care plan screen: the plan as signals (createPlanSource), this week's
 * adherence, and the writes (plan-writes.ts) the components call. Components never touch
 * storage directly; they get this through PlanContext.
 */
import { createContext, createMemo, useContext, type Accessor } from 'solid-js';
import {
  planAdherence,
  type Goal, type MemberRef, type PlanComment, type PlanInputByKind, type PlanKind, type PlanRecord,
  type PlanRecordOfKind, type PlanWeekAdherence, type Proposal, type ProposalTargetKind, type SingletonKind, type ValidationError,
} from '../../../domain';
import type { CircleRole } from '../../../storage/circle-rows';
import { useAppData } from '../../app-data';
import { createPlanSource, createToday, createWeekLogs, type PlanSource } from './createPlanSource';
import type { PlanSnapshot } from './plan-model';
import * as writes from './plan-writes';
import type { PlanSaveResult, PlanWriter } from './plan-writes';

export type { PlanSaveError, PlanSaveResult } from './plan-writes';

export interface PlanData {
  role: CircleRole;
  /** Clinicians write the plan; patients and caregivers comment and suggest. */
  canEdit: boolean;
  source: PlanSource;
  snapshot: Accessor<PlanSnapshot | undefined>;
  me: Accessor<MemberRef | undefined>;
  today: Accessor<string>;
  adherence: Accessor<PlanWeekAdherence | undefined>;
  create<K extends PlanKind>(kind: K, input: PlanInputByKind[K]): Promise<PlanSaveResult<PlanRecordOfKind<K>>>;
  revise<T extends PlanRecord>(original: T, changes: Record<string, unknown>): Promise<PlanSaveResult<T>>;
  saveSingleton<K extends SingletonKind>(kind: K, original: PlanRecordOfKind<K> | undefined, input: PlanInputByKind[K], changes: Record<string, unknown>): Promise<PlanSaveResult<PlanRecordOfKind<K>>>;
  remove<T extends PlanRecord>(record: T): Promise<PlanSaveResult<T>>;
  restore<T extends PlanRecord>(record: T): Promise<PlanSaveResult<T>>;
  setMilestoneReached(goal: Goal, milestoneId: string, reached: boolean): Promise<PlanSaveResult<Goal>>;
  comment(target: PlanComment['target'], text: string): Promise<PlanSaveResult<PlanComment>>;
  propose(target: { kind: ProposalTargetKind; id: string | null }, changes: Record<string, unknown>, reason: string): Promise<PlanSaveResult<Proposal>>;
  withdraw(proposal: Proposal): Promise<PlanSaveResult<Proposal>>;
  accept(proposal: Proposal, note: string, describe: { fieldName: (f: string) => string; problem: (e: ValidationError) => string }): Promise<PlanSaveResult<unknown>>;
  decline(proposal: Proposal, note: string): Promise<PlanSaveResult<Proposal>>;
}

const notReady = { ok: false as const, error: { kind: 'message' as const, key: 'errors.saveFailed' as const } };

/** The care plan of a circle (this device's own by default), for the plan screen. Call inside a component. */
export function createPlan(circleId?: string): PlanData {
  const app = useAppData();
  const id = circleId ?? app.circleId;
  const source = createPlanSource(id);
  const today = createToday();
  const week = createWeekLogs(id, today);
  const adherence = createMemo(() => {
    const s = source.snapshot();
    const logs = week.logs();
    return s && logs ? planAdherence(s.items, logs, week.weekStart()) : undefined;
  });

  const writer = (): PlanWriter | undefined => {
    const plan = source.plan();
    const me = source.me();
    return plan && me ? { plan, me, role: app.role } : undefined;
  };
  const run = <T>(f: (w: PlanWriter) => Promise<PlanSaveResult<T>>): Promise<PlanSaveResult<T>> => {
    const w = writer();
    return w ? f(w) : Promise.resolve(notReady);
  };

  return {
    role: app.role,
    canEdit: app.role === 'clinician',
    source,
    snapshot: source.snapshot,
    me: source.me,
    today,
    adherence,
    create: (kind, input) => run((w) => writes.createRecord(w, kind, input)),
    revise: (original, changes) => run((w) => writes.reviseRecord(w, original, changes)),
    saveSingleton: (kind, original, input, changes) => run((w) => writes.saveSingleton(w, kind, original, input, changes)),
    remove: (record) => run((w) => writes.removeRecord(w, record)),
    restore: (record) => run((w) => writes.restoreRecord(w, record)),
    setMilestoneReached: (goal, milestoneId, reached) => run((w) => writes.setMilestoneReached(w, goal, milestoneId, reached)),
    comment: (target, text) => run((w) => writes.createRecord(w, 'comment', { target, text })),
    propose: (target, changes, reason) => run((w) => writes.createRecord(w, 'proposal', { target, changes, reason })),
    withdraw: (proposal) => run((w) => writes.withdraw(w, proposal)),
    accept: (proposal, note, describe) => run((w) => writes.accept(w, proposal, note, describe)),
    decline: (proposal, note) => run((w) => writes.decline(w, proposal, note)),
  };
}

const PlanContext = createContext<PlanData>();
export const PlanProvider = PlanContext.Provider;

/** The plan screen's data; inside PlanProvider. */
export function usePlan(): PlanData {
  const ctx = useContext(PlanContext);
  if (!ctx) throw new Error('usePlan outside PlanProvider');
  return ctx;
}
