import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';

/** One line on every message screen: messages are read later, so help now is on the crisis screen. */
export function CrisisNote() {
  const { t } = useI18n();
  return (
    <p class="messages-crisis">
      <span aria-hidden="true">⚠ </span>{t('messages.notUrgent')} <A href="/crisis">{t('messages.crisisLink')}</A>
    </p>
  );
}
