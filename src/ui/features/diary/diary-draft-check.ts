/**
 * The check of a diary draft read back from the device. Loaded with the draft store after
 * Today shows (today-draft-store.ts): the first screen does without it.
 */
import { LIMITS } from '../../../domain/validate-fields';
import { ACTIVITY_LEVELS, BODY_AREAS, PAIN_QUALITIES, TRIGGERS } from '../../../domain/records';
import { type DiaryDraft, SLEEP_HOURS_CHARS, emptyDraft, fromLocalInput } from './diary-draft';

const DRAFT_FIELDS = new Set<string>(Object.keys(emptyDraft()));

const isScale = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 10);
const isText = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;
function isChoiceList(v: unknown, allowed: readonly string[]): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && allowed.includes(x)) && new Set(v).size === v.length;
}

/**
 * A draft read back from storage: only the form's fields, each with a value the form could
 * have made. Anything else is refused whole, so a damaged row never reaches the form.
 */
export function isDiaryDraft(v: unknown): v is DiaryDraft {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const d = v as Record<string, unknown>;
  if (Object.keys(d).some((k) => !DRAFT_FIELDS.has(k))) return false;
  return isScale(d['painNow']) && isChoiceList(d['bodyAreas'], BODY_AREAS) && isChoiceList(d['painQualities'], PAIN_QUALITIES) &&
    isChoiceList(d['triggers'], TRIGGERS) && isText(d['triggerNote'], LIMITS.longText) && isText(d['helped'], LIMITS.longText) &&
    isScale(d['sleepQuality']) && isText(d['sleepHours'], SLEEP_HOURS_CHARS) && isScale(d['mood']) && isScale(d['fatigue']) &&
    (d['activity'] === undefined || (ACTIVITY_LEVELS as readonly unknown[]).includes(d['activity'])) && isText(d['note'], LIMITS.longText) &&
    (d['at'] === '' || fromLocalInput(d['at'] as string) !== null) && typeof d['atTouched'] === 'boolean';
}
