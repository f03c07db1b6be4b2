import { isUlid } from './ids';
import type { ValidationError } from './records';

/** Field limits shared by records and forms. */
export const LIMITS = {
  longText: 2000,
  name: 120,
  minutes: { min: 0, max: 600 },
  timesPerWeek: { min: 1, max: 21 },
  sleepHours: { min: 0, max: 24, step: 0.5 },
  scale: { min: 0, max: 10 },
  functional: { min: 0, max: 3 },
  futureToleranceMs: 24 * 60 * 60 * 1000,
} as const;

// The one shape we write (Date#toISOString); anything else in a stored record is a bug or
// a tampered file. UTC only, so stored times also sort correctly as strings.
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/;

/** Milliseconds since epoch for a strict ISO UTC timestamp, or null. */
export function parseIsoTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = ISO_UTC.exec(value);
  if (!m) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  // Date.parse accepts 2026-02-30 and rolls it into March; reject dates that do not exist.
  const d = new Date(ms);
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() + 1 !== Number(m[2]) || d.getUTCDate() !== Number(m[3])) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return null;
  return ms;
}

/** Collects every problem found in one object, field by field. */
export class FieldChecker {
  readonly errors: ValidationError[] = [];
  constructor(private readonly obj: Record<string, unknown>) {}

  private fail(field: string, code: ValidationError['code'], params?: ValidationError['params']): void {
    this.errors.push(params ? { field, code, params } : { field, code });
  }

  /** Reads a field; reports 'required' when a required one is missing. */
  private read(field: string, required: boolean): { present: boolean; value: unknown } {
    const present = Object.hasOwn(this.obj, field) && this.obj[field] !== undefined;
    if (!present && required) this.fail(field, 'required');
    return { present, value: present ? this.obj[field] : undefined };
  }

  /** Number in [min, max]; integer unless step is given (then a multiple of step). */
  number(field: string, range: { min: number; max: number; step?: number }, required = false): void {
    const { present, value } = this.read(field, required);
    if (!present) return;
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.fail(field, 'wrongType');
    if (range.step === undefined && !Number.isInteger(value)) return this.fail(field, 'notInteger');
    const offStep = range.step !== undefined && !Number.isInteger(value / range.step);
    if (value < range.min || value > range.max || offStep) {
      this.fail(field, 'outOfRange', range.step === undefined ? { min: range.min, max: range.max } : { ...range });
    }
  }

  /** String up to maxLength characters; required ones must not be blank. */
  string(field: string, maxLength: number, required = false): void {
    const { present, value } = this.read(field, required);
    if (!present) return;
    if (typeof value !== 'string') return this.fail(field, 'wrongType');
    if (required && value.trim() === '') return this.fail(field, 'required');
    if (value.length > maxLength) this.fail(field, 'tooLong', { max: maxLength });
  }

  /** One of the allowed values. */
  oneOf(field: string, allowed: readonly string[], required = false): void {
    const { present, value } = this.read(field, required);
    if (!present) return;
    if (typeof value !== 'string') return this.fail(field, 'wrongType');
    if (!allowed.includes(value)) this.fail(field, 'unknownValue', { value });
  }

  /** Array of allowed values, no longer than the list of allowed values. */
  manyOf(field: string, allowed: readonly string[]): void {
    const { present, value } = this.read(field, false);
    if (!present) return;
    if (!Array.isArray(value)) return this.fail(field, 'wrongType');
    if (value.length > allowed.length) return this.fail(field, 'tooLong', { max: allowed.length });
    value.forEach((v: unknown, i) => {
      if (typeof v !== 'string') this.fail(`${field}.${i}`, 'wrongType');
      else if (!allowed.includes(v)) this.fail(`${field}.${i}`, 'unknownValue', { value: v });
    });
  }

  /** Strict ISO UTC time; optionally not more than 24h after `now`. */
  time(field: string, required = false, now?: Date): void {
    const { present, value } = this.read(field, required);
    if (!present) return;
    const ms = parseIsoTime(value);
    if (ms === null) return this.fail(field, typeof value === 'string' ? 'badTime' : 'wrongType');
    if (now && ms > now.getTime() + LIMITS.futureToleranceMs) this.fail(field, 'futureTime');
  }

  /** A ULID. */
  ulid(field: string, required = false): void {
    const { present, value } = this.read(field, required);
    if (!present) return;
    if (typeof value !== 'string') return this.fail(field, 'wrongType');
    if (!isUlid(value)) this.fail(field, 'wrongType', { expected: 'ulid' });
  }

  /** Adds errors found elsewhere (e.g. by an instrument's answer check). */
  add(errors: readonly ValidationError[]): void {
    this.errors.push(...errors);
  }
}

/** True for a plain (non-array, non-null) object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
