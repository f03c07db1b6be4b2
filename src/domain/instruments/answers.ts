import type { Result, ValidationError } from '../records';
import type { InstrumentDef } from './types';

/**
 * Checks an answers array against an instrument: count, integer, range.
 * Returns the answers typed as integers, or every problem found (never a NaN score later).
 */
export function checkAnswers(def: InstrumentDef, answers: unknown): Result<number[]> {
  if (!Array.isArray(answers)) {
    return { ok: false, error: [{ field: 'answers', code: answers === undefined ? 'required' : 'wrongType' }] };
  }
  const errors: ValidationError[] = [];
  if (answers.length !== def.itemCount) {
    errors.push({ field: 'answers', code: 'outOfRange', params: { min: def.itemCount, max: def.itemCount, count: answers.length } });
  }
  const { min, max } = def.scale;
  // Items past the expected count are not inspected one by one: an oversized array in a
  // tampered file must not turn into an oversized list of errors.
  answers.slice(0, def.itemCount).forEach((a: unknown, i) => {
    const field = `answers.${i}`;
    if (typeof a !== 'number' || Number.isNaN(a)) errors.push({ field, code: a === undefined || a === null ? 'required' : 'wrongType' });
    else if (!Number.isInteger(a)) errors.push({ field, code: 'notInteger' });
    else if (a < min || a > max) errors.push({ field, code: 'outOfRange', params: { min, max } });
  });
  return errors.length > 0 ? { ok: false, error: errors } : { ok: true, value: answers as number[] };
}

/** Sum of already-checked integer answers. */
export function sumOf(answers: readonly number[]): number {
  return answers.reduce((s, a) => s + a, 0);
}
