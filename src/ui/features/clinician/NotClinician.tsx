import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';

/** Shown instead of the clinician screens on a patient's or caregiver's device. */
export function NotClinician() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('clinician.notClinician.heading')}</PageTitle>
      <p>{t('clinician.notClinician.body')}</p>
      <div class="actions"><A class="button" href="/">{t('clinician.notClinician.toToday')}</A></div>
    </>
  );
}
