/**
 * The diary form's values as a person left them, and their conversion to domain input.
 * Numbers typed as text stay text here, so a bad value is shown back exactly as typed.
 */
import type { DiaryInput } from '../../../domain/validate';
import type { ActivityLevel, BodyArea, DiaryEntry, PainQuality, Trigger, ValidationError } from '../../../domain/records';

export interface DiaryDraft {
  painNow: number | undefined;
  bodyAreas: BodyArea[];
  painQualities: PainQuality[];
  triggers: Trigger[];
  triggerNote: string;
  helped: string;
  sleepQuality: number | undefined;
  /** As typed; accepts a decimal comma (Spanish "6,5"). */
  sleepHours: string;
  mood: number | undefined;
  fatigue: number | undefined;
  activity: ActivityLevel | undefined;
  note: string;
  /** datetime-local value 'YYYY-MM-DDTHH:mm'. */
  at: string;
  /** False while the time shown is just "now": the entry then gets the moment of saving. */
  atTouched: boolean;
}

export function emptyDraft(): DiaryDraft {
  return {
    painNow: undefined, bodyAreas: [], painQualities: [], triggers: [], triggerNote: '', helped: '',
    sleepQuality: undefined, sleepHours: '', mood: undefined, fatigue: undefined, activity: undefined, note: '', at: '', atTouched: false,
  };
}

/** A plain copy (storage cannot take the form's reactive store itself). */
export function copyDraft(d: DiaryDraft): DiaryDraft {
  return { ...d, bodyAreas: [...d.bodyAreas], painQualities: [...d.painQualities], triggers: [...d.triggers] };
}

/** True when something beyond the pain number was filled in (the details then open with it). */
export function hasDetails(d: DiaryDraft): boolean {
  return !isBlankDraft({ ...d, painNow: undefined });
}

/** True when nothing was filled in (the time shown by itself is not something filled in). */
export function isBlankDraft(d: DiaryDraft): boolean {
  const blank = (s: string) => s.trim() === '';
  return d.painNow === undefined && d.bodyAreas.length === 0 && d.painQualities.length === 0 && d.triggers.length === 0 &&
    blank(d.triggerNote) && blank(d.helped) && d.sleepQuality === undefined && blank(d.sleepHours) && d.mood === undefined &&
    d.fatigue === undefined && d.activity === undefined && blank(d.note) && !d.atTouched;
}

/** Longest text the hours field takes: it holds what was typed, even when that is not a number. */
export const SLEEP_HOURS_CHARS = 40;

const pad = (n: number) => String(n).padStart(2, '0');

/** A moment as a datetime-local value in the device's time zone. */
export function toLocalInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as a Date (local time), or null when it is not a real moment. */
export function fromLocalInput(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i])) as [number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, Number(m[6] ?? 0));
  return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d && h < 24 && mi < 60 ? date : null;
}

/** The form filled from a stored entry (for editing). */
export function draftFromEntry(e: DiaryEntry): DiaryDraft {
  return {
    painNow: e.painNow,
    bodyAreas: [...(e.bodyAreas ?? [])],
    painQualities: [...(e.painQualities ?? [])],
    triggers: [...(e.triggers ?? [])],
    triggerNote: e.triggerNote ?? '',
    helped: e.helped ?? '',
    sleepQuality: e.sleepQuality,
    sleepHours: e.sleepHours === undefined ? '' : String(e.sleepHours),
    mood: e.mood,
    fatigue: e.fatigue,
    activity: e.activity,
    note: e.note ?? '',
    at: toLocalInput(new Date(e.at)),
    atTouched: true,
  };
}

// A minute of slack: the field shows whole minutes, so "now" can read a few seconds ahead.
const FUTURE_SLACK_MS = 60_000;

/**
 * Form values as domain input, plus the problems only the form can see (unparseable number,
 * a time in the future). Blank optional fields are left out; the domain validates the rest.
 */
export function draftToInput(draft: DiaryDraft, now: Date): { input: DiaryInput; errors: ValidationError[] } {
  const errors: ValidationError[] = [];
  const text = (s: string) => (s.trim() === '' ? undefined : s.trim());
  let sleepHours: number | undefined;
  const hours = draft.sleepHours.trim().replace(',', '.');
  if (hours !== '') {
    const n = Number(hours);
    if (Number.isFinite(n)) sleepHours = n;
    else errors.push({ field: 'sleepHours', code: 'wrongType' });
  }
  let at: string | undefined;
  if (draft.atTouched && draft.at !== '') {
    const d = fromLocalInput(draft.at);
    if (!d) errors.push({ field: 'at', code: 'badTime' });
    else if (d.getTime() > now.getTime() + FUTURE_SLACK_MS) errors.push({ field: 'at', code: 'futureTime' });
    else at = d.toISOString();
  }
  const list = <T>(xs: T[]) => (xs.length > 0 ? [...xs] : undefined);
  const input: DiaryInput = {
    painNow: draft.painNow,
    bodyAreas: list(draft.bodyAreas),
    painQualities: list(draft.painQualities),
    triggers: list(draft.triggers),
    triggerNote: text(draft.triggerNote),
    helped: text(draft.helped),
    sleepQuality: draft.sleepQuality,
    sleepHours,
    mood: draft.mood,
    fatigue: draft.fatigue,
    activity: draft.activity,
    note: text(draft.note),
    at,
  };
  return { input, errors };
}

/** Field name of an error ('bodyAreas.2' belongs to 'bodyAreas'). */
export function errorField(e: ValidationError): string {
  return e.field.split('.')[0] ?? '';
}
