import { useI18n, type MessageKey } from '../../i18n/i18n';
import { copyWithToast } from '../../primitives/toast';
import { QrCode } from './QrCode';

/** A made invitation: when it expires, who may use it, its QR code, and the link to copy. */
export function InvitationLink(props: { url: string; name: string; role: string; expiresAt: string; inputId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const copy = () => copyWithToast(props.url, { copied: t('circle.invite.copied'), failed: t('circle.invite.copyFailed') });
  return (
    <>
      <p>{t('circle.invite.expires', { when: i18n.formatDate(new Date(props.expiresAt), { dateStyle: 'medium', timeStyle: 'short' }) })}</p>
      <p class="settings-warning"><span aria-hidden="true">⚠ </span>{t('circle.invite.warning', { role: t(`circle.team.roles.${props.role}` as MessageKey).toLowerCase(), name: props.name })}</p>
      <QrCode text={props.url} label={t('circle.invite.qrLabel', { name: props.name })} />
      <label for={props.inputId}>{t('circle.invite.linkLabel', { name: props.name })}</label>
      <textarea id={props.inputId} readonly rows="4" value={props.url} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" class="button" onClick={() => void copy()}>{t('circle.invite.copy')}</button>
    </>
  );
}
