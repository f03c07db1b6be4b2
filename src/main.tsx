import { render } from 'solid-js/web';
import { App } from './ui/App';
import { createAppData } from './ui/app-data';
import { loadCatalog } from './ui/i18n/i18n';
import { isLocale, type Locale } from './ui/i18n/types';
import { PacelineDB } from './storage/db';
import { loadDeviceProfile, getSetting, setSetting } from './storage/profile';
import { requestPersistentStorage } from './pwa/register';
import { kioskPresent } from './storage/kiosk-present';
import './ui/styles.css';

function browserLocale(): Locale {
  const lang = (navigator.language || 'en').slice(0, 2);
  return isLocale(lang) ? lang : 'en';
}

/**
 * The language and crisis-line region come from the browser (on a clinic tablet, from the
 * kiosk settings) until the person picks them in Settings; they are stored on first run so
 * the app does not change under them later.
 */
async function firstRunDefaults(db: PacelineDB, fallback: Locale = browserLocale(), regionFallback?: string): Promise<Locale> {
  const [localeRow, regionRow] = await Promise.all([db.settings.get('locale'), db.settings.get('region')]);
  if (!regionRow) {
    const region = regionFallback ?? (navigator.language.split('-')[1] ?? '').toUpperCase();
    if (region === 'US' || region === 'MX' || region === 'ES' || region === 'GB') await setSetting(db, 'region', region);
  }
  if (localeRow) return getSetting(db, 'locale');
  const locale = fallback;
  await setSetting(db, 'locale', locale);
  return locale;
}

/**
 * Once there is something to lose, ask the browser not to evict our storage (Chromium decides
 * without a prompt). The answer is kept and shown in Settings, where the person can ask again.
 */
async function askToKeepData(db: PacelineDB): Promise<void> {
  const asked = await getSetting(db, 'persistence');
  if (asked.requested || (await db.records.count()) === 0) return;
  const { supported, granted } = await requestPersistentStorage();
  if (supported) await setSetting(db, 'persistence', { requested: true, granted, checkedAt: new Date().toISOString() });
}

/** Shown when IndexedDB cannot be opened at all (private mode limits, disk full, blocked by another tab). */
function renderStorageFailure(root: HTMLElement, locale: Locale, error: unknown): void {
  void loadCatalog(locale).then((c) => {
    root.replaceChildren();
    const p = document.createElement('p');
    p.className = 'fatal';
    p.setAttribute('role', 'alert');
    p.textContent = c.app.storageError;
    const button = document.createElement('button');
    button.className = 'button primary';
    button.textContent = c.app.reload;
    button.addEventListener('click', () => window.location.reload());
    root.append(p, button);
  });
  console.error('storage failed to open', error);
}

async function start(): Promise<void> {
  const root = document.getElementById('root');
  if (!root) return;
  // A clinic tablet shows its lock screen first; its database opens only with the data key.
  let kiosk: import('./ui/features/kiosk/kiosk-boot').KioskBoot | undefined;
  if (await kioskPresent().catch(() => false)) {
    const m = await import('./ui/features/kiosk/kiosk-boot');
    const booted = await m.bootKiosk(root);
    // A damaged kiosk shows its own screen: what staff must do.
    if (booted === 'damaged') return;
    kiosk = booted;
  }
  const db = new PacelineDB();
  kiosk?.protect(db);
  let profile: Awaited<ReturnType<typeof loadDeviceProfile>>;
  let locale: Locale;
  try {
    // Different tables: read together, one round trip to IndexedDB instead of two before the first screen.
    [profile, locale] = await Promise.all([loadDeviceProfile(db), firstRunDefaults(db, kiosk?.locale, kiosk?.session.settings.region)]);
  } catch (e) {
    renderStorageFailure(root, browserLocale(), e);
    return;
  }
  const catalog = await loadCatalog(locale);
  document.documentElement.lang = locale;
  const data = createAppData(db, profile.circleId, profile.role);
  if (kiosk) data.kiosk = kiosk.session;
  root.replaceChildren();
  render(
    () => (
      <App
        data={data}
        locale={locale}
        catalog={catalog}
        onLocaleChange={(l) => void setSetting(db, 'locale', l)}
      />
    ),
    root,
  );
  performance.mark('paceline:rendered');
  kiosk?.started();
  // The journal document (and Yjs) opens when the person starts filling in a form (see Layout),
  // not here: with years of entries the open is one long task, and on start-up it would freeze
  // the screen the person is about to use.
  const keepData = () => void askToKeepData(db);
  if ('requestIdleCallback' in window) requestIdleCallback(keepData, { timeout: 1500 });
  else setTimeout(keepData, 200);
}

void start();
