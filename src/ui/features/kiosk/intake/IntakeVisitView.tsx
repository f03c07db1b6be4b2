import { createEffect, createResource, createSignal, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { AppDataProvider } from '../../../app-data';
import { ensureStrings, useI18n } from '../../../i18n/i18n';
import { AssessmentForm } from '../../assessments/AssessmentForm';
import { titleKey } from '../../assessments/instrument-text';
import { CrisisPanel } from '../../crisis/CrisisPanel';
import type { InstrumentId } from '../../../../domain/records';
import type { IntakeVisit, VisitClaim } from './intake-session';
import '../../assessments/assessments.css';

/** What a waiting-room visit asks, in order (CLINICAL.md: pain and function, depression, anxiety). */
export const VISIT_INSTRUMENTS: readonly InstrumentId[] = ['peg', 'phq9', 'gad7'];
/** With no answer or touch for this long after "Sending", a visit's screen gives way to the next patient. */
const SENDING_PATIENCE_MS = 12_000;

type Phase =
  | { kind: 'welcome' }
  | { kind: 'question'; index: number }
  | { kind: 'crisis'; next: number }
  | { kind: 'sending' }
  | { kind: 'done'; outcome: 'sent' | 'kept' | 'nothing' | 'refused' };

/**
 * One patient's questionnaires on the waiting-room tablet: a welcome, PEG, PHQ-9 and GAD-7
 * (each may be skipped), the crisis help at once after a positive PHQ-9 item 9 (the alert
 * goes out at the same moment), then sending. The visit's database is deleted as soon as the
 * relay holds everything; offline it stays, locked for the care team, and is sent later.
 * Idle for the kiosk's idle time, the visit ends the same way (unsaved answers are dropped,
 * so the next person never sees them).
 */
export function IntakeVisitView(props: { visit: IntakeVisit; idleMs: number; onFinished: () => void }) {
  const { t } = useI18n();
  const [strings] = createResource(() => ensureStrings(['assessments', 'crisis']).then(() => true));
  const [phase, setPhase] = createSignal<Phase>({ kind: 'welcome' });
  const [claim, setClaim] = createSignal<VisitClaim>(props.visit.claim());
  const [online, setOnline] = createSignal(navigator.onLine);
  const [answered, setAnswered] = createSignal(0);
  const [urgent, setUrgent] = createSignal(false);
  const [patience, setPatience] = createSignal(false);
  let heading: HTMLHeadingElement | undefined;
  /** Set once the visit is ending (deleted or kept): everything after that only waits for it. */
  let ending: Promise<void> | undefined;

  const off = props.visit.onChange(() => {
    setClaim(props.visit.claim());
    if (phase().kind === 'sending') void checkSent();
  });
  const onLine = () => setOnline(navigator.onLine);
  window.addEventListener('online', onLine);
  window.addEventListener('offline', onLine);

  // Idle: the next person must not find this one's screen.
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const touched = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void idle(), props.idleMs);
  };
  const events = ['pointerdown', 'keydown', 'input'] as const;
  onMount(() => {
    for (const e of events) document.addEventListener(e, touched, { passive: true });
    touched();
  });
  let patienceTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => {
    off();
    window.removeEventListener('online', onLine);
    window.removeEventListener('offline', onLine);
    for (const e of events) document.removeEventListener(e, touched);
    clearTimeout(idleTimer);
    clearTimeout(patienceTimer);
  });

  // Each step starts at its heading, for keyboard and screen-reader users.
  createEffect(() => {
    if (phase().kind === 'crisis') return; // the crisis panel takes focus itself
    queueMicrotask(() => heading?.focus());
  });

  /** Nobody touched the tablet for the idle time: what is saved goes (or waits to), the screen is cleared. */
  async function idle(): Promise<void> {
    if (phase().kind !== 'sending' && phase().kind !== 'done') await send();
    await leave();
  }

  async function checkSent(): Promise<void> {
    if (ending || phase().kind !== 'sending') return;
    const delivery = await props.visit.delivery();
    if (delivery !== 'pending') await end(delivery);
  }

  /** Ends the visit once: the database goes once the relay holds it all, else it stays for later. */
  function end(outcome: 'sent' | 'kept' | 'nothing' | 'refused'): Promise<void> {
    if (ending) return ending;
    clearTimeout(patienceTimer);
    ending = (outcome === 'sent' || outcome === 'nothing' ? props.visit.wipe() : props.visit.close()).then(() => { setPhase({ kind: 'done', outcome }); });
    return ending;
  }

  async function send(): Promise<void> {
    if (ending) return;
    if (answered() === 0) return end('nothing');
    setPhase({ kind: 'sending' });
    patienceTimer = setTimeout(() => setPatience(true), SENDING_PATIENCE_MS);
    await props.visit.flush();
    await checkSent();
  }

  /** Leaves the visit's screen for the next patient (what is unsent stays, to be sent later). */
  async function leave(): Promise<void> {
    // Waits for an end already under way too: the sender of earlier visits must not open a
    // database this screen is still deleting.
    await end(answered() === 0 ? 'nothing' : 'kept');
    props.onFinished();
  }

  /** The end of a visit's last screen: give the tablet back; the button readies it for the next person. */
  const HandBack = () => (
    <>
      <p>{t('kiosk.intake.handBack')}</p>
      <div class="actions kiosk-stack">
        <button type="button" class="button primary big" onClick={() => void leave()}>{t('kiosk.intake.next')}</button>
      </div>
    </>
  );

  const next = (index: number) => (index + 1 < VISIT_INSTRUMENTS.length ? setPhase({ kind: 'question', index: index + 1 }) : void send());
  const total = VISIT_INSTRUMENTS.length;

  const connection = () => {
    const c = claim();
    if (c.state === 'refused') return { tone: 'error', text: t(`kiosk.intake.${c.reason}`) };
    if (c.state === 'inviter-offline') return { tone: 'notice', text: t('kiosk.intake.inviterOffline') };
    if (!online()) return { tone: 'notice', text: t('kiosk.intake.offline') };
    if (c.state === 'waiting') return { tone: 'muted', text: t('kiosk.intake.connecting') };
    return null;
  };

  return (
    <Show when={strings()} fallback={<p>{t('app.loading')}</p>}>
      <AppDataProvider value={props.visit.data}>
        <div class="intake-visit">
          <Switch>
            <Match when={phase().kind === 'welcome'}>
              <section class="card kiosk-form" aria-labelledby="intake-welcome-h">
                <h2 id="intake-welcome-h" ref={heading} tabindex="-1">{t('kiosk.intake.welcomeHeading')}</h2>
                <p>{t('kiosk.intake.welcome')}</p>
                <Show when={connection()}>{(c) => <p class={c().tone} role={c().tone === 'error' ? 'alert' : 'status'}>{c().text}</p>}</Show>
                <div class="actions kiosk-stack">
                  <Show when={claim().state !== 'refused'} fallback={
                    <button type="button" class="button primary big" onClick={() => void leave()}>{t('kiosk.back')}</button>
                  }>
                    <button type="button" class="button primary big" onClick={() => setPhase({ kind: 'question', index: 0 })}>{t('kiosk.intake.begin')}</button>
                  </Show>
                </div>
              </section>
            </Match>
            <Match when={phase().kind === 'question' && (phase() as Extract<Phase, { kind: 'question' }>)} keyed>
              {(p) => {
                const instrument = VISIT_INSTRUMENTS[p.index] as InstrumentId;
                return (
                  <section class="intake-questionnaire" aria-labelledby="intake-q-h">
                    <p class="muted intake-step">{t('kiosk.intake.step', { n: p.index + 1, total })}</p>
                    <h2 id="intake-q-h" ref={heading} tabindex="-1">{t(titleKey(instrument))}</h2>
                    <AssessmentForm
                      instrument={instrument}
                      onSaved={(saved) => {
                        setAnswered(answered() + 1);
                        if (saved.urgent) {
                          setUrgent(true);
                          // The clinic hears of it now, not when the visit ends.
                          void props.visit.raiseAlertsNow().then(() => props.visit.flush()).catch((e: unknown) => console.error('visit alert failed', e));
                          setPhase({ kind: 'crisis', next: p.index });
                        } else next(p.index);
                      }}
                    />
                    <div class="actions kiosk-stack">
                      <button type="button" class="button" onClick={() => next(p.index)}>{t('kiosk.intake.skip')}</button>
                    </div>
                  </section>
                );
              }}
            </Match>
            <Match when={phase().kind === 'crisis' && (phase() as Extract<Phase, { kind: 'crisis' }>)} keyed>
              {(p) => (
                <section class="intake-crisis">
                  <CrisisPanel intro={t('kiosk.intake.crisisIntro')} region={props.visit.data.kiosk?.settings.region} alert focusOnMount />
                  <div class="actions kiosk-stack">
                    <button type="button" class="button primary big" onClick={() => next(p.next)}>{t('kiosk.intake.crisisContinue')}</button>
                  </div>
                </section>
              )}
            </Match>
            <Match when={phase().kind === 'sending'}>
              <section class="card kiosk-form" aria-labelledby="intake-sending-h">
                <h2 id="intake-sending-h" ref={heading} tabindex="-1">{t('kiosk.intake.sending')}</h2>
                <Show when={connection()}>{(c) => <p class={c().tone} role="status">{c().text}</p>}</Show>
                <Show when={patience() || !online()}>
                  <p>{t('kiosk.intake.waitingOffline')}</p>
                  <HandBack />
                </Show>
              </section>
            </Match>
            <Match when={phase().kind === 'done' && (phase() as Extract<Phase, { kind: 'done' }>)} keyed>
              {(p) => (
                <section class="card kiosk-form" aria-labelledby="intake-done-h">
                  <h2 id="intake-done-h" ref={heading} tabindex="-1">
                    {p.outcome === 'sent' ? t('kiosk.intake.sent') : p.outcome === 'nothing' ? t('kiosk.intake.nothing') : p.outcome === 'refused' ? t(`kiosk.intake.${(claim() as Extract<VisitClaim, { state: 'refused' }>).reason}`) : t('kiosk.intake.waitingOffline')}
                  </h2>
                  <Show when={urgent()}>
                    <CrisisPanel intro={t('kiosk.intake.crisisIntro')} region={props.visit.data.kiosk?.settings.region} />
                  </Show>
                  <HandBack />
                </section>
              )}
            </Match>
          </Switch>
          <Show when={phase().kind === 'question' || phase().kind === 'crisis'}>
            <div class="actions intake-finish">
              <button type="button" class="button" onClick={() => void send()}>{t('kiosk.intake.finish')}</button>
            </div>
          </Show>
        </div>
      </AppDataProvider>
    </Show>
  );
}
