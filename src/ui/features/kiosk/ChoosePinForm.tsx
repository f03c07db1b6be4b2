import { createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { pinProblem } from '../../../domain/kiosk';
import { PinField } from './PinField';
import { pinProblemText } from './kiosk-words';
import { enterFullscreen } from './auto-lock';

/** The patient chooses a PIN (typed twice); `onChosen` does the slow sealing. */
export function ChoosePinForm(props: { heading: string; intro?: string; submitLabel: string; onChosen: (pin: string) => Promise<void>; onBack?: () => void }) {
  const { t } = useI18n();
  const [pin, setPin] = createSignal('');
  const [again, setAgain] = createSignal('');
  const [errors, setErrors] = createSignal<{ pin?: string; again?: string }>({});
  const [busy, setBusy] = createSignal(false);
  async function submit(e: Event) {
    e.preventDefault();
    if (busy()) return;
    enterFullscreen();
    const problem = pinProblem(pin());
    if (problem) { setErrors({ pin: pinProblemText(t, problem) }); return; }
    if (pin() !== again()) { setErrors({ again: t('kiosk.problem.mismatch') }); return; }
    setErrors({});
    setBusy(true);
    try {
      await props.onChosen(pin());
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="card kiosk-form" onSubmit={submit} novalidate>
      <h2>{props.heading}</h2>
      <Show when={props.intro}><p>{props.intro}</p></Show>
      <PinField label={t('kiosk.lend.pin')} value={pin()} onInput={(v) => { setPin(v); setErrors({}); }} error={errors().pin} />
      <PinField label={t('kiosk.lend.pinRepeat')} value={again()} onInput={(v) => { setAgain(v); setErrors({}); }} error={errors().again} />
      <p class="hint">{t('kiosk.lend.pinPrivacy')}</p>
      <div role="status"><Show when={busy()}><p>{t('kiosk.working')}</p></Show></div>
      <div class="actions">
        <Show when={props.onBack}><button type="button" class="button" onClick={() => props.onBack?.()}>{t('kiosk.back')}</button></Show>
        <button type="submit" class="button primary" disabled={busy()}>{props.submitLabel}</button>
      </div>
    </form>
  );
}
