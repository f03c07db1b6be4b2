import { createResource, createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { LinkWithQr } from '../../primitives/LinkWithQr';
import { useSharing } from '../sharing/sharing-context';
import { holdsOwnerKey } from '../../../sync/circle-members';
import { MAX_INVITE_TTL_MS } from '../../../sync/invitations';

/**
 * On the hand-back page, when the loaned tablet holds the owner key of the patient's care
 * team (a patient with no device of their own): a single-use link that hands that key to
 * the patient's next device, made before the wipe destroys the only copy. The longest an
 * invitation may live (30 days).
 */
export function TakeOverLink() {
  const i18n = useI18n();
  const { t } = i18n;
  const app = useAppData();
  const sharing = useSharing();
  const [owner] = createResource(() => holdsOwnerKey(app.db, app.circleId));
  const [busy, setBusy] = createSignal(false);
  const [failed, setFailed] = createSignal(false);
  const [made, setMade] = createSignal<{ url: string; expiresAt: string }>();

  async function make(): Promise<void> {
    if (busy()) return;
    setBusy(true);
    setFailed(false);
    try {
      const [m, docs] = await Promise.all([import('../circle/circle-actions'), app.circleDocs()]);
      const out = await m.inviteMember(app.db, docs, app.circleId, { role: 'patient', name: t('kiosk.return.ownerName'), handOverOwnerKey: true, ttlMs: MAX_INVITE_TTL_MS }, (id) => sharing.runtime()?.publish(id));
      if (!out.ok) throw new Error(out.error);
      setMade({ url: out.value.url, expiresAt: out.value.expiresAt });
    } catch (e) {
      console.error('take-over link failed', e);
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Show when={owner()}>
      <section class="card" aria-labelledby="return-owner-h">
        <h2 id="return-owner-h">{t('kiosk.return.ownerHeading')}</h2>
        <p>{t('kiosk.return.ownerIntro')}</p>
        <div class="actions">
          <button type="button" class="button" aria-disabled={busy()} onClick={() => void make()}>{busy() ? t('kiosk.return.ownerMaking') : t('kiosk.return.ownerMake')}</button>
        </div>
        <Show when={failed()}><p class="error" role="alert">{t('kiosk.return.ownerFailed')}</p></Show>
        <Show when={made()} keyed>
          {(link) => (
            <div class="invite-result" role="region" aria-label={t('kiosk.return.ownerMade')}>
              <h3>{t('kiosk.return.ownerMade')}</h3>
              <p>{t('kiosk.return.ownerOnce', { when: i18n.formatDate(new Date(link.expiresAt), { dateStyle: 'medium', timeStyle: 'short' }) })}</p>
              <LinkWithQr url={link.url} inputId="take-over-url" words={{ qr: t('kiosk.return.ownerQr'), label: t('kiosk.return.ownerLabel'), copy: t('kiosk.return.ownerCopy'), copied: t('kiosk.return.ownerCopied'), copyFailed: t('kiosk.return.ownerCopyFailed') }} />
            </div>
          )}
        </Show>
      </section>
    </Show>
  );
}
