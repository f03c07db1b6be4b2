/**
 * Start-up on a clinic tablet (loaded only when the kiosk database exists): finish a
 * hand-back wipe if one was confirmed, then show the kiosk's own screens until the patient
 * (or staff) unlocks; the patient's database then opens through the at-rest encryption with
 * the data key, which lives only in this page's memory.
 */
import { render } from 'solid-js/web';
import { createResource, Show, type JSX } from 'solid-js';
import { ensureStrings, I18nProvider, loadCatalog, useI18n } from '../../i18n/i18n';
import { isLocale } from '../../i18n/types';
import type { PacelineDB } from '../../../storage/db';
import { loadKiosk, type KioskStateRow } from '../../../storage/kiosk-store';
import { endLoan } from '../../../storage/kiosk-vault';
import { wipePatientData } from '../../../storage/kiosk-wipe';
import { installAtRest } from '../../../storage/at-rest/middleware';
import { keepPrivateKeysAsBytes } from '../../../storage/private-keys';
import type { KioskSession } from '../../app-data';
import { KioskGate, type Unlocked } from './KioskGate';
import { enterFullscreen, lockNow, startAutoLock } from './auto-lock';
import './kiosk.css';

export interface KioskBoot {
  session: KioskSession;
  /** The language the patient's database starts in (a new loan). */
  locale: 'en' | 'es';
  /** Opens the patient's database through the encryption; call before anything reads it. */
  protect(db: PacelineDB): void;
  /** Starts the idle and leave locks once the app is on screen. */
  started(): void;
}

/** The path staff land on after unlocking for the hand-back. */
export const RETURN_PATH = '/kiosk/return';
/** Where a waiting-room questionnaire link points (the clinician's link: /intake#i1.…). */
export const INTAKE_PATH = '/intake';

/** Waits for the kiosk's strings (loaded in the provider, so a language switch keeps them). */
function Ready(props: { children: JSX.Element }) {
  const [ready] = createResource(() => ensureStrings(['kiosk']).then(() => true));
  const { t } = useI18n();
  return <Show when={ready()} fallback={<p>{t('app.loading')}</p>}>{props.children}</Show>;
}

/**
 * Shows the kiosk's screens; resolves once the patient's data may open (never, on a kiosk with
 * no loan). 'damaged': the kiosk database is there but its state cannot be read (or is
 * missing), which the screen then says; the patient's database, sealed with keys kept in that
 * state, is not opened.
 */
export async function bootKiosk(root: HTMLElement): Promise<KioskBoot | 'damaged'> {
  const loaded = await loadKiosk();
  if (loaded.kind !== 'kiosk') {
    await showDamaged(root);
    return 'damaged';
  }
  let state: KioskStateRow = loaded.state;
  let notice: string | undefined;
  if (state.loan?.returning) {
    await wipePatientData();
    state = await endLoan(state);
    notice = 'wiped';
  }
  const catalog = await loadCatalog(state.locale);
  document.documentElement.lang = state.locale;
  document.documentElement.classList.add('kiosk');
  const staffFirst = new URLSearchParams(location.search).has('staff');
  // Opened with a waiting-room questionnaire link: its keys leave the address bar at once.
  let intakeLink: string | undefined;
  if (location.pathname === INTAKE_PATH && location.hash.length > 1) {
    intakeLink = location.hash.slice(1);
    history.replaceState(null, '', '/');
  }
  const unlocked = await new Promise<Unlocked>((resolve) => {
    root.replaceChildren();
    const dispose = render(() => (
      <I18nProvider locale={state.locale} catalog={catalog}>
        <Ready><GateWithNotice state={state} notice={notice} staffFirst={staffFirst} intakeLink={intakeLink} onUnlocked={(u) => { dispose(); resolve(u); }} /></Ready>
      </I18nProvider>
    ), root);
  });
  // The benchmark measures from here (the slow PIN derivation is behind) to a usable Today.
  performance.mark('paceline:kiosk-unlocked');
  const key = unlocked.key;
  if (unlocked.staff) history.replaceState(null, '', RETURN_PATH);
  else if (location.pathname === RETURN_PATH || location.search) history.replaceState(null, '', '/');
  return {
    locale: unlocked.state.locale,
    session: { staff: unlocked.staff, settings: unlocked.state.settings, lock: lockNow },
    protect(db) {
      keepPrivateKeysAsBytes();
      installAtRest(db, { key: () => key });
    },
    started() {
      startAutoLock(unlocked.state.settings.idleMinutes * 60_000);
      enterFullscreen();
    },
  };
}

/**
 * A kiosk whose settings cannot be read: nothing of the patient's can be opened without them
 * (their keys are sealed in them), so the tablet says what staff must do instead of looping on
 * a storage error.
 */
async function showDamaged(root: HTMLElement): Promise<void> {
  const lang = (navigator.language || 'en').slice(0, 2);
  const locale = isLocale(lang) ? lang : 'en';
  const catalog = await loadCatalog(locale);
  document.documentElement.lang = locale;
  document.documentElement.classList.add('kiosk');
  root.replaceChildren();
  render(() => (
    <I18nProvider locale={locale} catalog={catalog}>
      <Ready><Damaged /></Ready>
    </I18nProvider>
  ), root);
}

function Damaged() {
  const { t } = useI18n();
  return (
    <div class="kiosk-gate">
      <header class="kiosk-header"><h1>{t('kiosk.name')}</h1></header>
      <main id="main" class="kiosk-main">
        <section class="card kiosk-form"><p role="alert">{t('kiosk.home.damaged')}</p></section>
      </main>
    </div>
  );
}

function GateWithNotice(props: { state: KioskStateRow; notice?: string; staffFirst: boolean; intakeLink?: string; onUnlocked: (u: Unlocked) => void }) {
  const { t } = useI18n();
  return <KioskGate initial={props.state} notice={props.notice === 'wiped' ? t('kiosk.return.wiped') : undefined} staffFirst={props.staffFirst} intakeLink={props.intakeLink} onUnlocked={props.onUnlocked} />;
}
