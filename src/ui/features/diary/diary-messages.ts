/** Turns validation and storage failures into the person's language. */
import type { ValidationError } from '../../../domain/records';
import { LIMITS } from '../../../domain/validate-fields';
import type { Translate } from '../../i18n/i18n';
import type { DiaryFailure } from './createDiary';
import { errorField } from './diary-draft';
import type { FieldErrors } from './DiaryForm';

function message(e: ValidationError, t: Translate): string {
  const field = errorField(e);
  if (field === 'painNow' && e.code === 'required') return t('diary.today.chooseFirst');
  // Off the half-hour step reads as "out of range" from the domain; say what is wanted instead.
  if (field === 'sleepHours' && e.code === 'outOfRange') {
    const range = LIMITS.sleepHours;
    return t('validation.outOfRange', { min: range.min, max: range.max }) + ' ' + t('diary.errors.halfHours');
  }
  return t(`validation.${e.code}`, e.params);
}

/** The first message per form field. */
export function fieldErrors(errors: readonly ValidationError[], t: Translate): FieldErrors {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const field = errorField(e);
    out[field] ??= message(e, t);
  }
  return out as FieldErrors;
}

/** What to tell the person when a write failed because of the device, not their input. */
export function storageMessage(code: Extract<DiaryFailure, { kind: 'storage' }>['code'], t: Translate): string {
  switch (code) {
    case 'storage-full': return t('diary.errors.storageFull');
    case 'read-only': return t('diary.errors.readOnly');
    case 'not-found': return t('diary.errors.notFound');
    case 'invalid-record':
    case 'storage-failed': return t('diary.errors.saveFailed');
  }
}
