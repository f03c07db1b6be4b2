import { Show } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { useAppData } from '../../app-data';

/** Settings: the way to the care team, and setting a device up for a clinician. */
export function CircleSettings() {
  const { t } = useI18n();
  const data = useAppData();

  async function useAsClinician() {
    const { setDeviceProfile } = await import('../../../storage/profile');
    await setDeviceProfile(data.db, { role: 'clinician' });
    // The app reads the device's role at start.
    location.assign('/panel');
  }

  return (
    <section class="card" aria-labelledby="settings-circle-h">
      <h2 id="settings-circle-h">{t('circle.clinician.careTeam')}</h2>
      <Show when={data.role !== 'clinician'} fallback={<A class="button" href="/circles/new">{t('circle.clinician.newTitle')}</A>}>
        <p>{t('circle.clinician.careTeamIntro')}</p>
        <A class="button" href="/care-team">{t('circle.team.title')}</A>
        {/* A loaned clinic tablet stays the patient's. */}
        <Show when={!data.kiosk}>
          <h3>{t('circle.clinician.setupHeading')}</h3>
          <p>{t('circle.clinician.setupIntro')}</p>
          <button type="button" class="button" onClick={() => void useAsClinician()}>{t('circle.clinician.setupButton')}</button>
        </Show>
      </Show>
    </section>
  );
}
