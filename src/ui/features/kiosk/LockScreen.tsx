import { createSignal, For, onCleanup, Show, Switch, Match } from 'solid-js';
import { crisisLinesFor } from '../../../domain/crisis-lines';
import { useI18n } from '../../i18n/i18n';
import { pinGate, type PinGate } from '../../../domain/kiosk';
import { unlockWithPin } from '../../../storage/kiosk-vault';
import type { KioskStateRow } from '../../../storage/kiosk-store';
import { PinField } from './PinField';
import { waitText } from './kiosk-words';
import { enterFullscreen } from './auto-lock';

/** The loaned tablet's lock screen: the patient's PIN, with the wrong-PIN waits, and a way to staff. */
export function LockScreen(props: { state: KioskStateRow; onState: (s: KioskStateRow) => void; onUnlocked: (key: Uint8Array) => void; onStaff: () => void }) {
  const { t, tn } = useI18n();
  const [pin, setPin] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [wrong, setWrong] = createSignal(false);
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(tick));
  const crisis = () => crisisLinesFor(props.state.settings.region);
  const gate = (): PinGate => pinGate(props.state.loan?.attempts ?? { failed: 0, notBefore: 0 }, now());

  async function submit(e: Event) {
    e.preventDefault();
    if (busy() || gate().kind !== 'open' || !pin()) return;
    enterFullscreen();
    setBusy(true);
    try {
      const out = await unlockWithPin(props.state, pin(), Date.now());
      props.onState(out.state);
      setNow(Date.now());
      if (out.ok) { props.onUnlocked(out.key); return; }
      setWrong(true);
      setPin('');
    } finally {
      setBusy(false);
    }
  }

  const error = () => {
    const g = gate();
    if (g.kind === 'staff') return t('kiosk.lock.needStaff');
    if (g.kind === 'wait') return t('kiosk.lock.wait', { time: waitText(g.untilMs - now()) });
    if (!wrong()) return undefined;
    return `${t('kiosk.lock.wrong')} ${g.triesBeforeWait > 0 ? tn('kiosk.lock.triesLeft', g.triesBeforeWait) : ''}`.trim();
  };

  return (
    <form class="card kiosk-form lock-screen" onSubmit={submit} novalidate>
      <h2>{t('kiosk.lock.heading')}</h2>
      <p>{t('kiosk.lock.intro')}</p>
      <Switch>
        <Match when={gate().kind === 'staff'}>
          <p class="error" role="alert">{error()}</p>
        </Match>
        <Match when={gate().kind !== 'staff'}>
          <PinField label={t('kiosk.lock.pin')} value={pin()} onInput={(v) => { setPin(v); }} error={error()} pad autofocus />
          <div role="status"><Show when={busy()}><p>{t('kiosk.lock.unlocking')}</p></Show></div>
          <div class="actions">
            <button type="submit" class="button primary big" disabled={busy() || gate().kind !== 'open'}>{t('kiosk.lock.unlock')}</button>
          </div>
        </Match>
      </Switch>
      <p class="hint">{t('kiosk.lock.forgot')}</p>
      <div class="card soft kiosk-crisis">
        <For each={crisis().lines}>{(line) => <p>{t('kiosk.lock.crisisLine', { number: line.phone })}</p>}</For>
        <p>{t('kiosk.lock.emergency', { number: crisis().emergency })}</p>
      </div>
      <div class="actions">
        <button type="button" class="button" onClick={() => props.onStaff()}>{t('kiosk.lock.staffButton')}</button>
      </div>
    </form>
  );
}
