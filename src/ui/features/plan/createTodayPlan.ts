/**
 * Data for the Today screen's plan section: what the plan asks for today, this week's
 * adherence and the goals, and one-tap logging into the journal. The plan document loads
 * after the Today screen has drawn (see TodayPlanSlot).
 */
import { createMemo, type Accessor } from 'solid-js';
import {
  addLocalDays, createPracticeLog, goalProgress, localMidnight, planAdherence, planToday,
  type Goal, type GoalProgress, type PlanItem, type PlanWeekAdherence, type PracticeLog, type PracticeStatus, type TodayItem,
} from '../../../domain';
import type { CircleRole } from '../../../storage/circle-rows';
import { useAppData } from '../../app-data';
import { createPlanSource, createToday, createWeekLogs } from './createPlanSource';
import { hasPlanContent } from './plan-model';
import type { PlanSaveResult } from './plan-writes';

export interface TodayPlanData {
  role: CircleRole;
  /** The plan and this week's logs are read. */
  ready: Accessor<boolean>;
  /** The plan has something for the Today screen: an active item or a goal. */
  hasContent: Accessor<boolean>;
  /** How each of today's logs of an item went, oldest first. */
  loggedToday: (itemId: string) => PracticeStatus[];
  today: Accessor<TodayItem[]>;
  adherence: Accessor<PlanWeekAdherence | undefined>;
  goals: Accessor<{ goal: Goal; progress: GoalProgress }[]>;
  failed: Accessor<boolean>;
  /** Logs a plan item as done, partly done or skipped, now; a caregiver's entry is marked as theirs. */
  log(item: PlanItem, status: PracticeStatus): Promise<PlanSaveResult<PracticeLog>>;
  /** Undo of a log. */
  unlog(log: PracticeLog): Promise<boolean>;
}

/** The plan for Today, of this device's circle. Call inside a component. */
export function createTodayPlan(): TodayPlanData {
  const app = useAppData();
  const source = createPlanSource(app.circleId);
  const day = createToday();
  const week = createWeekLogs(app.circleId, day);
  const ready = () => source.snapshot() !== undefined && week.logs() !== undefined;
  const today = createMemo(() => {
    const s = source.snapshot();
    return s ? planToday(s.items, week.logs() ?? [], day()) : [];
  });
  const adherence = createMemo(() => {
    const s = source.snapshot();
    const logs = week.logs();
    return s && logs ? planAdherence(s.items, logs, week.weekStart()) : undefined;
  });
  const todayLogs = createMemo(() => {
    const from = localMidnight(day());
    const start = from ? from.getTime() : 0;
    const end = from ? addLocalDays(from, 1).getTime() : 0;
    return (week.logs() ?? []).filter((l) => { const ms = Date.parse(l.at); return ms >= start && ms < end; });
  });
  const goals = createMemo(() => {
    const s = source.snapshot();
    return s ? s.goals.map((goal) => ({ goal, progress: goalProgress(goal, s.ratings, day()) })) : [];
  });

  return {
    role: app.role,
    ready,
    hasContent: () => {
      const s = source.snapshot();
      return s !== undefined && hasPlanContent(s);
    },
    today,
    loggedToday: (itemId) => todayLogs().filter((l) => l.practiceId === itemId).map((l) => l.status),
    adherence,
    goals,
    failed: source.failed,
    async log(item, status) {
      const built = createPracticeLog(
        { practiceId: item.id, practiceName: item.name, category: item.category, status, ...(status === 'done' && item.minutes !== undefined ? { minutes: item.minutes } : {}) },
        new Date(),
        app.role === 'caregiver' ? 'caregiver' : 'patient',
      );
      if (!built.ok) return { ok: false, error: { kind: 'fields', errors: built.error } };
      try {
        const store = await app.journal();
        const result = await store.put(built.value);
        if (result.ok) return { ok: true, value: result.value as PracticeLog };
        const key = result.error.code === 'storage-full' ? 'errors.storageFull' : result.error.code === 'read-only' ? 'errors.readOnly' : 'errors.saveFailed';
        return { ok: false, error: { kind: 'message', key } };
      } catch (e) {
        console.error('plan practice log failed', e);
        return { ok: false, error: { kind: 'message', key: 'errors.saveFailed' } };
      }
    },
    async unlog(log) {
      try {
        return (await (await app.journal()).remove('practice', log.id)).ok;
      } catch {
        return false;
      }
    },
  };
}
