import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { PageTitle } from '../../primitives/PageTitle';
import './circle.css';

type Phase = 'ask' | 'joining' | 'done' | 'expired' | 'other-owner' | 'already-member' | 'failed';

/**
 * /join#… (and /link#… for older links): joins this device to the care circle of an
 * invitation. The fragment is read once and removed from the address bar and history, so
 * the keys do not linger there. Another device of the patient's links the same way.
 */
export default function JoinPage() {
  const { t, tn } = useI18n();
  const { db, circleId } = useAppData();
  const fragment = location.hash;
  history.replaceState(history.state, '', location.pathname);
  const [info] = createResource(async () => {
    const m = await import('./circle-actions');
    return { m, preview: await m.previewJoin(db, circleId, fragment) };
  });
  const [phase, setPhase] = createSignal<Phase>('ask');
  const [name, setName] = createSignal('');
  const [nameError, setNameError] = createSignal(false);

  /** A patient's own other device (no owner key handed over) links like the device link did. */
  const ownDevice = () => {
    const inv = info()?.preview?.invitation;
    return inv?.role === 'patient' && !inv.ownerSk;
  };
  const needsName = () => {
    const inv = info()?.preview?.invitation;
    return !!inv && inv.role !== 'caregiver' && !ownDevice();
  };

  async function join(e: Event) {
    e.preventDefault();
    const i = info();
    if (!i?.preview || phase() !== 'ask') return;
    if (needsName() && !name().trim()) {
      setNameError(true);
      document.getElementById('join-name')?.focus();
      return;
    }
    setPhase('joining');
    const outcome = await i.m.joinCircle(db, circleId, i.preview.invitation, name()).catch((err: unknown) => {
      console.error('joining failed', err);
      return { ok: false as const, error: 'failed' as const };
    });
    if (outcome.ok) {
      setPhase('done');
      // The app reads its circle and role at start: open it again in the joined circle.
      const to = i.preview.invitation.role === 'clinician' ? '/panel' : '/';
      setTimeout(() => location.assign(to), 1500);
    } else setPhase(outcome.error === 'bad-invitation' ? 'failed' : outcome.error);
  }

  const roleWord = (role: string) => t(`circle.team.roles.${role}` as MessageKey).toLowerCase();

  return (
    <>
      <Show when={info()} fallback={<><PageTitle>{t('circle.join.title')}</PageTitle><p class="muted">{t('app.loading')}</p></>}>
        {(i) => (
          <Show when={i().preview} fallback={<><PageTitle>{t('circle.join.title')}</PageTitle><p class="card alert" role="alert">{t('circle.join.bad')}</p></>}>
            {(p) => (
              <>
                <PageTitle>{ownDevice() ? t('sharing.join.title') : p().invitation.role === 'patient' ? t('circle.join.titlePatient') : t('circle.join.title')}</PageTitle>
                <Switch>
                  <Match when={phase() === 'ask' || phase() === 'joining'}>
                    <form onSubmit={(e) => void join(e)} novalidate>
                      <Switch>
                        <Match when={ownDevice()}><p>{t('sharing.join.intro')}</p></Match>
                        <Match when={p().invitation.role === 'patient'}><p>{t('circle.join.patientIntro')}</p></Match>
                        <Match when={true}>
                          <p>{t('circle.join.invitedAs', { role: roleWord(p().invitation.role) })}</p>
                          <p>{p().invitation.role === 'caregiver' ? t('circle.join.caregiverIntro') : t('circle.join.clinicianIntro')}</p>
                        </Match>
                      </Switch>
                      <Show when={p().ownEntries > 0}><p>{tn('sharing.join.ownEntries', p().ownEntries)}</p></Show>
                      <Show when={needsName()}>
                        <div class="field" classList={{ invalid: nameError() }}>
                          <label for="join-name">{t('circle.join.name')}</label>
                          <input id="join-name" type="text" autocomplete="name" maxLength={80} value={name()} aria-invalid={nameError()} aria-describedby={nameError() ? 'join-name-error' : undefined}
                            onInput={(e) => { setName(e.currentTarget.value); setNameError(false); }} />
                          <Show when={nameError()}><p id="join-name-error" class="error">{t('circle.join.nameRequired')}</p></Show>
                        </div>
                      </Show>
                      <div class="actions">
                        <A class="button" href="/">{t('circle.join.cancel')}</A>
                        <button type="submit" class="button primary" aria-disabled={phase() === 'joining'}>
                          {phase() === 'joining' ? t('circle.join.joining') : ownDevice() ? t('sharing.join.confirm') : t('circle.join.confirm')}
                        </button>
                      </div>
                    </form>
                  </Match>
                  <Match when={phase() === 'done'}><p class="card" role="status">{ownDevice() ? t('sharing.join.done') : t('circle.join.done')}</p></Match>
                  <Match when={phase() === 'expired'}><p class="card alert" role="alert">{t('circle.join.expired')}</p></Match>
                  <Match when={phase() === 'other-owner'}><p class="card alert" role="alert">{t('circle.join.otherOwner')}</p></Match>
                  <Match when={phase() === 'already-member'}><p class="card" role="status">{ownDevice() ? t('sharing.join.same') : t('circle.join.already')}</p></Match>
                  <Match when={phase() === 'failed'}><p class="card alert" role="alert">{t('circle.join.failed')}</p></Match>
                </Switch>
                <Show when={phase() !== 'ask' && phase() !== 'joining'}>
                  <div class="actions"><A class="button" href="/">{t('circle.join.toStart')}</A></div>
                </Show>
              </>
            )}
          </Show>
        )}
      </Show>
    </>
  );
}
