import { createResource, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { PageTitle } from '../../primitives/PageTitle';
import { IDLE_MINUTES_DEFAULT } from '../../../domain/kiosk';
import { provisionKiosk } from '../../../storage/kiosk-vault';
import { KioskSettingsForm } from './KioskSettingsForm';
import { listCircleMembers } from '../../../sync/circle-members';
import { passphraseProblemText } from './kiosk-words';
import { passphraseProblem } from '../../../domain/kiosk';

/**
 * Whether this device holds nobody's data yet (only such a device can become a clinic
 * tablet): no entries, and no care circle with anyone else in it (a device that shares
 * founds an empty circle of its own, which is nothing to lose).
 */
async function holdsNoData(app: ReturnType<typeof useAppData>): Promise<boolean> {
  if (app.role !== 'patient' || (await app.db.records.count()) > 0) return false;
  for (const m of await app.db.memberships.toArray()) {
    const members = await listCircleMembers(app.db, m.circleId);
    if ((members?.members.length ?? 0) > 1) return false;
  }
  return true;
}

/** /kiosk/setup: clinic staff turn an empty device into a clinic tablet. */
export default function KioskSetupPage() {
  const { t, locale } = useI18n();
  const app = useAppData();
  const [empty] = createResource(() => holdsNoData(app));
  return (
    <>
      <PageTitle>{t('kiosk.setup.heading')}</PageTitle>
      <p>{t('kiosk.setup.intro')}</p>
      <Show when={empty() !== undefined}>
        <Show when={empty() && !app.kiosk} fallback={<p class="error" role="alert">{t('kiosk.setup.notEmpty')}</p>}>
          <KioskSettingsForm
            heading={t('kiosk.settings.heading')}
            initial={{ idleMinutes: IDLE_MINUTES_DEFAULT, clinicName: '', region: (new Intl.Locale(navigator.language).region ?? 'US').toUpperCase() }}
            locale={locale()}
            requirePassphrase
            submitLabel={t('kiosk.setup.start')}
            onSubmit={async (input) => {
              const problem = passphraseProblem(input.passphrase ?? '');
              if (problem || !input.passphrase) return passphraseProblemText(t, problem ?? 'too-short');
              const out = await provisionKiosk(input.passphrase, input.settings, input.locale, new Date());
              if (!out.ok) return passphraseProblemText(t, 'too-short');
              // The start-up now shows the kiosk's home; this device's leftover settings go with the first loan.
              window.location.replace('/');
              return null;
            }}
          />
        </Show>
      </Show>
    </>
  );
}
