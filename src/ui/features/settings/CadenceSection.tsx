import { createResource, createSignal, For, Show } from 'solid-js';
import { CADENCE_LIMITS, validateCadence } from '../../../domain';
import type { Settings } from '../../../storage/profile';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Field } from '../../primitives/Field';
import { showToast } from '../../primitives/toast';
import type { SettingsData } from './createSettings';

const KEYS = ['peg', 'phq9', 'gad7'] as const;
type Key = (typeof KEYS)[number];

/** Check-in schedule in days, validated by the domain (whole days 1-90). */
export function CadenceSection(props: { data: SettingsData }) {
  const { t } = useI18n();
  const [stored] = createResource(() => props.data.get('cadence'));
  const [typed, setTyped] = createSignal<Partial<Record<Key, string>>>({});
  const [errors, setErrors] = createSignal<Partial<Record<Key, string>>>({});
  const [message, setMessage] = createSignal<string>();
  let form!: HTMLFormElement;
  const value = (k: Key) => typed()[k] ?? (stored() ? String(stored()![k]) : '');

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setMessage(undefined);
    const input: Record<string, unknown> = {};
    for (const k of KEYS) {
      const raw = value(k).trim();
      // An empty box is a missing value: the domain would skip it, but every schedule needs a number.
      input[k] = raw === '' ? Number.NaN : Number(raw.replace(',', '.'));
    }
    const result = validateCadence(input);
    if (!result.ok) {
      const out: Partial<Record<Key, string>> = {};
      for (const err of result.error) {
        const k = err.field as Key;
        if (out[k] === undefined) out[k] = t(`validation.${err.code === 'wrongType' ? 'required' : err.code}` as MessageKey, err.params);
      }
      setErrors(out);
      setMessage(t('validation.fixBelow'));
      queueMicrotask(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    const cadence = result.value as Settings['cadence'];
    if (await props.data.set('cadence', cadence)) {
      setErrors({});
      showToast({ message: t('settings.cadence.saved') });
    } else {
      setMessage(t('settings.saveFailed'));
    }
  }

  return (
    <section class="card" aria-labelledby="settings-cadence-h">
      <h2 id="settings-cadence-h">{t('settings.cadence.heading')}</h2>
      <p>{t('settings.cadence.intro')}</p>
      <form ref={form} onSubmit={submit} novalidate aria-labelledby="settings-cadence-h">
        <Show when={message()}><p class="error" role="alert">{message()}</p></Show>
        <For each={KEYS}>
          {(k) => (
            <Field
              label={t(`settings.cadence.${k}` as MessageKey)}
              hint={t('settings.cadence.hint', { min: CADENCE_LIMITS.min, max: CADENCE_LIMITS.max })}
              type="number"
              inputmode="numeric"
              min={CADENCE_LIMITS.min}
              max={CADENCE_LIMITS.max}
              value={value(k)}
              onInput={(v) => setTyped((all) => ({ ...all, [k]: v }))}
              error={errors()[k]}
            />
          )}
        </For>
        <div class="actions">
          <button type="submit" class="button primary">{t('settings.cadence.save')}</button>
        </div>
      </form>
    </section>
  );
}
