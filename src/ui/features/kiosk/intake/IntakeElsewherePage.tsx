import { onMount } from 'solid-js';
import { useI18n } from '../../../i18n/i18n';
import { PageTitle } from '../../../primitives/PageTitle';

/**
 * /intake on a device that is not a clinic tablet: a waiting-room questionnaire link is for
 * the clinic's tablet. The keys in the fragment are taken out of the address bar at once.
 */
export default function IntakeElsewherePage() {
  const { t } = useI18n();
  onMount(() => {
    if (location.hash) history.replaceState(history.state, '', location.pathname);
  });
  return (
    <>
      <PageTitle>{t('kiosk.intake.elsewhereTitle')}</PageTitle>
      <p>{t('kiosk.intake.elsewhere')}</p>
    </>
  );
}
