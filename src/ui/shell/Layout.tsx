import { createEffect, createSignal, ErrorBoundary, on, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { A, useLocation } from '@solidjs/router';
import { useI18n } from '../i18n/i18n';
import { useAppData } from '../app-data';
import { UpdateBanner } from './UpdateBanner';
import { ToastHost } from '../primitives/toast';
import { preloadHistory } from '../features/history/preload';
import { SyncLine } from '../features/sharing/SyncLine';
import { ScreenFailed } from './ScreenFailed';

type NavItem = { href: string; key: 'nav.today' | 'nav.practice' | 'nav.checkins' | 'nav.history' | 'nav.messages' | 'nav.settings' | 'nav.patients' | 'nav.newPatient' | 'nav.plan'; icon: string };

/** The tabs by who uses the device: a clinician works from the panel, a caregiver from the plan and messages. */
const NAV: Record<'patient' | 'caregiver' | 'clinician', readonly NavItem[]> = {
  // Own practices are reached from Today's practice card and from the plan.
  patient: [
    { href: '/', key: 'nav.today', icon: '◉' },
    { href: '/plan', key: 'nav.plan', icon: '✓' },
    { href: '/checkins', key: 'nav.checkins', icon: '☰' },
    { href: '/history', key: 'nav.history', icon: '↗' },
    { href: '/messages', key: 'nav.messages', icon: '✉' },
    { href: '/settings', key: 'nav.settings', icon: '⚙' },
  ],
  caregiver: [
    { href: '/', key: 'nav.today', icon: '◉' },
    { href: '/plan', key: 'nav.plan', icon: '✓' },
    { href: '/messages', key: 'nav.messages', icon: '✉' },
    { href: '/settings', key: 'nav.settings', icon: '⚙' },
  ],
  clinician: [
    { href: '/', key: 'nav.patients', icon: '☰' },
    { href: '/circles/new', key: 'nav.newPatient', icon: '+' },
    { href: '/settings', key: 'nav.settings', icon: '⚙' },
  ],
};

/** App frame: header with the always-present crisis button, main content, bottom navigation. */
export function Layout(props: { children?: JSX.Element }) {
  const i18n = useI18n();
  const { t } = i18n;
  const location = useLocation();
  const preloadHistoryScreen = () => preloadHistory(i18n);
  const app = useAppData();
  const { journal } = app;
  // The Messages tab's unread count (see features/messages/unread-watch.ts).
  const [unread, setUnread] = createSignal(0);
  let stopUnread: (() => void) | undefined;
  let unmounted = false;
  onCleanup(() => {
    unmounted = true;
    stopUnread?.();
  });
  // Open the journal document as soon as the person starts on a form (a tap on the pain scale),
  // so it is ready by the time they press Save.
  const warmJournal = (e: Event) => {
    if (e.target instanceof Element && e.target.closest('form')) void journal().catch((err: unknown) => console.error('journal failed to open', err));
  };
  const [online, setOnline] = createSignal(navigator.onLine);
  const update = () => setOnline(navigator.onLine);
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  onCleanup(() => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  });
  // With large text the tabs wrap onto several rows; a sticky bar that tall would hide the
  // page, so it then scrolls with the content instead.
  const [navWrapped, setNavWrapped] = createSignal(false);
  let navList!: HTMLUListElement;
  onMount(() => {
    const measure = () => {
      const first = navList.firstElementChild as HTMLElement | null;
      setNavWrapped(!!first && navList.offsetHeight > first.offsetHeight * 1.5);
    };
    const ro = new ResizeObserver(measure);
    ro.observe(navList);
    onCleanup(() => ro.disconnect());
    // History needs chart.js (the largest chunk): fetch and parse it while the person is on
    // another screen, so the tap on History only reads data and draws.
    if ('requestIdleCallback' in window) requestIdleCallback(preloadHistoryScreen, { timeout: 5000 });
    else setTimeout(preloadHistoryScreen, 2000);
    // The unread count's code (and Yjs, if this device has messages) stays off the landing
    // screen: it loads at the first idle moment.
    const watchMessages = () => void import('../features/messages/unread-watch').then(
      (m) => { if (!unmounted) stopUnread = m.watchUnread(app, setUnread); },
      (e: unknown) => console.error('unread count failed to load', e),
    );
    if ('requestIdleCallback' in window) requestIdleCallback(watchMessages, { timeout: 5000 });
    else setTimeout(watchMessages, 2000);
  });
  // After the first route change, pages move focus to their heading (see PageTitle).
  createEffect(on(() => location.pathname, () => { document.body.dataset.navigated = 'yes'; }, { defer: true }));

  return (
    <div class="app">
      <a class="skip-link" href="#main">{t('app.skipToContent')}</a>
      <header class="app-header">
        <A href="/" class="brand" end>{t('app.name')}</A>
        <Show when={app.kiosk}>
          {(k) => <button type="button" class="button" aria-label={t('app.lockLabel')} onClick={() => k().lock()}>{t('app.lock')}</button>}
        </Show>
        <A href="/crisis" class="button crisis" aria-label={t('app.crisisButtonLabel')}>{t('app.crisisButton')}</A>
      </header>
      <UpdateBanner />
      <Show when={!online()}>
        <p class="offline-note" role="status">{t('app.offline')}</p>
      </Show>
      <main id="main" tabindex="-1" onPointerDown={warmJournal} onFocusIn={warmJournal}>
        <ErrorBoundary fallback={(error, reset) => <ScreenFailed error={error} reset={reset} />}>{props.children}</ErrorBoundary>
      </main>
      <SyncLine />
      <ToastHost />
      {/* Staff who opened a loaned tablet for its return see only the return screen. */}
      <nav class="app-nav" classList={{ wrapped: navWrapped() }} aria-label={t('app.mainNav')} hidden={app.kiosk?.staff}>
        <ul ref={navList}>
          {NAV[app.role].map((item) => (
            <li>
              <A
                href={item.href}
                end={item.href === '/'}
                activeClass="active"
                onPointerEnter={item.href === '/history' ? preloadHistoryScreen : undefined}
                onFocus={item.href === '/history' ? preloadHistoryScreen : undefined}
                aria-label={item.href === '/messages' && unread() > 0 ? t('nav.messagesUnread', { n: unread() }) : undefined}
              >
                <span class="nav-icon" aria-hidden="true">{item.icon}</span>
                <span>
                  {t(item.key)}
                  <Show when={item.href === '/messages' && unread() > 0}>{' '}<span class="nav-badge">{unread()}</span></Show>
                </span>
              </A>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}
