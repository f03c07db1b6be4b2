import { A } from '@solidjs/router';
import { useI18n } from '../i18n/i18n';
import { PageTitle } from '../primitives/PageTitle';

export default function NotFoundPage() {
  const { t } = useI18n();
  return (
    <section>
      <PageTitle>{t('app.notFound')}</PageTitle>
      <p><A class="button" href="/">{t('app.backToToday')}</A></p>
    </section>
  );
}
