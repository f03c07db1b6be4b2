/** Field checks the plan needs beyond FieldChecker's own: dates, weekdays, lists, authors. */
import { isMemberRef } from '../circle/member-ref';
import type { ValidationError } from '../records';
import { FieldChecker, isPlainObject } from '../validate-fields';
import { PLAN_LIMITS } from './limits';
import { CARE_PLAN_SCHEMA_VERSION } from './types';

type Obj = Record<string, unknown>;

/** A field's value, present when set to anything but undefined (as FieldChecker reads it). */
function read(obj: Obj, field: string): { present: boolean; value: unknown } {
  const present = Object.hasOwn(obj, field) && obj[field] !== undefined;
  return { present, value: present ? obj[field] : undefined };
}

function fail(c: FieldChecker, field: string, code: ValidationError['code'], params?: ValidationError['params']): void {
  c.add([params ? { field, code, params } : { field, code }]);
}

/** Reads a field, reporting 'required' when a required one is missing; undefined when absent. */
function present(c: FieldChecker, obj: Obj, field: string, required: boolean): { value: unknown } | undefined {
  const r = read(obj, field);
  if (!r.present) {
    if (required) fail(c, field, 'required');
    return undefined;
  }
  return { value: r.value };
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const PHONE_CHARS = /^\+?[0-9 ()\-.]+$/;

/** True for a real calendar date written 'YYYY-MM-DD' (independent of the time zone). */
export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const date = new Date(Date.UTC(y, mo, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo && date.getUTCDate() === d;
}

/** True for a phone number a tel: link can dial (at least 3 digits; short codes such as 988 count). */
export function isDialablePhone(value: string): boolean {
  return PHONE_CHARS.test(value) && (value.match(/[0-9]/g)?.length ?? 0) >= 3;
}

/** schemaVersion: an integer from 1 to the current version; a newer one is 'newerVersion'. */
export function checkSchemaVersion(c: FieldChecker, obj: Obj): void {
  const f = present(c, obj, 'schemaVersion', true);
  if (!f) return;
  const v = f.value;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(c, 'schemaVersion', 'wrongType');
  else if (!Number.isInteger(v)) fail(c, 'schemaVersion', 'notInteger');
  else if (v < 1) fail(c, 'schemaVersion', 'outOfRange', { min: 1, max: CARE_PLAN_SCHEMA_VERSION });
  else if (v > CARE_PLAN_SCHEMA_VERSION) fail(c, 'schemaVersion', 'newerVersion', { max: CARE_PLAN_SCHEMA_VERSION, found: v });
}

/** A device public key. */
export function checkMemberRef(c: FieldChecker, obj: Obj, field: string, required = false): void {
  const f = present(c, obj, field, required);
  if (f && !isMemberRef(f.value)) fail(c, field, 'wrongType', { expected: 'deviceKey' });
}

/** A 'YYYY-MM-DD' local date. */
export function checkLocalDate(c: FieldChecker, obj: Obj, field: string, required = false): void {
  const f = present(c, obj, field, required);
  if (f && !isLocalDate(f.value)) fail(c, field, typeof f.value === 'string' ? 'badTime' : 'wrongType');
}

/** An 'HH:MM' 24-hour clock time. */
export function checkClockTime(c: FieldChecker, obj: Obj, field: string): void {
  const f = present(c, obj, field, false);
  if (!f) return;
  if (typeof f.value !== 'string') fail(c, field, 'wrongType');
  else if (!CLOCK_TIME.test(f.value)) fail(c, field, 'badTime');
}

/** Weekday numbers 0..6 (Monday = 0), at least one, no repeats. */
export function checkWeekdays(c: FieldChecker, obj: Obj, field: string): void {
  const f = present(c, obj, field, false);
  if (!f) return;
  if (!Array.isArray(f.value)) return fail(c, field, 'wrongType');
  if (f.value.length === 0) return fail(c, field, 'required');
  if (f.value.length > 7) return fail(c, field, 'tooLong', { max: 7 });
  const seen = new Set<unknown>();
  f.value.forEach((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isFinite(d)) fail(c, `${field}.${i}`, 'wrongType');
    else if (!Number.isInteger(d)) fail(c, `${field}.${i}`, 'notInteger');
    else if (d < 0 || d > 6) fail(c, `${field}.${i}`, 'outOfRange', { min: 0, max: 6 });
    else if (seen.has(d)) fail(c, `${field}.${i}`, 'unknownValue', { value: d });
    seen.add(d);
  });
}

/** A list of non-blank strings: at most maxItems, each at most maxLength characters. */
export function checkStringList(c: FieldChecker, obj: Obj, field: string, maxItems: number, maxLength: number, required = false): void {
  const f = present(c, obj, field, required);
  if (!f) return;
  if (!Array.isArray(f.value)) return fail(c, field, 'wrongType');
  if (f.value.length > maxItems) return fail(c, field, 'tooLong', { max: maxItems });
  f.value.forEach((item: unknown, i) => {
    const name = `${field}.${i}`;
    if (typeof item !== 'string') fail(c, name, 'wrongType');
    else if (item.trim() === '') fail(c, name, 'required');
    else if (item.length > maxLength) fail(c, name, 'tooLong', { max: maxLength });
  });
}

/** Runs checks on a nested object, naming its fields '<prefix>.<field>'. */
export function checkNested(value: unknown, prefix: string, check: (c: FieldChecker, obj: Obj) => void): ValidationError[] {
  if (!isPlainObject(value)) return [{ field: prefix, code: 'wrongType' }];
  const inner = new FieldChecker(value);
  check(inner, value);
  return inner.errors.map((e) => ({ ...e, field: `${prefix}.${e.field}` }));
}

/** A list of objects, each checked by `check`; fields named '<field>.<i>.<name>'. */
export function checkObjectList(
  c: FieldChecker, obj: Obj, field: string, maxItems: number, check: (c: FieldChecker, item: Obj) => void, required = false,
): void {
  const f = present(c, obj, field, required);
  if (!f) return;
  if (!Array.isArray(f.value)) return fail(c, field, 'wrongType');
  if (f.value.length > maxItems) return fail(c, field, 'tooLong', { max: maxItems });
  f.value.forEach((item: unknown, i) => c.add(checkNested(item, `${field}.${i}`, check)));
}

/** A crisis contact: a name and a number a phone can dial. */
export function checkContact(c: FieldChecker, item: Obj): void {
  c.string('name', PLAN_LIMITS.contactName, true);
  c.string('phone', PLAN_LIMITS.phone, true);
  const phone = item['phone'];
  if (typeof phone === 'string' && phone.trim() !== '' && phone.length <= PLAN_LIMITS.phone && !isDialablePhone(phone)) {
    c.add([{ field: 'phone', code: 'wrongType', params: { expected: 'phone' } }]);
  }
}
