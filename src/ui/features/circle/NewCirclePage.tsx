import { createSignal, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { PageTitle } from '../../primitives/PageTitle';
import { useSharing } from '../sharing/sharing-context';
import { InvitationLink } from './InvitationLink';
import type { MadeInvitation } from './circle-actions';
import './circle.css';

/** /circles/new: a clinician sets up a care circle for a patient and gets the patient's invitation. */
export default function NewCirclePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const data = useAppData();
  const sharing = useSharing();
  const [patientName, setPatientName] = createSignal('');
  const [myName, setMyName] = createSignal('');
  const [errors, setErrors] = createSignal<{ patient?: boolean; me?: boolean }>({});
  const [busy, setBusy] = createSignal(false);
  const [failed, setFailed] = createSignal(false);
  const [made, setMade] = createSignal<{ circleId: string; name: string; invitation: MadeInvitation }>();

  async function submit(e: Event) {
    e.preventDefault();
    if (busy()) return;
    const problems = { patient: !patientName().trim(), me: !myName().trim() };
    setErrors(problems);
    if (problems.patient || problems.me) {
      document.getElementById(problems.patient ? 'new-patient' : 'new-me')?.focus();
      return;
    }
    setBusy(true);
    setFailed(false);
    try {
      const m = await import('./circle-actions');
      const out = await m.createPatientCircle(data.db, (id) => data.circleDocs(id), { patientName: patientName(), myName: myName() }, (id) => sharing.runtime()?.publish(id));
      if (!out.ok) throw new Error(out.error);
      setMade({ circleId: out.value.circleId, name: patientName().trim(), invitation: out.value.invitation });
    } catch (err) {
      console.error('circle creation failed', err);
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }


  return (
    <>
      <PageTitle>{t('circle.clinician.newTitle')}</PageTitle>
      <Show when={made()} fallback={
        <form onSubmit={(e) => void submit(e)} novalidate>
          <p>{t('circle.clinician.newIntro')}</p>
          <div class="field" classList={{ invalid: !!errors().patient }}>
            <label for="new-patient">{t('circle.clinician.patientName')}</label>
            <input id="new-patient" type="text" maxLength={80} value={patientName()} aria-invalid={!!errors().patient} aria-describedby={errors().patient ? 'new-patient-error' : undefined}
              onInput={(e) => { setPatientName(e.currentTarget.value); setErrors({ ...errors(), patient: false }); }} />
            <Show when={errors().patient}><p id="new-patient-error" class="error">{t('circle.invite.nameRequired')}</p></Show>
          </div>
          <div class="field" classList={{ invalid: !!errors().me }}>
            <label for="new-me">{t('circle.clinician.myName')}</label>
            <input id="new-me" type="text" autocomplete="name" maxLength={80} value={myName()} aria-invalid={!!errors().me} aria-describedby={errors().me ? 'new-me-error' : undefined}
              onInput={(e) => { setMyName(e.currentTarget.value); setErrors({ ...errors(), me: false }); }} />
            <Show when={errors().me}><p id="new-me-error" class="error">{t('circle.join.nameRequired')}</p></Show>
          </div>
          <button type="submit" class="button primary" aria-disabled={busy()}>{busy() ? t('circle.clinician.creating') : t('circle.clinician.create')}</button>
          <Show when={failed()}><p class="error" role="alert">{t('circle.team.failed')}</p></Show>
        </form>
      }>
        {(m) => (
          <div class="invite-result">
            <p role="status">{t('circle.clinician.created', { name: m().name })}</p>
            <InvitationLink url={m().invitation.url} name={m().name} role="patient" expiresAt={m().invitation.expiresAt} inputId="new-invite-url" />
            <div class="actions">
              <A class="button" href={`/care-team?circle=${m().circleId}`}>{t('circle.team.title')}</A>
              <A class="button" href={`/plan?circle=${m().circleId}`}>{t('circle.clinician.toPlan')}</A>
              <a class="button" href="/panel">{t('circle.clinician.toPanel')}</a>
            </div>
          </div>
        )}
      </Show>
    </>
  );
}
