import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { useAppData } from '../../app-data';

/**
 * In Settings: on an ordinary device, the way for clinic staff to make it a clinic tablet;
 * on a loaned one, the way to the hand-back (the page reloads into the staff passphrase).
 */
export function KioskSettingsLink() {
  const { t } = useI18n();
  const app = useAppData();
  return (
    <section class="card" aria-labelledby="settings-kiosk-h">
      <h2 id="settings-kiosk-h">{t('kiosk.name')}</h2>
      <Show
        when={app.kiosk}
        fallback={
          <Show when={app.role === 'patient'}>
            <p>{t('kiosk.setup.linkHint')}</p>
            <A class="button" href="/kiosk/setup">{t('kiosk.setup.link')}</A>
          </Show>
        }
      >
        <button type="button" class="button" onClick={() => window.location.replace('/?staff')}>{t('kiosk.app.staffLink')}</button>
      </Show>
    </section>
  );
}
