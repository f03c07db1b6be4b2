import { createEffect, on, onMount } from 'solid-js';
import { useLocation } from '@solidjs/router';
import { useI18n } from '../i18n/i18n';
import { PageTitle } from '../primitives/PageTitle';

/**
 * What a screen shows when it could not be drawn: most often its code did not arrive (the
 * connection dropped while the screen's file was loading, or a new version replaced the
 * files the open app still asks for). The browser keeps a failed module load for the life
 * of the page, so "Try again" reloads the app. Saved entries are in IndexedDB and are not
 * touched. The error goes to this device's console only. Going to another screen clears it
 * (`reset`, from the ErrorBoundary around the routed content).
 */
export function ScreenFailed(props: { error: unknown; reset: () => void }) {
  const { t } = useI18n();
  const route = useLocation();
  onMount(() => console.error('screen failed to open', props.error));
  createEffect(on(() => route.pathname, () => props.reset(), { defer: true }));
  return (
    <section class="screen-failed" role="alert">
      <PageTitle>{t('app.screenFailed.title')}</PageTitle>
      <p>{t('app.screenFailed.body')}</p>
      <p>
        <button type="button" class="button primary" onClick={() => location.reload()}>{t('app.screenFailed.retry')}</button>
      </p>
    </section>
  );
}
