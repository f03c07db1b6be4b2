import { createSignal, For, Show } from 'solid-js';
import { MAX_BACKUP_CHARS, type BackupError, type BackupFileV1, type BackupResult } from '../../../storage/backup';
import type { SealedBackupFileV1 } from '../../../storage/backup-sealed';
import { useI18n } from '../../i18n/i18n';
import { isLocale } from '../../i18n/types';
import { ConfirmDialog } from '../../primitives/ConfirmDialog';
import type { SettingsData } from './createSettings';
import { afterPaint, PasswordField } from './PasswordField';

const SHOWN_PROBLEMS = 3;

interface Shown { text: string; details?: string[]; tone: 'error' | 'ok' | 'info' }

/**
 * Restore: read and check the whole file first (a protected file after its password);
 * only after the person confirms is anything written (all-or-nothing, newer version of an
 * entry wins).
 */
export function RestoreBackup(props: { data: SettingsData }) {
  const { t, tn, formatDate, formatNumber, setLocale, locale } = useI18n();
  const [pending, setPending] = createSignal<BackupFileV1>();
  const [shown, setShown] = createSignal<Shown>();
  const [busy, setBusy] = createSignal(false);
  const [sealed, setSealed] = createSignal<SealedBackupFileV1>();
  const [password, setPassword] = createSignal('');
  const [passwordError, setPasswordError] = createSignal<string>();
  let input!: HTMLInputElement;
  let passwordInput: HTMLInputElement | undefined;

  function describe(error: BackupError): Shown {
    const nothing = t('settings.restore.nothingChanged');
    switch (error.code) {
      case 'not-json': return { text: t('settings.restore.errors.notJson'), tone: 'error' };
      case 'not-a-backup': return { text: t('settings.restore.errors.notABackup'), tone: 'error' };
      case 'newer-version': return { text: `${t('settings.restore.errors.newerVersion')} ${nothing}`, tone: 'error' };
      case 'too-large': return { text: t('settings.restore.errors.tooLarge'), tone: 'error' };
      case 'wrong-password': return { text: t('settings.restore.password.wrong'), tone: 'error' };
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
    forgetSealed();
    try {
      // A file this big cannot be a backup; do not read it into memory (UTF-8 is at most 4 bytes a character).
      if (file.size > MAX_BACKUP_CHARS * 4) {
        setShown({ text: t('settings.restore.errors.tooLarge'), tone: 'error' });
        return;
      }
      const text = await file.text();
      const parsed = props.data.parse(text);
      if (!parsed.ok) setShown(describe(parsed.error));
      else if (parsed.value.sealed) {
        setShown(undefined);
        setSealed(parsed.value.file);
        queueMicrotask(() => passwordInput?.focus());
      } else {
        setShown(undefined);
        setPending(parsed.value.backup);
      }
    } catch (e) {
      console.error('backup file could not be read', e);
      setShown({ text: t('settings.restore.errors.readFailed'), tone: 'error' });
    } finally {
      // Lets the person choose the same file again after fixing something.
      input.value = '';
    }
  }

  function forgetSealed() {
    setSealed(undefined);
    setPassword('');
    setPasswordError(undefined);
  }

  async function unlock(e: SubmitEvent) {
    e.preventDefault();
    const file = sealed();
    if (!file || busy()) return;
    if (password() === '') {
      setPasswordError(t('settings.restore.password.required'));
      passwordInput?.focus();
      return;
    }
    setBusy(true);
    setPasswordError(undefined);
    setShown({ text: t('settings.restore.password.checking'), tone: 'info' });
    await afterPaint();
    let opened: BackupResult<BackupFileV1>;
    try {
      opened = await props.data.unseal(file, password());
    } catch (err) {
      // Argon2id needs 64 MiB; a device that cannot give it (or cannot run WebAssembly) ends here.
      console.error('protected backup could not be opened', err);
      setBusy(false);
      setShown({ text: t('settings.restore.password.failed'), tone: 'error' });
      return;
    }
    setBusy(false);
    if (opened.ok) {
      forgetSealed();
      setShown(undefined);
      setPending(opened.value);
    } else if (opened.error.code === 'wrong-password') {
      // Keep what was typed, so one wrong letter can be fixed rather than everything retyped.
      setShown(undefined);
      setPasswordError(t('settings.restore.password.wrong'));
      queueMicrotask(() => {
        passwordInput?.focus();
        passwordInput?.select();
      });
    } else {
      // The password was right but what it opened is not a backup this app can restore.
      forgetSealed();
      setShown(describe(opened.error));
      input.focus();
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
      <Show when={sealed()}>
        <form class="card soft settings-unlock" novalidate aria-labelledby="settings-unlock-h" onSubmit={(e) => void unlock(e)}>
          <h4 id="settings-unlock-h">{t('settings.restore.password.heading')}</h4>
          <p>{t('settings.restore.password.intro')}</p>
          <PasswordField
            id="settings-unlock-password"
            ref={(el) => (passwordInput = el)}
            label={t('settings.restore.password.label')}
            error={passwordError()}
            value={password()}
            disabled={busy()}
            onInput={(v) => {
              setPassword(v);
              setPasswordError(undefined);
            }}
          />
          <div class="actions">
            <button type="submit" class="button primary" disabled={busy()}>{t('settings.restore.password.open')}</button>
            <button
              type="button"
              class="button"
              disabled={busy()}
              onClick={() => {
                forgetSealed();
                setShown({ text: t('settings.restore.nothingChanged'), tone: 'info' });
                input.focus();
              }}
            >
              {t('common.cancel')}
            </button>
          </div>
        </form>
      </Show>
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
