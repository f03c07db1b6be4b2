import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { Navigate } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { PageTitle } from '../../primitives/PageTitle';
import { ConfirmDialog } from '../../primitives/ConfirmDialog';
import { useSharing } from '../sharing/sharing-context';
import { listUnacknowledged, type Unacknowledged } from '../../../storage/hand-back';
import { keptFormDrafts } from '../../../storage/form-drafts';
import { exportSealedBackupText } from '../../../storage/backup-sealed';
import { loadKiosk } from '../../../storage/kiosk-store';
import { markReturning } from '../../../storage/kiosk-vault';
import { ProtectedBackupForm } from '../settings/BackupSection';
import { lockNow } from './auto-lock';
import { TakeOverLink } from './TakeOverLink';
import { listCircleMembers, toMemberRef } from '../../../sync/circle-members';
import { loadOrCreateDeviceKeys } from '../../../sync/identity';

/**
 * Whether someone other than this tablet can read the patient's diary (another of their
 * devices, a clinician, a caregiver it is shared with): without one, what the relay holds
 * could not be opened by anyone once the tablet is wiped.
 */
async function anotherReader(app: ReturnType<typeof useAppData>): Promise<boolean> {
  const [members, me] = await Promise.all([listCircleMembers(app.db, app.circleId), loadOrCreateDeviceKeys(app.db)]);
  const self = toMemberRef(me.publicKey);
  return (members?.members ?? []).some((m) => m.id !== self && !m.pending && (m.role !== 'caregiver' || m.journal));
}

const DOC_WORDS = ['journal', 'plan', 'circle', 'messages', 'alerts'] as const;

/**
 * Staff return a loaned tablet: what the relay has not acknowledged yet (checked again
 * every few seconds while sharing runs), a protected backup as the alternative, and the wipe,
 * refused while anything would be lost.
 */
export default function ReturnDevicePage() {
  const app = useAppData();
  // Only staff who opened a loaned tablet for its return get here; anyone else goes home.
  return <Show when={app.kiosk?.staff} fallback={<Navigate href="/" />}><ReturnDevice /></Show>;
}

function ReturnDevice() {
  const { t, tn } = useI18n();
  const app = useAppData();
  const sharing = useSharing();
  const [backedUp, setBackedUp] = createSignal<string>();
  const [list, { refetch }] = createResource(
    () => sharing.status()?.waiting ?? sharing.waitingHere() ?? 0,
    () => listUnacknowledged(app.db),
  );
  const [reader, { refetch: refetchReader }] = createResource(() => anotherReader(app));
  // Never saved, so never shared: the wipe deletes it, and staff can say so before it does.
  // Read once: nobody can type on Today while this page is open.
  const [drafts] = createResource(() => keptFormDrafts(app.db).catch(() => []));
  const poll = setInterval(() => { void refetch(); void refetchReader(); }, 3000);
  onCleanup(() => clearInterval(poll));
  const local = () => (list() ?? []).filter((d) => d.state === 'local');
  const waiting = () => (list() ?? []).reduce((n, d) => n + d.waiting, 0);
  const safe = () => list() !== undefined && reader() !== undefined && ((list()!.length === 0 && reader() === true) || backedUp() !== undefined);
  const docWord = (d: Unacknowledged) => ((DOC_WORDS as readonly string[]).includes(d.docName) ? t(`kiosk.return.docs.${d.docName as (typeof DOC_WORDS)[number]}`) : t('kiosk.return.docs.other'));

  const [confirming, setConfirming] = createSignal(false);
  async function wipe() {
    setConfirming(false);
    const loaded = await loadKiosk();
    if (loaded.kind !== 'kiosk') return;
    await markReturning(loaded.state);
    lockNow();
  }

  return (
    <div class="page kiosk-return">
      <PageTitle>{t('kiosk.return.heading')}</PageTitle>
      <p>{t('kiosk.return.intro')}</p>
      <section class="card">
        <div role="status">
          <Show when={list()} fallback={<p>{t('kiosk.return.checking')}</p>}>
            {(l) => (
              <Show when={l().length > 0} fallback={<p class="ok">{t('kiosk.return.allShared')}</p>}>
                <Show when={local().length > 0}><p>{tn('kiosk.return.notShared', local().length)}</p></Show>
                <Show when={waiting() > 0}><p>{tn('kiosk.return.waiting', waiting())}</p></Show>
                <ul>
                  <For each={l()}>{(d) => <li>{d.state === 'local' ? t('kiosk.return.docLocal', { doc: docWord(d) }) : t('kiosk.return.docWaiting', { doc: docWord(d), n: d.waiting })}</li>}</For>
                </ul>
                <Show when={waiting() > 0}><p class="hint">{t('kiosk.return.connect')}</p></Show>
              </Show>
            )}
          </Show>
          <Show when={(drafts()?.length ?? 0) > 0}><p>{t('kiosk.return.unsavedDraft')}</p></Show>
        </div>
      </section>
      <Show when={reader() === false}>
        <p class="error">{t('kiosk.return.noReader')}</p>
      </Show>
      <TakeOverLink />
      <Show when={list() && (list()!.length > 0 || reader() === false)}>
        <section class="card" aria-labelledby="return-backup-h">
          <h2 id="return-backup-h">{t('kiosk.return.backupHeading')}</h2>
          <p>{t('kiosk.return.backupIntro')}</p>
          <ProtectedBackupForm file={(password) => exportSealedBackupText(app.db, app.circleId, password)} onSaved={setBackedUp} />
        </section>
      </Show>
      <section class="card">
        <Show when={list() && !safe()}><p class="error">{t('kiosk.return.refused')}</p></Show>
        <div class="actions">
          <button type="button" class="button danger big" disabled={!safe()} onClick={() => setConfirming(true)}>{t('kiosk.return.wipe')}</button>
        </div>
      </section>
      <ConfirmDialog open={confirming()} title={t('kiosk.return.wipeConfirm')} confirmLabel={t('kiosk.return.wipeYes')} cancelLabel={t('kiosk.return.wipeNo')} danger onConfirm={() => void wipe()} onCancel={() => setConfirming(false)} />
    </div>
  );
}
