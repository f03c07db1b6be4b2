import { createSignal, For, Show } from 'solid-js';
import type { Invitation } from '../../../domain/circle';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { showToast } from '../../primitives/toast';
import { useSharing } from '../sharing/sharing-context';
import { InvitationLink } from './InvitationLink';
import type { MadeInvitation } from './circle-actions';

type InviteRole = 'caregiver' | 'clinician' | 'patient';

/** Invite a caregiver, a clinician or another of the patient's devices; the link and its QR code; open invitations. */
/**
 * `owner`: this device holds the owner key (it invites anyone, and cancels invitations);
 * otherwise it is a delegate clinician, who may invite clinicians only.
 */
export function InviteForm(props: { circleId: string; journalShared: boolean; openInvitations: Invitation[]; owner: boolean; onChange: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const data = useAppData();
  const sharing = useSharing();
  const roles: InviteRole[] = !props.owner ? ['clinician'] : data.role === 'clinician' ? ['caregiver', 'clinician'] : ['caregiver', 'clinician', 'patient'];
  const [role, setRole] = createSignal<InviteRole>(roles[0] as InviteRole);
  const [name, setName] = createSignal('');
  const [nameError, setNameError] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [made, setMade] = createSignal<MadeInvitation>();
  const [failed, setFailed] = createSignal(false);
  const publish = (id: string) => sharing.runtime()?.publish(id);
  const when = (iso: string) => i18n.formatDate(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' });
  const roleWord = (r: string) => t(`circle.team.roles.${r}` as MessageKey).toLowerCase();

  async function submit(e: Event) {
    e.preventDefault();
    if (busy()) return;
    if (!name().trim()) {
      setNameError(true);
      document.getElementById('invite-name')?.focus();
      return;
    }
    setBusy(true);
    setFailed(false);
    try {
      const [m, docs] = await Promise.all([import('./circle-actions'), data.circleDocs(props.circleId)]);
      const out = await m.inviteMember(data.db, docs, props.circleId, { role: role(), name: name(), journal: role() === 'caregiver' && props.journalShared }, publish);
      if (!out.ok) throw new Error(out.error);
      setMade(out.value);
      setName('');
      props.onChange();
    } catch (err) {
      console.error('invitation failed', err);
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(inv: Invitation) {
    const [m, docs] = await Promise.all([import('./circle-actions'), data.circleDocs(props.circleId)]);
    const out = await m.revokeInvite(data.db, docs, props.circleId, inv, publish);
    showToast(out.ok ? { message: t('circle.invite.revoked', { name: inv.name }) } : { message: t('circle.team.failed'), tone: 'error' });
    if (made()?.record.id === inv.id) setMade(undefined);
    props.onChange();
  }


  return (
    <section class="card" aria-labelledby="invite-h">
      <h2 id="invite-h">{t('circle.invite.heading')}</h2>
      <p>{t('circle.invite.intro')}</p>
      <form onSubmit={(e) => void submit(e)} novalidate>
        <fieldset class="choices">
          <legend>{t('circle.invite.role')}</legend>
          <div class="choice-list">
            <For each={roles}>
              {(r) => (
                <label class="choice" classList={{ selected: role() === r }}>
                  <input type="radio" name="invite-role" value={r} checked={role() === r} onChange={() => setRole(r)} />
                  <span>{t(`circle.invite.roles.${r}` as MessageKey)}</span>
                </label>
              )}
            </For>
          </div>
        </fieldset>
        <div class="field" classList={{ invalid: nameError() }}>
          <label for="invite-name">{t('circle.invite.name')}</label>
          <p class="hint" id="invite-name-hint">{t('circle.invite.nameHint')}</p>
          <input id="invite-name" type="text" maxLength={80} value={name()} aria-invalid={nameError()}
            aria-describedby={nameError() ? 'invite-name-hint invite-name-error' : 'invite-name-hint'}
            onInput={(e) => { setName(e.currentTarget.value); setNameError(false); }} />
          <Show when={nameError()}><p id="invite-name-error" class="error">{t('circle.invite.nameRequired')}</p></Show>
        </div>
        <button type="submit" class="button primary" aria-disabled={busy()}>{busy() ? t('circle.invite.making') : t('circle.invite.make')}</button>
        <p class="hint">{t('circle.invite.offlineOk')}</p>
      </form>
      <Show when={failed()}><p class="error" role="alert">{t('circle.team.failed')}</p></Show>
      <Show when={made()}>
        {(inv) => (
          <div class="invite-result" role="region" aria-label={t('circle.invite.made', { name: inv().record.name })}>
            <h3>{t('circle.invite.made', { name: inv().record.name })}</h3>
            <InvitationLink url={inv().url} name={inv().record.name} role={inv().record.role} expiresAt={inv().expiresAt} inputId="invite-url" />
          </div>
        )}
      </Show>
      <h3>{t('circle.invite.openHeading')}</h3>
      <Show when={props.openInvitations.length > 0} fallback={<p class="muted">{t('circle.invite.none')}</p>}>
        <ul class="member-list">
          <For each={props.openInvitations}>
            {(inv) => (
              <li>
                <span>{t('circle.invite.openItem', { name: inv.name, role: roleWord(inv.role), when: when(inv.expiresAt) })}</span>
                <Show when={props.owner}>
                  <button type="button" class="button" aria-label={`${t('circle.invite.revoke')}: ${inv.name}`} onClick={() => void revoke(inv)}>{t('circle.invite.revoke')}</button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
