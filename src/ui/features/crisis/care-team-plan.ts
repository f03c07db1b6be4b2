/**
 * The care team's crisis plan (from the shared care plan) kept as a local copy in the
 * settings table, so the crisis screen and the PHQ-9 item 9 panel show it at once and
 * offline without opening the care plan document (Yjs). The copy follows every change of
 * the plan document while it is open on this device; it is checked on every read.
 */
import { CRISIS_PLAN_ID, parseCrisisPlanRecord, type CrisisPlanRecord } from '../../../domain/care-plan';
import type { PlanDoc } from '../../../storage/circle-docs';
import type { PacelineDB } from '../../../storage/db';
import type { CrisisPlanView } from './crisis-plan';

export const CARE_TEAM_CRISIS_PLAN_KEY = 'careTeamCrisisPlan';

/** Writes the plan document's crisis plan (or its absence) to the local copy. */
async function mirror(db: PacelineDB, plan: PlanDoc): Promise<void> {
  const record = plan.get('crisis-plan', CRISIS_PLAN_ID) as CrisisPlanRecord | undefined;
  const current = await db.settings.get(CARE_TEAM_CRISIS_PLAN_KEY);
  const value = record && record.deletedAt === undefined ? record : null;
  if (JSON.stringify(current?.value ?? null) === JSON.stringify(value)) return;
  await db.settings.put({ key: CARE_TEAM_CRISIS_PLAN_KEY, value });
}

/** Keeps the local copy in step with the plan document; returns a stop function. */
export function mirrorCareTeamCrisisPlan(db: PacelineDB, plan: PlanDoc): () => void {
  const run = () => void mirror(db, plan).catch((e: unknown) => console.error('crisis plan copy failed', e));
  run();
  return plan.onChange(run);
}

/** The care team's plan as the crisis screen shows it; null when there is none (or the copy is unreadable). */
export async function readCareTeamCrisisPlan(db: PacelineDB): Promise<CrisisPlanView | null> {
  const row = await db.settings.get(CARE_TEAM_CRISIS_PLAN_KEY);
  if (!row?.value) return null;
  const parsed = parseCrisisPlanRecord(row.value);
  if (!parsed.ok) {
    console.warn('Paceline: stored care team crisis plan is not valid; showing none.', row.value);
    return null;
  }
  const p = parsed.value;
  if (p.people.length === 0 && p.steps.length === 0) return null;
  return { source: 'care-team', people: p.people.map((c) => ({ name: c.name, phone: c.phone })), helps: [], steps: [...p.steps] };
}
