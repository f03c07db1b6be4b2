import { createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../../primitives/Field';

/**
 * Asks for the staff passphrase and checks it (a slow derivation: about half a second).
 * `check` returns false for a wrong passphrase; `onPassed` gets the passphrase.
 */
export function StaffForm(props: { intro?: string; check: (passphrase: string) => Promise<boolean>; onPassed: (passphrase: string) => void; onBack?: () => void }) {
  const { t } = useI18n();
  const [value, setValue] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  async function submit(e: Event) {
    e.preventDefault();
    if (busy()) return;
    if (!value()) { setError(t('kiosk.staff.empty')); return; }
    setBusy(true);
    setError(undefined);
    try {
      if (await props.check(value())) props.onPassed(value());
      else setError(t('kiosk.staff.wrong'));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="card kiosk-form" onSubmit={submit} novalidate>
      <h2>{t('kiosk.staff.heading')}</h2>
      <Show when={props.intro}><p>{props.intro}</p></Show>
      <Field label={t('kiosk.staff.passphrase')} type="password" value={value()} onInput={(v) => { setValue(v); setError(undefined); }} error={error()} autocomplete="off" />
      <div role="status"><Show when={busy()}><p>{t('kiosk.working')}</p></Show></div>
      <div class="actions">
        <Show when={props.onBack}><button type="button" class="button" onClick={() => props.onBack?.()}>{t('kiosk.back')}</button></Show>
        <button type="submit" class="button primary" disabled={busy()}>{t('kiosk.staff.confirm')}</button>
      </div>
    </form>
  );
}
