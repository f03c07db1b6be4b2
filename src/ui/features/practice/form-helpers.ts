/** Small helpers shared by the practice forms: error messages per field, local date-times. */
import type { ValidationError } from '../../../domain';
import type { MessageKey, Translate } from '../../i18n/i18n';

/** One translated message per field (the first problem found), keyed by the record field name. */
export function fieldMessages(errors: readonly ValidationError[], t: Translate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const field = e.field.split('.')[0] ?? '';
    if (out[field] !== undefined) continue;
    out[field] = t(`validation.${e.code}` as MessageKey, e.params);
  }
  return out;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An ISO instant as the value of a datetime-local input, in local time. */
export function toLocalInput(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * A datetime-local value as an ISO instant; '' stays undefined. A value the browser could
 * not read is passed on as-is so the domain reports it as a bad time.
 */
export function fromLocalInput(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** A number typed into a field: '' is "not given"; anything unreadable goes on as NaN for the domain to reject. */
export function numberOrUndefined(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return Number(trimmed.replace(',', '.'));
}

/** After a failed submit, puts the cursor in the first field with a problem (after Solid has rendered it). */
export function focusFirstInvalid(form: HTMLFormElement): void {
  queueMicrotask(() => form.querySelector<HTMLElement>('[aria-invalid="true"], fieldset.invalid input')?.focus());
}
