import { createSignal, For, Show } from 'solid-js';
import { MAX_BACKUP_CHARS, type BackupError, type BackupFileV1 } from '../../../storage/backup';
import { useI18n } from '../../i18n/i18n';
import { isLocale } from '../../i18n/types';
import { ConfirmDialog } from '../../primitives/ConfirmDialog';
import type { SettingsData } from './createSettings';

const SHOWN_PROBLEMS = 3;

interface Shown { text: string; details?: string[]; tone: 'error' | 'ok' | 'info' }

/**
 * Restore: read and check the whole file first; only after the person confirms is anything
 * written (all-or-nothing, newer version of an entry wins).
 */
export function RestoreBackup(props: { data: SettingsData }) {
  const { t, tn, formatDate, formatNumber, setLocale, locale } = useI18n();
  const [pending, setPending] = createSignal<BackupFileV1>();
  const [shown, setShown] = createSignal<Shown>();
  const [busy, setBusy] = createSignal(false);
  let input!: HTMLInputElement;

  function describe(error: BackupError): Shown {
    const nothing = t('settings.restore.nothingChanged');
    switch (error.code) {
      case 'not-json': return { text: t('settings.restore.errors.notJson'), tone: 'error' };
      case 'not-a-backup': return { text: t('settings.restore.errors.notABackup'), tone: 'error' };
      case 'newer-version': return { text: `${t('settings.restore.errors.newerVersion')} ${nothing}`, tone: 'error' };
      case 'too-large': return { text: t('settings.restore.errors.tooLarge'), tone: 'error' };
      case 'invalid-file': return { text: `${t('settings.restore.errors.invalidFile', { field: error.field })} ${nothing}`, tone: 'error' };
      case 'invalid-records': {
        const byEntry = new Map<number, string[]>();
        for (const p of error.problems) {
          const fields = byEntry.get(p.index) ?? byEntry.set(p.index, []).get(p.index)!;
          const field = p.field === '' ? t('settings.restore.errors.wholeEntry') : p.field;
          if (!fields.includes(field)) fields.push(field);
        }
        const details = [...byEntry].slice(0, SHOWN_PROBLEMS).map(([index, fields]) =>
          t('settings.restore.errors.problem', { n: formatNumber(index + 1), field: fields.join(', ') }));
        return { text: tn('settings.restore.errors.invalidRecords', byEntry.size), details, tone: 'error' };
      }
    }
  }

  async function chosen() {
    const file = input.files?.[0];
    if (!file) return;
    setShown({ text: t('settings.restore.reading'), tone: 'info' });
    setPending(undefined);
    try {
      // A file this big cannot be a backup; do not read it into memory (UTF-8 is at most 4 bytes a character).
      if (file.size > MAX_BACKUP_CHARS * 4) {
        setShown({ text: t('settings.restore.errors.tooLarge'), tone: 'error' });
        return;
      }
      const text = await file.text();
      const parsed = props.data.parse(text);
      if (!parsed.ok) setShown(describe(parsed.error));
      else {
        setShown(undefined);
        setPending(parsed.value);
      }
    } catch (e) {
      console.error('backup file could not be read', e);
      setShown({ text: t('settings.restore.errors.readFailed'), tone: 'error' });
    } finally {
      // Lets the person choose the same file again after fixing something.
      input.value = '';
    }
  }

  async function confirm() {
    const backup = pending();
    if (!backup || busy()) return;
    setBusy(true);
    setPending(undefined);
    setShown({ text: t('settings.restore.importing'), tone: 'info' });
    const result = await props.data.restore(backup);
    setBusy(false);
    if (!result.ok) {
      setShown({
        text: result.error.code === 'read-only' ? t('settings.restore.errors.readOnly') : t('settings.restore.errors.importFailed'),
        tone: 'error',
      });
      input.focus();
      return;
    }
    const { added, updated, unchanged, settingsApplied } = result.value;
    // A language restored from the backup (this device had none chosen) takes effect now.
    const restoredLocale = backup.settings.locale;
    if (settingsApplied.includes('locale') && isLocale(restoredLocale) && restoredLocale !== locale()) await setLocale(restoredLocale);
    setShown({
      text: t('settings.restore.done', { added: formatNumber(added), updated: formatNumber(updated), unchanged: formatNumber(unchanged) }),
      tone: 'ok',
    });
    input.focus();
  }

  return (
    <div class="settings-restore">
      <h3>{t('settings.restore.heading')}</h3>
      <div class="field settings-file">
        <label for="settings-restore-file">{t('settings.restore.label')}</label>
        <p class="hint" id="settings-restore-hint">{t('settings.restore.hint')}</p>
        {/* The native input lies, invisible, over a button-like label in the person's language
            (the browser's own "Choose File" text would not follow the app's language). */}
        <span class="settings-file-picker">
          <input
            ref={input}
            id="settings-restore-file"
            type="file"
            accept=".json,application/json"
            aria-describedby="settings-restore-hint settings-restore-result"
            disabled={busy()}
            onChange={() => void chosen()}
          />
          <span class="button" aria-hidden="true">{t('settings.restore.choose')}</span>
        </span>
      </div>
      <div id="settings-restore-result" role={shown()?.tone === 'error' ? 'alert' : 'status'}>
        <Show when={shown()}>
          {(s) => (
            <div class={s().tone === 'error' ? 'card alert' : s().tone === 'ok' ? 'card soft' : ''}>
              <p classList={{ error: s().tone === 'error' }}>{s().text}</p>
              <Show when={s().details?.length}>
                <p>{t('settings.restore.errors.firstProblems')}</p>
                <ul><For each={s().details}>{(d) => <li>{d}</li>}</For></ul>
              </Show>
            </div>
          )}
        </Show>
      </div>
      <ConfirmDialog
        open={pending() !== undefined}
        title={t('settings.restore.confirmTitle')}
        confirmLabel={t('settings.restore.confirm')}
        cancelLabel={t('common.cancel')}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setPending(undefined);
          setShown({ text: t('settings.restore.nothingChanged'), tone: 'info' });
          input.focus();
        }}
      >
        <Show when={pending()}>
          {(b) => (
            <>
              <p>{tn('settings.restore.confirmCount', b().records.length, {
                n: formatNumber(b().records.length),
                date: Number.isNaN(Date.parse(b().exportedAt)) ? b().exportedAt : formatDate(b().exportedAt, { dateStyle: 'long' }),
              })}</p>
              <p>{t('settings.restore.confirmKeep')}</p>
            </>
          )}
        </Show>
      </ConfirmDialog>
    </div>
  );
}
