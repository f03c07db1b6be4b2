/**
 * What the plan forms hold (strings, as typed) and the record fields they stand for, both
 * ways, plus the per-field messages for the domain's validation errors. Pure, so that it is
 * tested without a browser; validation itself is the domain's (createPlanRecord and friends).
 */
import {
  CATEGORY_FIELDS, newId,
  type CrisisPlanRecord, type Escalation, type Goal, type PlanItem, type PracticeCategory, type SteppedCare, type ValidationError, type Weekday,
} from '../../../domain';
import type { MessageParams } from '../../i18n/i18n';
import type { PlanKey } from './plan-text';

type Fields = Record<string, unknown>;

/** A number as typed: '' is "not given"; anything unreadable goes on as NaN for the domain to refuse. */
export function numberOrUndefined(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return Number(trimmed.replace(',', '.'));
}

const text = (n: number | undefined): string => (n === undefined ? '' : String(n));

/** Lines typed in a text area as a list: trimmed, blank lines dropped. */
export function linesOf(value: string): string[] {
  return value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** Sets `key` when the value means something (not blank, not an empty list). */
function put(out: Fields, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string' && value.trim() === '') return;
  if (Array.isArray(value) && value.length === 0) return;
  out[key] = value;
}

// ---- goals

export interface MilestoneRow { id: string; text: string; reachedAt?: string }
export interface GoalValues { title: string; baseline: string; target: string; targetDate: string; milestones: MilestoneRow[] }

/** A milestone row with a fresh id, so that a suggestion can name it before any record exists. */
export function newMilestoneRow(now = Date.now()): MilestoneRow {
  return { id: newId(now), text: '' };
}

export function goalValuesOf(goal: Goal | undefined): GoalValues {
  if (!goal) return { title: '', baseline: '', target: '', targetDate: '', milestones: [newMilestoneRow()] };
  return {
    title: goal.title, baseline: goal.baseline, target: goal.target, targetDate: goal.targetDate,
    milestones: goal.milestones.map((m) => ({ id: m.id, text: m.text, ...(m.reachedAt === undefined ? {} : { reachedAt: m.reachedAt }) })),
  };
}

/** Goal fields from the form; rows left empty are dropped. */
export function goalInputOf(v: GoalValues): Fields {
  const out: Fields = {};
  put(out, 'title', v.title.trim());
  put(out, 'baseline', v.baseline);
  put(out, 'target', v.target);
  put(out, 'targetDate', v.targetDate);
  out['milestones'] = v.milestones
    .filter((m) => m.text.trim() !== '' || m.reachedAt !== undefined)
    .map((m) => ({ id: m.id, text: m.text.trim(), ...(m.reachedAt === undefined ? {} : { reachedAt: m.reachedAt }) }));
  return out;
}

// ---- plan items

export interface ItemValues {
  category: PracticeCategory;
  name: string;
  instructions: string;
  timesPerWeek: string;
  minutes: string;
  days: Weekday[];
  startDate: string;
  endDate: string;
  sets: string;
  reps: string;
  skill: string;
  homework: string;
  technique: string;
  activity: string;
  timeLimitMinutes: string;
  restMinutes: string;
  wakeTime: string;
  windDown: string;
  dose: string;
  schedule: string;
  purpose: string;
  sideEffectsToWatch: string;
  readingTitle: string;
  readingText: string;
}

export function itemValuesOf(item: PlanItem | undefined, category: PracticeCategory = 'exercise'): ItemValues {
  return {
    category: item?.category ?? category,
    name: item?.name ?? '',
    instructions: item?.instructions ?? '',
    timesPerWeek: item ? String(item.timesPerWeek) : '3',
    minutes: text(item?.minutes),
    days: item?.days ? [...item.days] : [],
    startDate: item?.startDate ?? '',
    endDate: item?.endDate ?? '',
    sets: text(item?.sets),
    reps: text(item?.reps),
    skill: item?.skill ?? '',
    homework: item?.homework ?? '',
    technique: item?.technique ?? '',
    activity: item?.activity ?? '',
    timeLimitMinutes: text(item?.timeLimitMinutes),
    restMinutes: text(item?.restMinutes),
    wakeTime: item?.wakeTime ?? '',
    windDown: item?.windDown ?? '',
    dose: item?.dose ?? '',
    schedule: item?.schedule ?? '',
    purpose: item?.purpose ?? '',
    sideEffectsToWatch: (item?.sideEffectsToWatch ?? []).join('\n'),
    readingTitle: item?.readingTitle ?? '',
    readingText: item?.readingText ?? '',
  };
}

const NUMBER_FIELDS = new Set(['timesPerWeek', 'minutes', 'sets', 'reps', 'timeLimitMinutes', 'restMinutes']);
/** Kinds whose form has no "minutes each time" (a medicine is taken, a wake time kept). */
export const NO_MINUTES: ReadonlySet<PracticeCategory> = new Set(['medication', 'sleep']);

/** Plan item fields from the form: only the chosen category's details, numbers read, blanks left out. */
export function itemInputOf(v: ItemValues): Fields {
  const out: Fields = { category: v.category };
  put(out, 'name', v.name.trim());
  put(out, 'instructions', v.instructions);
  put(out, 'timesPerWeek', numberOrUndefined(v.timesPerWeek));
  if (!NO_MINUTES.has(v.category)) put(out, 'minutes', numberOrUndefined(v.minutes));
  put(out, 'days', [...v.days].sort((a, b) => a - b));
  put(out, 'startDate', v.startDate);
  put(out, 'endDate', v.endDate);
  for (const field of CATEGORY_FIELDS[v.category]) {
    const raw = v[field as keyof ItemValues] as string;
    if (field === 'sideEffectsToWatch') put(out, field, linesOf(raw));
    else if (NUMBER_FIELDS.has(field)) put(out, field, numberOrUndefined(raw));
    else put(out, field, ['dose', 'schedule', 'purpose', 'activity', 'readingTitle'].includes(field) ? raw.trim() : raw);
  }
  return out;
}

// ---- singletons

export interface SteppedCareValues { level: string; criteria: string; reviewDate: string }

export function steppedCareValuesOf(r: SteppedCare | undefined): SteppedCareValues {
  return { level: r ? String(r.level) : '', criteria: r?.criteria ?? '', reviewDate: r?.reviewDate ?? '' };
}

export function steppedCareInputOf(v: SteppedCareValues): Fields {
  const out: Fields = {};
  put(out, 'level', numberOrUndefined(v.level));
  put(out, 'criteria', v.criteria);
  put(out, 'reviewDate', v.reviewDate);
  return out;
}

export interface EscalationValues { criteria: string; instructions: string }

export function escalationValuesOf(r: Escalation | undefined): EscalationValues {
  return { criteria: (r?.criteria ?? []).join('\n'), instructions: r?.instructions ?? '' };
}

export function escalationInputOf(v: EscalationValues): Fields {
  const out: Fields = { criteria: linesOf(v.criteria) };
  put(out, 'instructions', v.instructions);
  return out;
}

export interface ContactRow { name: string; phone: string }
export interface CrisisValues { people: ContactRow[]; steps: string }

export function crisisValuesOf(r: CrisisPlanRecord | undefined): CrisisValues {
  const people = (r?.people ?? []).map((p) => ({ ...p }));
  return { people: people.length > 0 ? people : [{ name: '', phone: '' }], steps: (r?.steps ?? []).join('\n') };
}

/** Rows left completely blank are dropped; half-filled ones stay so the domain names what is missing. */
export function crisisInputOf(v: CrisisValues): Fields {
  return {
    people: v.people.map((p) => ({ name: p.name.trim(), phone: p.phone.trim() })).filter((p) => p.name !== '' || p.phone !== ''),
    steps: linesOf(v.steps),
  };
}

// ---- messages

/** Lists typed one entry per line: an error on entry i is shown on the list's field as "Line i+1". */
const LINE_LISTS = new Set(['criteria', 'steps', 'sideEffectsToWatch', 'days']);
/** Lists of rows: each row's inputs show their own errors. */
const ROW_LISTS = new Set(['milestones', 'people']);
const DATE_FIELDS = new Set(['targetDate', 'startDate', 'endDate', 'reviewDate']);

export type Message = { key: PlanKey; params?: MessageParams };

/** The message for one validation error on `field` (a record field name, without 'changes.'). */
export function messageFor(e: ValidationError, field: string, isList: boolean): Message {
  const p = e.params ?? {};
  switch (e.code) {
    case 'required': return { key: 'errors.required' };
    case 'notInteger': return { key: 'errors.whole' };
    case 'outOfRange':
      if (field === 'endDate') return { key: 'errors.endBeforeStart' };
      return p['max'] === undefined ? { key: 'errors.invalid' } : { key: 'errors.range', params: { min: p['min'] ?? 0, max: p['max'] } };
    case 'tooLong': return { key: isList ? 'errors.tooMany' : 'errors.tooLong', params: { max: p['max'] ?? '' } };
    case 'unknownValue': return { key: field === 'category' || field === 'skill' || field === 'technique' || field === 'level' ? 'errors.choice' : 'errors.invalid' };
    case 'wrongType':
      if (p['expected'] === 'phone' || field === 'phone') return { key: 'errors.phone' };
      if (NUMBER_FIELDS.has(field) || field === 'level' || field === 'progress') return { key: 'errors.number' };
      if (DATE_FIELDS.has(field)) return { key: 'errors.date' };
      return { key: 'errors.invalid' };
    case 'badTime': return { key: field === 'wakeTime' ? 'errors.time' : 'errors.date' };
    case 'futureTime': return { key: 'errors.date' };
    case 'newerVersion': return { key: 'errors.newer' };
  }
}

/**
 * One message per form field, the first problem found. Keys are record field names ('name');
 * a row list's fields keep their path ('milestones.1.text', 'people.0.phone'); a line list's
 * errors land on the list ('criteria') and say which line. A proposal's 'changes.' prefix is dropped.
 */
export function fieldMessages(errors: readonly ValidationError[], t: (key: PlanKey, params?: MessageParams) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const parts = e.field.replace(/^changes\./, '').split('.');
    const top = parts[0] ?? '';
    const index = parts[1] === undefined ? null : Number(parts[1]);
    let key = top;
    let message: string;
    if (ROW_LISTS.has(top) && index !== null && parts[2] !== undefined) {
      key = `${top}.${index}.${parts[2]}`;
      const m = messageFor(e, parts[2], false);
      message = t(m.key, m.params);
    } else if (LINE_LISTS.has(top) && index !== null) {
      const m = messageFor(e, top, false);
      message = t('errors.line', { n: index + 1, message: t(m.key, m.params) });
    } else {
      const m = messageFor(e, top, LINE_LISTS.has(top) || ROW_LISTS.has(top));
      message = t(m.key, m.params);
    }
    if (out[key] === undefined) out[key] = message;
  }
  return out;
}
