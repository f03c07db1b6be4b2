/**
 * The shape of a crisis plan and the checks on it. Pure (no storage, no DOM) so that what is read
 * back from the device is checked by the same rules as what a person types.
 *
 * Two sources will exist: the patient's own plan (kept on this device, below) and, later, the care
 * team's plan from the care plan document. Both render through CrisisPlanView, care team first.
 */
import type { Result, ValidationError } from '../../../domain/records';

export interface CrisisContact {
  name: string;
  phone: string;
}

/** What a plan shows, whoever wrote it. */
export interface CrisisPlanView {
  source: 'care-team' | 'own';
  people: CrisisContact[];
  helps: string[];
  /** Care team plans add their own steps; the patient's plan has none yet. */
  steps?: string[];
}

/** The patient's own plan as stored in the 'crisisPlan' setting. */
export interface OwnCrisisPlan {
  version: 1;
  people: CrisisContact[];
  helps: string[];
  updatedAt: string;
}

export const CRISIS_PLAN_LIMITS = { people: 10, helps: 20, name: 80, phone: 30, help: 200 } as const;

/** Digits with the separators people type; at least 3 digits (short codes such as 988 count). */
const PHONE_CHARS = /^\+?[0-9 ()\-.]+$/;

/** True for a phone number a tel: link can dial. */
export function isDialable(phone: string): boolean {
  return PHONE_CHARS.test(phone) && (phone.match(/[0-9]/g)?.length ?? 0) >= 3;
}

/** The tel:/sms: form of a number as people write it ('800 911 2000' -> '8009112000'). */
export function dialString(phone: string): string {
  return phone.replace(/[^0-9+]/g, '');
}

/** Form values before checking: people with blank rows allowed, helps as typed (one per line). */
export interface CrisisPlanDraft {
  people: CrisisContact[];
  helpsText: string;
}

/**
 * Checks a draft: rows left completely blank are dropped; a row with only a name or only a
 * number is an error (a name with nothing to dial helps no one in a crisis). Field names are
 * 'people.<i>.name', 'people.<i>.phone', 'people', 'helps'.
 */
export function validateCrisisPlan(draft: CrisisPlanDraft, now: Date): Result<OwnCrisisPlan> {
  const errors: ValidationError[] = [];
  const people: CrisisContact[] = [];
  draft.people.forEach((row, i) => {
    const name = row.name.trim();
    const phone = row.phone.trim();
    if (name === '' && phone === '') return;
    if (name === '') errors.push({ field: `people.${i}.name`, code: 'required' });
    else if (name.length > CRISIS_PLAN_LIMITS.name) errors.push({ field: `people.${i}.name`, code: 'tooLong', params: { max: CRISIS_PLAN_LIMITS.name } });
    if (phone === '') errors.push({ field: `people.${i}.phone`, code: 'required' });
    else if (phone.length > CRISIS_PLAN_LIMITS.phone) errors.push({ field: `people.${i}.phone`, code: 'tooLong', params: { max: CRISIS_PLAN_LIMITS.phone } });
    else if (!isDialable(phone)) errors.push({ field: `people.${i}.phone`, code: 'wrongType' });
    people.push({ name, phone });
  });
  if (people.length > CRISIS_PLAN_LIMITS.people) errors.push({ field: 'people', code: 'outOfRange', params: { max: CRISIS_PLAN_LIMITS.people } });
  const helps = draft.helpsText.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  if (helps.length > CRISIS_PLAN_LIMITS.helps) errors.push({ field: 'helps', code: 'outOfRange', params: { max: CRISIS_PLAN_LIMITS.helps } });
  if (helps.some((h) => h.length > CRISIS_PLAN_LIMITS.help)) errors.push({ field: 'helps', code: 'tooLong', params: { max: CRISIS_PLAN_LIMITS.help } });
  if (errors.length > 0) return { ok: false, error: errors };
  return { ok: true, value: { version: 1, people, helps, updatedAt: now.toISOString() } };
}

/**
 * Reads a stored value back: anything that is not a well-formed plan is reported rather than
 * shown half-broken. Contacts that fail the checks are dropped one by one so one bad row never
 * hides the others.
 */
export function parseCrisisPlan(value: unknown): Result<OwnCrisisPlan | null, 'unreadable'> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'unreadable' };
  const v = value as Record<string, unknown>;
  if (v['version'] !== 1 || !Array.isArray(v['people']) || !Array.isArray(v['helps'])) return { ok: false, error: 'unreadable' };
  const people = (v['people'] as unknown[])
    .filter((p): p is CrisisContact => typeof p === 'object' && p !== null
      && typeof (p as CrisisContact).name === 'string' && typeof (p as CrisisContact).phone === 'string')
    .map((p) => ({ name: p.name.trim().slice(0, CRISIS_PLAN_LIMITS.name), phone: p.phone.trim() }))
    .filter((p) => p.name !== '' && isDialable(p.phone))
    .slice(0, CRISIS_PLAN_LIMITS.people);
  const helps = (v['helps'] as unknown[])
    .filter((h): h is string => typeof h === 'string' && h.trim() !== '')
    .map((h) => h.trim().slice(0, CRISIS_PLAN_LIMITS.help))
    .slice(0, CRISIS_PLAN_LIMITS.helps);
  const updatedAt = typeof v['updatedAt'] === 'string' ? v['updatedAt'] : '';
  return { ok: true, value: { version: 1, people, helps, updatedAt } };
}

/** The own plan as a view, or null when it holds nothing to show. */
export function ownPlanView(plan: OwnCrisisPlan | null): CrisisPlanView | null {
  if (!plan || (plan.people.length === 0 && plan.helps.length === 0)) return null;
  return { source: 'own', people: plan.people, helps: plan.helps };
}
