import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { useSearchParams } from '@solidjs/router';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { PageTitle } from '../../primitives/PageTitle';
import { ConfirmDialog } from '../../primitives/ConfirmDialog';
import { showToast } from '../../primitives/toast';
import { useSharing } from '../sharing/sharing-context';
import { InviteForm } from './InviteForm';
import { ConsentSection } from './ConsentSection';
import { loadTeam, type TeamMember } from './team';
import './circle.css';

/**
 * /care-team (?circle= for a clinician): who is in the circle, open invitations, inviting
 * someone, removing a member, and consent. Changes to who is in the circle are signed by the
 * device holding the owner key (the patient's, or the clinician's until the patient joins).
 */
export default function CareTeamPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const data = useAppData();
  const sharing = useSharing();
  const [params] = useSearchParams<{ circle?: string }>();
  const circleId = () => params.circle ?? data.circleId;
  const [version, setVersion] = createSignal(0);
  const [team] = createResource(() => [circleId(), version()] as const, async ([id]) => loadTeam(data, id));
  const bump = () => setVersion((v) => v + 1);
  // Names and invitations live in the circle document; who is in the circle in the membership: follow both.
  let unsubscribeDoc: (() => void) | undefined;
  void data.circleDocs(circleId()).then((docs) => { unsubscribeDoc = docs.circle.onChange(bump); });
  createEffect(on(() => sharing.status()?.circles[circleId()]?.membershipVersion, bump, { defer: true }));
  onCleanup(() => unsubscribeDoc?.());

  const [removing, setRemoving] = createSignal<TeamMember>();
  const publish = (id: string) => sharing.runtime()?.publish(id);

  async function remove(member: TeamMember) {
    setRemoving(undefined);
    const [m, docs] = await Promise.all([import('./circle-actions'), data.circleDocs(circleId())]);
    const done = await m.removeCircleMember(data.db, docs, circleId(), member.id, publish);
    if (done.ok) showToast({ message: t('circle.team.removed', { name: member.name ?? t('circle.team.unnamed') }) });
    else showToast({ message: t(done.error === 'not-owner' ? 'circle.team.notOwner' : 'circle.team.failed'), tone: 'error' });
    bump();
  }

  const roleWord = (role: string) => t(`circle.team.roles.${role}` as MessageKey);

  return (
    <>
      <PageTitle>{t('circle.team.title')}</PageTitle>
      <Show when={team()} fallback={<p class="muted">{t('app.loading')}</p>}>
        {(tm) => (
          <>
            <p>{data.role === 'clinician' ? t('circle.team.introClinician', { name: tm().patientName ?? '' }) : t('circle.team.intro')}</p>
            <Show when={tm().claim}>{(c) => <p class="card soft" role="status">{t(c())}</p>}</Show>
            <section class="card" aria-labelledby="team-members-h">
              <h2 id="team-members-h">{t('circle.team.membersHeading')}</h2>
              <ul class="member-list">
                <For each={tm().members}>
                  {(m) => (
                    <li>
                      <span class="member-info">
                        <strong>{m.isMe ? t('circle.team.you') : m.name ?? t('circle.team.unnamed')}</strong>
                        <span class="muted">
                          {roleWord(m.role)}
                          <Show when={m.role === 'caregiver'}>{' · '}{m.journal ? t('circle.team.seesDiary') : t('circle.team.noDiary')}</Show>
                        </span>
                      </span>
                      <Show when={tm().owner && !m.isMe}>
                        <button type="button" class="button" onClick={() => setRemoving(m)}
                          aria-label={`${t('circle.team.remove')}: ${m.name ?? t('circle.team.unnamed')}`}>{t('circle.team.remove')}</button>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </section>
            <Show when={tm().owner || tm().delegate}>
              <InviteForm circleId={circleId()} journalShared={tm().journalShared} openInvitations={tm().openInvitations} owner={tm().owner} onChange={bump} />
            </Show>
            <Show when={!tm().owner && data.role !== 'clinician'}><p class="muted">{t('circle.team.notOwner')}</p></Show>
            <ConsentSection circleId={circleId()} team={tm()} onChange={bump} />
          </>
        )}
      </Show>
      <ConfirmDialog
        open={removing() !== undefined}
        title={t('circle.team.removeTitle', { name: removing()?.name ?? t('circle.team.unnamed') })}
        confirmLabel={t('circle.team.removeConfirm')}
        cancelLabel={t('circle.team.cancel')}
        danger
        onConfirm={() => { const m = removing(); if (m) void remove(m); }}
        onCancel={() => setRemoving(undefined)}
      >
        <p>{t('circle.team.removeBody')}</p>
      </ConfirmDialog>
    </>
  );
}
