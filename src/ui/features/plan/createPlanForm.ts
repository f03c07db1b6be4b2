/**
 * The state every plan form shares: busy while saving, per-field messages from the domain's
 * validation, an alert for the rest. Nothing typed is reset on failure; the form closes only
 * after a successful save.
 */
import { createSignal } from 'solid-js';
import type { PlanSaveResult } from './createPlan';
import { fieldMessages } from './plan-forms';
import { usePlanText, type PlanKey } from './plan-text';
import { useSaveMessage } from './plan-ui';

export interface PlanForm {
  errors: () => Record<string, string>;
  alert: () => string | undefined;
  /** Problems on fields this form does not show, as "Field: message". */
  extra: () => string[];
  busy: () => boolean;
  /** Shows a message of the form's own (nothing was saved). */
  fail: (message: string) => void;
  /** Runs a save; on success clears the messages and calls onSaved, else shows what went wrong. */
  submit: <T>(form: HTMLFormElement, save: () => Promise<PlanSaveResult<T>>, onSaved: (value: T) => void) => Promise<void>;
}

/** `shown`: the error keys the form renders beside a field (see fieldMessages). */
export function createPlanForm(shown: () => readonly string[]): PlanForm {
  const { t } = usePlanText();
  const messageOf = useSaveMessage();
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [alert, setAlert] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const label = (key: string) => {
    const name = t(`fields.${key.split('.')[0]}` as PlanKey);
    return name.startsWith('fields.') ? '' : `${name}: `;
  };
  return {
    errors,
    alert,
    extra: () => Object.entries(errors()).filter(([k]) => !shown().includes(k)).map(([k, m]) => `${label(k)}${m}`),
    busy,
    fail: (message) => { setErrors({}); setAlert(message); },
    async submit(form, save, onSaved) {
      if (busy()) return;
      setBusy(true);
      setAlert(undefined);
      try {
        const result = await save();
        if (result.ok) {
          setErrors({});
          onSaved(result.value);
          return;
        }
        if (result.error.kind === 'fields') {
          setErrors(fieldMessages(result.error.errors, t));
          setAlert(t('errors.fixBelow'));
          // Take the person to the first problem; what they typed stays as it is.
          queueMicrotask(() => form.querySelector<HTMLElement>('[aria-invalid="true"], fieldset.invalid input')?.focus());
        } else {
          setAlert(messageOf(result.error));
        }
      } finally {
        setBusy(false);
      }
    },
  };
}
