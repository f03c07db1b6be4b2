import { createSignal, Show } from 'solid-js';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { useSharing } from '../sharing/sharing-context';
import { LinkWithQr } from '../../primitives/LinkWithQr';

/** On a patient's page: a one-time link (and QR code) for the clinic's waiting-room tablet. */
export function IntakeLinkSection(props: { circleId: string; name: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const data = useAppData();
  const sharing = useSharing();
  const [busy, setBusy] = createSignal(false);
  const [made, setMade] = createSignal<{ url: string; expiresAt: string }>();
  const [error, setError] = createSignal<MessageKey | null>(null);

  async function make(): Promise<void> {
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      const { makeIntakeLink } = await import('./intake-link');
      const out = await makeIntakeLink(data.db, props.circleId, (id) => sharing.runtime()?.publish(id));
      if (out.ok) setMade({ url: out.url, expiresAt: out.expiresAt });
      else setError(out.error === 'not-allowed' ? 'clinician.patient.intake.notAllowed' : 'clinician.patient.intake.failed');
    } catch (e) {
      console.error('questionnaire link failed', e);
      setError('clinician.patient.intake.failed');
    } finally {
      setBusy(false);
    }
  }


  return (
    <section class="patient-intake" aria-labelledby="patient-intake-h">
      <h2 id="patient-intake-h">{t('clinician.patient.intake.heading')}</h2>
      <p>{t('clinician.patient.intake.intro', { name: props.name })}</p>
      <div class="actions">
        <button type="button" class="button" aria-disabled={busy()} onClick={() => void make()}>
          {busy() ? t('clinician.patient.intake.making') : t('clinician.patient.intake.make')}
        </button>
      </div>
      <Show when={error()}>{(key) => <p class="error" role="alert">{t(key())}</p>}</Show>
      <Show when={made()} keyed>
        {(link) => (
          <div class="invite-result" role="region" aria-label={t('clinician.patient.intake.made', { name: props.name })}>
            <h3>{t('clinician.patient.intake.made', { name: props.name })}</h3>
            <p>{t('clinician.patient.intake.once', { when: i18n.formatDate(new Date(link.expiresAt), { dateStyle: 'medium', timeStyle: 'short' }) })}</p>
            <LinkWithQr url={link.url} inputId="intake-url" words={{
              qr: t('clinician.patient.intake.qrLabel', { name: props.name }),
              label: t('clinician.patient.intake.linkLabel', { name: props.name }),
              copy: t('clinician.patient.intake.copy'),
              copied: t('clinician.patient.intake.copied'),
              copyFailed: t('clinician.patient.intake.copyFailed'),
            }} />
          </div>
        )}
      </Show>
    </section>
  );
}
