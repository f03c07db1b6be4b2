import { useI18n, type MessageKey } from '../../i18n/i18n';
import { LinkWithQr } from '../../primitives/LinkWithQr';

/** A made invitation: when it expires, who may use it, its QR code, and the link to copy. */
export function InvitationLink(props: { url: string; name: string; role: string; expiresAt: string; inputId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <>
      <p>{t('circle.invite.expires', { when: i18n.formatDate(new Date(props.expiresAt), { dateStyle: 'medium', timeStyle: 'short' }) })}</p>
      <p class="settings-warning"><span aria-hidden="true">⚠ </span>{t('circle.invite.warning', { role: t(`circle.team.roles.${props.role}` as MessageKey).toLowerCase(), name: props.name })}</p>
      <LinkWithQr url={props.url} inputId={props.inputId} words={{
        qr: t('circle.invite.qrLabel', { name: props.name }),
        label: t('circle.invite.linkLabel', { name: props.name }),
        copy: t('circle.invite.copy'),
        copied: t('circle.invite.copied'),
        copyFailed: t('circle.invite.copyFailed'),
      }} />
    </>
  );
}
