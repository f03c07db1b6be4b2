import { useI18n } from '../../i18n/i18n';
import { showToast } from '../../primitives/toast';
import type { MessagesData } from './createMessages';
import { authorLabel } from './message-text';

/** Says (politely, for screen readers too) when a message from someone else arrives while the screen is open. */
export function announceArrivals(data: MessagesData, only?: () => string) {
  const { t } = useI18n();
  data.onArrival((m) => {
    if (only && m.threadId !== only()) return;
    showToast({ message: t('messages.arrived', { name: authorLabel(t, m.by, data.me(), data.nameOf(m.by)) }) });
  });
}
