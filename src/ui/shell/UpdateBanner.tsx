import { createSignal, onMount, Show } from 'solid-js';
import { registerServiceWorker } from '../../pwa/register';
import { useI18n } from '../i18n/i18n';

/** Tells the person when a new version is ready, and lets them choose when to switch. */
export function UpdateBanner() {
  const { t } = useI18n();
  const [apply, setApply] = createSignal<(() => void) | null>(null);
  const [offlineReady, setOfflineReady] = createSignal(false);
  onMount(() =>
    registerServiceWorker({
      onUpdateReady: (fn) => setApply(() => fn),
      onOfflineReady: () => {
        setOfflineReady(true);
        setTimeout(() => setOfflineReady(false), 6000);
      },
    }),
  );
  return (
    <>
      <Show when={apply()}>
        {(fn) => (
          <div class="banner" role="status">
            <span>{t('update.ready')}</span>
            <button type="button" class="button primary" onClick={() => fn()()}>{t('update.reload')}</button>
            <button type="button" class="button" onClick={() => setApply(null)}>{t('update.later')}</button>
          </div>
        )}
      </Show>
      <Show when={offlineReady()}>
        <div class="banner" role="status">{t('update.offlineReady')}</div>
      </Show>
    </>
  );
}
