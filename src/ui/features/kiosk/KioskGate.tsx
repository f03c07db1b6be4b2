import { createSignal, Match, Show, Switch } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { KioskStateRow } from '../../../storage/kiosk-store';
import { deleteKiosk } from '../../../storage/kiosk-store';
import { changeKioskSettings, checkStaff, resetPin, startLoan, unlockAsStaff } from '../../../storage/kiosk-vault';
import { wipePatientData } from '../../../storage/kiosk-wipe';
import { ChoosePinForm } from './ChoosePinForm';
import { KioskSettingsForm } from './KioskSettingsForm';
import { LockScreen } from './LockScreen';
import { StaffForm } from './StaffForm';
import { IntakeMode } from './intake/IntakeMode';
import { createLeftovers } from './intake/leftovers';
import type { KioskSession } from '../../app-data';

export interface Unlocked { key: Uint8Array; staff: boolean; state: KioskStateRow }

type Screen =
  | { kind: 'home' }
  | { kind: 'staff'; then: 'lend' | 'settings' | 'leave' | 'menu' | 'intake' | 'discard' }
  | { kind: 'lend-pin'; pass: string }
  | { kind: 'settings'; pass: string }
  | { kind: 'locked' }
  | { kind: 'menu'; pass: string }
  | { kind: 'reset-pin'; pass: string }
  | { kind: 'left' }
  | { kind: 'intake'; link?: string };

/**
 * Everything before the patient's data is open: the ready-to-lend home, staff steps, the
 * patient choosing a PIN, the lock screen. Resolves through `onUnlocked` with the data key.
 */
/**
 * `intakeLink`: the tablet was opened with a waiting-room questionnaire link (its fragment);
 * it starts at once when the tablet is not lent.
 */
export function KioskGate(props: { initial: KioskStateRow; notice?: string; staffFirst?: boolean; intakeLink?: string; onUnlocked: (u: Unlocked) => void }) {
  const { t, tn, locale, setLocale } = useI18n();
  const [state, setState] = createSignal(props.initial);
  const [notice, setNotice] = createSignal(props.notice ?? (props.intakeLink && state().loan ? t('kiosk.intake.loaned') : undefined));
  const start: Screen = state().loan
    ? (props.staffFirst ? { kind: 'staff', then: 'menu' } : { kind: 'locked' })
    : props.intakeLink ? { kind: 'intake', link: props.intakeLink } : { kind: 'home' };
  const [screen, setScreen] = createSignal<Screen>(start);
  const rest = (): Screen => (state().loan ? { kind: 'locked' } : { kind: 'home' });
  const go = (s: Screen) => { setNotice(undefined); setScreen(s); };
  const title = () => (state().settings.clinicName ? t('kiosk.nameOf', { clinic: state().settings.clinicName }) : t('kiosk.name'));

  // Waiting-room visits the tablet still holds are sent in the background, never the one on screen.
  const [activeVisit, setActiveVisit] = createSignal<string>();
  // What a waiting-room visit knows of the kiosk: its settings (the crisis lines' region, the idle time).
  const visitKiosk = (): KioskSession => ({ staff: false, settings: state().settings, lock: () => undefined });
  const leftovers = createLeftovers(visitKiosk(), activeVisit);

  async function afterStaff(then: 'lend' | 'settings' | 'leave' | 'menu' | 'intake' | 'discard', pass: string) {
    if (then === 'lend') return go({ kind: 'lend-pin', pass });
    if (then === 'settings') return go({ kind: 'settings', pass });
    if (then === 'menu') return go({ kind: 'menu', pass });
    if (then === 'intake') return go({ kind: 'intake' });
    if (then === 'discard') {
      const deleted = await leftovers.discardRefused();
      setScreen({ kind: 'home' });
      setNotice(tn('kiosk.intake.discarded', deleted));
      return;
    }
    // Other people's answers are not wiped unsent.
    if (leftovers.count() > 0) {
      setScreen({ kind: 'home' });
      setNotice(t('kiosk.intake.leaveBlocked'));
      return;
    }
    await wipePatientData();
    await deleteKiosk();
    go({ kind: 'left' });
  }

  return (
    <div class="kiosk-gate">
      <header class="kiosk-header">
        <h1>{title()}</h1>
        <button type="button" class="button" lang={locale() === 'en' ? 'es' : 'en'} onClick={() => void setLocale(locale() === 'en' ? 'es' : 'en')}>
          {locale() === 'en' ? 'Español' : 'English'}
        </button>
      </header>
      <main id="main" class="kiosk-main">
        <Show when={notice()}><p class="notice" role="status">{notice()}</p></Show>
        <Show when={!state().loan && leftovers.count() - leftovers.refused() > 0 && (screen().kind === 'home' || screen().kind === 'intake')}>
          <p class="notice" role="status">{tn('kiosk.intake.leftovers', leftovers.count() - leftovers.refused())}</p>
        </Show>
        <Show when={!state().loan && leftovers.refused() > 0 && screen().kind === 'home'}>
          <div class="notice">
            <p role="status">{tn('kiosk.intake.refused', leftovers.refused())}</p>
            <div class="actions"><button type="button" class="button" onClick={() => go({ kind: 'staff', then: 'discard' })}>{t('kiosk.intake.discard')}</button></div>
          </div>
        </Show>
        <Switch>
          <Match when={screen().kind === 'home'}>
            <section class="card kiosk-form">
              <p>{t('kiosk.home.ready')}</p>
              <p class="hint">{t('kiosk.home.staffOnly')}</p>
              <div class="actions kiosk-stack">
                <button type="button" class="button primary big" onClick={() => go({ kind: 'staff', then: 'lend' })}>{t('kiosk.home.lend')}</button>
                <button type="button" class="button big" onClick={() => go({ kind: 'staff', then: 'intake' })}>{t('kiosk.intake.menu')}</button>
                <button type="button" class="button" onClick={() => go({ kind: 'staff', then: 'settings' })}>{t('kiosk.home.settings')}</button>
                <button type="button" class="button" onClick={() => go({ kind: 'staff', then: 'leave' })}>{t('kiosk.home.leave')}</button>
              </div>
            </section>
          </Match>
          <Match when={screen().kind === 'staff' && (screen() as Extract<Screen, { kind: 'staff' }>)}>
            {(s) => (
              <StaffForm
                intro={s().then === 'lend' ? t('kiosk.lend.staffStep') : undefined}
                check={(p) => checkStaff(state(), p)}
                onPassed={(p) => void afterStaff(s().then, p)}
                onBack={() => go(rest())}
              />
            )}
          </Match>
          <Match when={screen().kind === 'lend-pin' && (screen() as Extract<Screen, { kind: 'lend-pin' }>)}>
            {(s) => (
              <ChoosePinForm
                heading={t('kiosk.lend.pinStep')}
                intro={t('kiosk.lend.pinIntro')}
                submitLabel={t('kiosk.lend.start')}
                onBack={() => go({ kind: 'home' })}
                onChosen={async (pin) => {
                  await wipePatientData();
                  const out = await startLoan(state(), s().pass, pin, new Date());
                  if (!out.ok) { setNotice(t('kiosk.staff.wrong')); return; }
                  setState(out.state);
                  props.onUnlocked({ key: out.key, staff: false, state: out.state });
                }}
              />
            )}
          </Match>
          <Match when={screen().kind === 'settings' && (screen() as Extract<Screen, { kind: 'settings' }>)}>
            {(s) => (
              <KioskSettingsForm
                heading={t('kiosk.settings.heading')}
                initial={state().settings}
                locale={state().locale}
                requirePassphrase={false}
                submitLabel={t('kiosk.settings.save')}
                onBack={() => go(rest())}
                onSubmit={async (input) => {
                  const out = await changeKioskSettings(state(), s().pass, input.settings, input.locale, input.passphrase);
                  if (!out.ok) return t('kiosk.staff.wrong');
                  setState(out.state);
                  if (input.passphrase) setScreen({ kind: 'settings', pass: input.passphrase });
                  return null;
                }}
              />
            )}
          </Match>
          <Match when={screen().kind === 'locked'}>
            <LockScreen state={state()} onState={setState} onStaff={() => go({ kind: 'staff', then: 'menu' })} onUnlocked={(key) => props.onUnlocked({ key, staff: false, state: state() })} />
          </Match>
          <Match when={screen().kind === 'menu' && (screen() as Extract<Screen, { kind: 'menu' }>)}>
            {(s) => (
              <section class="card kiosk-form">
                <h2>{t('kiosk.staff.menu')}</h2>
                <div class="actions kiosk-stack">
                  <button type="button" class="button primary" onClick={() => go({ kind: 'reset-pin', pass: s().pass })}>{t('kiosk.staff.resetPin')}</button>
                  <button
                    type="button"
                    class="button"
                    onClick={async () => {
                      const key = await unlockAsStaff(state(), s().pass);
                      if (key) props.onUnlocked({ key, staff: true, state: state() });
                    }}
                  >
                    {t('kiosk.staff.returnDevice')}
                  </button>
                  <button type="button" class="button" onClick={() => go({ kind: 'settings', pass: s().pass })}>{t('kiosk.home.settings')}</button>
                  <button type="button" class="button" onClick={() => go({ kind: 'locked' })}>{t('kiosk.back')}</button>
                </div>
              </section>
            )}
          </Match>
          <Match when={screen().kind === 'reset-pin' && (screen() as Extract<Screen, { kind: 'reset-pin' }>)}>
            {(s) => (
              <ChoosePinForm
                heading={t('kiosk.reset.heading')}
                intro={t('kiosk.lend.pinIntro')}
                submitLabel={t('kiosk.lend.start')}
                onBack={() => go({ kind: 'menu', pass: s().pass })}
                onChosen={async (pin) => {
                  const out = await resetPin(state(), s().pass, pin);
                  if (!out.ok) { setNotice(t('kiosk.staff.wrong')); return; }
                  setState(out.state);
                  props.onUnlocked({ key: out.key, staff: false, state: out.state });
                }}
              />
            )}
          </Match>
          <Match when={screen().kind === 'intake' && (screen() as Extract<Screen, { kind: 'intake' }>)} keyed>
            {(s) => (
              <IntakeMode
                kiosk={visitKiosk()}
                link={s.link}
                onVisit={setActiveVisit}
                onExit={() => go({ kind: 'home' })}
                onVisitEnded={() => leftovers.kick()}
              />
            )}
          </Match>
          <Match when={screen().kind === 'left'}>
            <section class="card kiosk-form">
              <p role="status">{t('kiosk.home.leaveDone')}</p>
              <div class="actions"><button type="button" class="button primary" onClick={() => window.location.replace('/')}>{t('kiosk.staff.confirm')}</button></div>
            </section>
          </Match>
        </Switch>
      </main>
    </div>
  );
}
