import type { Result } from '../records';
import { FieldChecker, isPlainObject, parseIsoTime } from '../validate-fields';
import { isMemberRef } from './member-ref';

// Field checks shared by the circle, messages and alerts documents, on top of FieldChecker.

/** schemaVersion: an integer from 1 to max; a newer one is reported as 'newerVersion'. */
export function checkSchemaVersion(c: FieldChecker, obj: Record<string, unknown>, max: number): void {
  const v = obj['schemaVersion'];
  if (v === undefined) c.add([{ field: 'schemaVersion', code: 'required' }]);
  else if (typeof v !== 'number' || !Number.isFinite(v)) c.add([{ field: 'schemaVersion', code: 'wrongType' }]);
  else if (!Number.isInteger(v)) c.add([{ field: 'schemaVersion', code: 'notInteger' }]);
  else if (v < 1) c.add([{ field: 'schemaVersion', code: 'outOfRange', params: { min: 1, max } }]);
  else if (v > max) c.add([{ field: 'schemaVersion', code: 'newerVersion', params: { max, found: v } }]);
}

/** The record's kind tag must be exactly `kind`. */
export function checkKind(c: FieldChecker, kind: string): void {
  c.oneOf('kind', [kind], true);
}

/** A member reference (device public key). */
export function checkMemberRef(c: FieldChecker, obj: Record<string, unknown>, field: string, required = false): void {
  const value = obj[field];
  if (value === undefined) {
    if (required) c.add([{ field, code: 'required' }]);
    return;
  }
  if (!isMemberRef(value)) c.add([{ field, code: 'wrongType', params: { expected: 'memberRef' } }]);
}

/** Fields set together (usedAt with usedBy): one without the other is reported missing. */
export function checkPaired(c: FieldChecker, obj: Record<string, unknown>, a: string, b: string): void {
  const hasA = obj[a] !== undefined;
  const hasB = obj[b] !== undefined;
  if (hasA && !hasB) c.add([{ field: b, code: 'required' }]);
  if (hasB && !hasA) c.add([{ field: a, code: 'required' }]);
}

/** `later` must not be before `earlier` (both already checked as times; skipped if either is bad). */
export function checkNotBefore(c: FieldChecker, obj: Record<string, unknown>, later: string, earlier: string): void {
  const laterMs = parseIsoTime(obj[later]);
  const earlierMs = parseIsoTime(obj[earlier]);
  if (laterMs !== null && earlierMs !== null && laterMs < earlierMs) {
    c.add([{ field: later, code: 'outOfRange', params: { min: String(obj[earlier]) } }]);
  }
}

/**
 * Runs a shape's checks over an unknown value. Never throws. Unknown extra keys are kept in
 * the returned shallow copy, because a newer app may have written them.
 */
export function parseShape<T>(value: unknown, check: (c: FieldChecker, obj: Record<string, unknown>) => void): Result<T> {
  if (!isPlainObject(value)) return { ok: false, error: [{ field: '', code: 'wrongType' }] };
  const c = new FieldChecker(value);
  check(c, value);
  return c.errors.length > 0 ? { ok: false, error: c.errors } : { ok: true, value: { ...value } as T };
}

/** Milliseconds of a stored time; a malformed one (a caller skipped parsing) counts as oldest. */
export function msOf(iso: string | undefined): number {
  return parseIsoTime(iso) ?? Number.NEGATIVE_INFINITY;
}

/** Ascending numeric order without subtraction, so that infinities compare too. */
export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Plain code-unit comparison: the same order on every device, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
