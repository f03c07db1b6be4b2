import { createSignal, For, Show } from 'solid-js';
import { CRISIS_RESOURCES } from '../../../domain/crisis-lines';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../../primitives/Field';
import { kioskSettingsProblem, passphraseProblem, type KioskSettings } from '../../../domain/kiosk';
import type { KioskLocale } from '../../../storage/kiosk-store';
import { passphraseProblemText, settingsProblemText } from './kiosk-words';

export interface KioskSettingsInput { settings: KioskSettings; locale: KioskLocale; passphrase: string | null }

/**
 * Clinic name, idle minutes, language, and the staff passphrase: required when setting up
 * (`requirePassphrase`), optional (to change it) afterwards.
 */
export function KioskSettingsForm(props: { heading: string; intro?: string; initial: KioskSettings; locale: KioskLocale; requirePassphrase: boolean; submitLabel: string; onSubmit: (input: KioskSettingsInput) => Promise<string | null>; onBack?: () => void }) {
  const { t } = useI18n();
  const [clinic, setClinic] = createSignal(props.initial.clinicName);
  const [idle, setIdle] = createSignal(String(props.initial.idleMinutes));
  const [locale, setLocale] = createSignal<KioskLocale>(props.locale);
  const [region, setRegion] = createSignal(props.initial.region);
  const [pass, setPass] = createSignal('');
  const [again, setAgain] = createSignal('');
  const [errors, setErrors] = createSignal<Partial<Record<'clinic' | 'idle' | 'pass' | 'again', string>>>({});
  const [busy, setBusy] = createSignal(false);
  const [result, setResult] = createSignal<{ text: string; error: boolean }>();

  async function submit(e: Event) {
    e.preventDefault();
    if (busy()) return;
    const settings: KioskSettings = { clinicName: clinic().trim(), idleMinutes: Number(idle()), region: region() };
    const problem = kioskSettingsProblem(settings);
    const next: Partial<Record<'clinic' | 'idle' | 'pass' | 'again', string>> = {};
    if (problem === 'idle-range') next.idle = settingsProblemText(t, problem);
    if (problem === 'clinic-name-long') next.clinic = settingsProblemText(t, problem);
    const wantsPass = props.requirePassphrase || pass() !== '';
    if (wantsPass) {
      const p = passphraseProblem(pass());
      if (p) next.pass = passphraseProblemText(t, p);
      else if (pass() !== again()) next.again = t('kiosk.problem.mismatch');
    }
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    setBusy(true);
    setResult(undefined);
    try {
      const failed = await props.onSubmit({ settings, locale: locale(), passphrase: wantsPass ? pass() : null });
      setResult(failed ? { text: failed, error: true } : { text: t('kiosk.settings.saved'), error: false });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card kiosk-form" onSubmit={submit} novalidate>
      <h2>{props.heading}</h2>
      <Show when={props.intro}><p>{props.intro}</p></Show>
      <Field label={t('kiosk.setup.clinicName')} value={clinic()} onInput={setClinic} error={errors().clinic} maxLength={80} />
      <Field label={t('kiosk.setup.idleMinutes')} hint={t('kiosk.setup.idleHint')} type="number" inputmode="numeric" min={1} max={30} step={1} value={idle()} onInput={setIdle} error={errors().idle} />
      <div class="field">
        <label for="kiosk-locale">{t('kiosk.language')}</label>
        <select id="kiosk-locale" value={locale()} onChange={(e) => setLocale(e.currentTarget.value === 'es' ? 'es' : 'en')}>
          <option value="en" lang="en">English</option>
          <option value="es" lang="es">Español</option>
        </select>
      </div>
      <div class="field">
        <label for="kiosk-region">{t('kiosk.setup.region')}</label>
        <select id="kiosk-region" value={region()} onChange={(e) => setRegion(e.currentTarget.value)}>
          <For each={Object.keys(CRISIS_RESOURCES)}>{(code) => <option value={code}>{t(`kiosk.regions.${code as 'US' | 'MX' | 'ES' | 'GB'}`)}</option>}</For>
        </select>
      </div>
      <Field label={props.requirePassphrase ? t('kiosk.setup.passphrase') : t('kiosk.settings.newPassphrase')} hint={t('kiosk.setup.passphraseHint')} type="password" value={pass()} onInput={setPass} error={errors().pass} />
      <Field label={t('kiosk.setup.repeat')} type="password" value={again()} onInput={setAgain} error={errors().again} />
      <div role="status">
        <Show when={busy()}><p>{t('kiosk.working')}</p></Show>
        <Show when={result()}>{(r) => <p classList={{ error: r().error }}>{r().text}</p>}</Show>
      </div>
      <div class="actions">
        <Show when={props.onBack}><button type="button" class="button" onClick={() => props.onBack?.()}>{t('kiosk.back')}</button></Show>
        <button type="submit" class="button primary" disabled={busy()}>{props.submitLabel}</button>
      </div>
    </form>
  );
}
