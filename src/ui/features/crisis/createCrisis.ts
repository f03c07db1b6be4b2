/**
 * Data access for the crisis feature: the only place its components reach storage.
 * Everything here reads the local database only (no journal store, no Yjs, no network), so the
 * crisis screen and panel work at once and offline.
 */
import { createSignal, type Accessor } from 'solid-js';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';
import { getSetting } from '../../../storage/profile';
import type { PacelineDB } from '../../../storage/db';
import { crisisLinesFor, DEFAULT_CRISIS_REGION, type CrisisResources } from '../../../domain/crisis-lines';
import type { Result, ValidationError } from '../../../domain/records';
import { readCareTeamCrisisPlan } from './care-team-plan';
import { ownPlanView, parseCrisisPlan, validateCrisisPlan, type CrisisPlanDraft, type CrisisPlanView, type OwnCrisisPlan } from './crisis-plan';

/**
 * The settings table row key of the patient's own plan. The shared Settings type (storage/profile.ts)
 * has a closed set of keys, so this feature keeps its row itself and checks it on every read.
 */
export const CRISIS_PLAN_SETTING_KEY = 'crisisPlan';

/**
 * Crisis lines for the region in settings; undefined for the few milliseconds until the setting
 * is read (so a person in Mexico never sees US numbers flash by), the default region if the
 * setting cannot be read at all.
 */
export function createCrisisResources(): Accessor<CrisisResources | undefined> {
  const { db } = useAppData();
  const [failed, setFailed] = createSignal(false);
  const region = createLiveQuery(() => getSetting(db, 'region'), () => setFailed(true));
  return () => {
    const r = region();
    if (r !== undefined) return crisisLinesFor(r);
    return failed() ? crisisLinesFor(DEFAULT_CRISIS_REGION) : undefined;
  };
}

/** The stored own plan: null when there is none, 'unreadable' when what is stored is broken. */
export async function readOwnCrisisPlan(db: PacelineDB): Promise<OwnCrisisPlan | null | 'unreadable'> {
  const row = await db.settings.get(CRISIS_PLAN_SETTING_KEY);
  const parsed = parseCrisisPlan(row?.value);
  if (!parsed.ok) {
    console.warn('Paceline: stored crisis plan is not valid; showing none.', row?.value);
    return 'unreadable';
  }
  return parsed.value;
}

export interface CrisisPlans {
  /** Plans to show, care team first (the care team's plan arrives with the care plan document). */
  plans: CrisisPlanView[];
  own: OwnCrisisPlan | null;
  ownUnreadable: boolean;
}

/** The crisis plans to show; live, so an edit in another tab shows at once. */
export function createCrisisPlans(): Accessor<CrisisPlans | undefined> {
  const { db } = useAppData();
  return createLiveQuery(async () => {
    const [own, careTeam] = await Promise.all([readOwnCrisisPlan(db), readCareTeamCrisisPlan(db)]);
    const ownPlan = own === 'unreadable' ? null : own;
    const view = ownPlanView(ownPlan);
    // The care team's plan comes first (CLINICAL.md), then the patient's own.
    return { plans: [careTeam, view].filter((p): p is CrisisPlanView => p !== null), own: ownPlan, ownUnreadable: own === 'unreadable' };
  });
}

export type SavePlanFailure = { kind: 'invalid'; errors: ValidationError[] } | { kind: 'storage' };

/** Checks and stores the own plan; nothing is written when the draft has a problem. */
export function createCrisisPlanSaver() {
  const { db } = useAppData();
  return async (draft: CrisisPlanDraft, now: Date = new Date()): Promise<Result<OwnCrisisPlan, SavePlanFailure>> => {
    const checked = validateCrisisPlan(draft, now);
    if (!checked.ok) return { ok: false, error: { kind: 'invalid', errors: checked.error } };
    try {
      await db.settings.put({ key: CRISIS_PLAN_SETTING_KEY, value: checked.value });
      return checked;
    } catch (e) {
      console.error('crisis plan save failed', e);
      return { ok: false, error: { kind: 'storage' } };
    }
  };
}
