import { Show } from 'solid-js';
import { useI18n, type I18n } from '../../i18n/i18n';
import type { SyncIssue, SyncStatus } from '../../../sync/sync-status';
import { useSharing, type SharingState } from './sharing-context';
import './sharing.css';

/** The sync state in words, e.g. "3 changes are waiting to be shared" or "… shared at 10:42". */
export function syncWords(i18n: I18n, state: SharingState, status: SyncStatus | undefined, waitingHere = 0, now: Date = new Date()): string {
  const { t, tn } = i18n;
  if (state === 'off') return t('sharing.status.paused');
  const conn = status?.connection;
  if (conn?.state === 'error') return t('sharing.status.stopped', { reason: issueWords(i18n, conn.issue) });
  // Before the sync code runs (offline start), storage still knows what is waiting.
  const waiting = status ? status.waiting : waitingHere;
  if (waiting > 0) {
    const base = tn('sharing.status.waiting', waiting);
    return conn?.state === 'connected' || conn?.state === 'connecting' ? base : `${base} ${tn('sharing.status.whenOnline', waiting)}`;
  }
  if (status && Object.values(status.docs).some((d) => d.catchingUp)) return t('sharing.status.catchingUp');
  const shared = status?.lastSharedAt;
  if (shared) {
    const at = new Date(shared);
    return at.toDateString() === now.toDateString()
      ? t('sharing.status.sharedAt', { time: i18n.formatDate(at, { hour: 'numeric', minute: '2-digit' }) })
      : t('sharing.status.sharedOn', { date: i18n.formatDate(at, { dateStyle: 'medium', timeStyle: 'short' }) });
  }
  return t('sharing.status.savedHere');
}

/** What went wrong, in words that say what to do. */
export function issueWords(i18n: I18n, issue: SyncIssue): string {
  const { t } = i18n;
  switch (issue.code) {
    case 'unauthorized': return t('sharing.issue.unauthorized');
    case 'version-unsupported': return t(issue.side === 'client' ? 'sharing.issue.versionClient' : 'sharing.issue.versionRelay');
    case 'wrong-relay': return t('sharing.issue.wrongRelay');
    case 'storage-failed': return t('sharing.issue.storage');
    case 'change-too-large': return t('sharing.issue.tooLarge');
    case 'missing-key': return t('sharing.issue.missingKey');
    case 'protocol-error':
    case 'relay-error':
    case 'membership-rejected':
    case 'rejected-update':
    case 'updates-withheld':
      return t('sharing.issue.other');
  }
  return t('sharing.issue.other');
}

/** One line under every screen: what is saved here and what is shared. */
export function SyncLine() {
  const i18n = useI18n();
  const sharing = useSharing();
  return (
    <Show when={sharing.state() !== 'loading'}>
      <p class="sync-line" role="status">{syncWords(i18n, sharing.state(), sharing.status(), sharing.waitingHere())}</p>
    </Show>
  );
}
