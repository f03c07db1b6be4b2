import { createSignal, Show } from 'solid-js';
import { BACKUP_PASSWORD_MIN_CHARS, validateBackupPassword } from '../../../storage/backup-sealed';
import { useI18n } from '../../i18n/i18n';
import { downloadText, type SettingsData } from './createSettings';
import { afterPaint, PasswordField } from './PasswordField';
import { RestoreBackup } from './RestoreBackup';

/** Download a backup or a spreadsheet, and restore a backup. */
export function BackupSection(props: { data: SettingsData }) {
  const { t } = useI18n();
  const [busy, setBusy] = createSignal(false);
  const [result, setResult] = createSignal<{ text: string; error: boolean }>();

  async function download(kind: 'json' | 'csv') {
    setBusy(true);
    setResult({ text: t('settings.backup.exporting'), error: false });
    try {
      const file = kind === 'json' ? await props.data.backupFile() : await props.data.csvFile();
      downloadText(file.name, file.text, kind === 'json' ? 'application/json' : 'text/csv;charset=utf-8');
      setResult({ text: t('settings.backup.exported', { file: file.name }), error: false });
    } catch (e) {
      console.error('export failed', e);
      setResult({ text: t('settings.backup.exportFailed'), error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="settings-backup-h">
      <h2 id="settings-backup-h">{t('settings.backup.heading')}</h2>
      <p>{t('settings.backup.intro')}</p>
      <div class="actions settings-stack">
        <button type="button" class="button primary" disabled={busy()} onClick={() => download('json')}>{t('settings.backup.json')}</button>
        <button type="button" class="button" disabled={busy()} onClick={() => download('csv')}>{t('settings.backup.csv')}</button>
      </div>
      <p class="hint">{t('settings.backup.csvHint')}</p>
      <div role="status">
        <Show when={result()}>{(r) => <p classList={{ error: r().error }}>{r().text}</p>}</Show>
      </div>
      <ProtectedBackupForm file={(password) => props.data.protectedBackupFile(password)} />
      <RestoreBackup data={props.data} />
    </section>
  );
}

type PasswordName = 'password' | 'repeat';

/**
 * A backup sealed under a password, for files that leave a shared or borrowed device (also
 * the clinic tablet's hand-back). `file` seals and names it; `onSaved` hears of the download.
 */
export function ProtectedBackupForm(props: { file: (password: string) => Promise<{ name: string; text: string }>; onSaved?: (name: string) => void }) {
  const { t } = useI18n();
  const [password, setPassword] = createSignal('');
  const [repeat, setRepeat] = createSignal('');
  const [errors, setErrors] = createSignal<Partial<Record<PasswordName, string>>>({});
  const [busy, setBusy] = createSignal(false);
  const [result, setResult] = createSignal<{ text: string; error: boolean }>();
  const min = { min: BACKUP_PASSWORD_MIN_CHARS };
  let form!: HTMLFormElement;

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (busy()) return;
    const problems = validateBackupPassword(password(), repeat());
    if (problems.length > 0) {
      const out: Partial<Record<PasswordName, string>> = {};
      for (const p of problems) out[p.field] = p.code === 'tooShort' ? t('settings.backup.protect.tooShort', min) : t('settings.backup.protect.mismatch');
      setErrors(out);
      setResult(undefined);
      queueMicrotask(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setErrors({});
    setBusy(true);
    setResult({ text: t('settings.backup.protect.protecting'), error: false });
    try {
      await afterPaint();
      const file = await props.file(password());
      downloadText(file.name, file.text, 'application/json');
      props.onSaved?.(file.name);
      // Done with the password: on a shared device it should not stay in the page.
      setPassword('');
      setRepeat('');
      setResult({ text: t('settings.backup.protect.exported', { file: file.name }), error: false });
    } catch (err) {
      console.error('protected export failed', err);
      setResult({ text: t('settings.backup.exportFailed'), error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={form} class="settings-subsection" novalidate aria-labelledby="settings-protect-h" onSubmit={(e) => void submit(e)}>
      <h3 id="settings-protect-h">{t('settings.backup.protect.heading')}</h3>
      <p>{t('settings.backup.protect.intro')}</p>
      <PasswordField
        id="settings-protect-password"
        label={t('settings.backup.protect.password')}
        hint={t('settings.backup.protect.passwordHint', min)}
        error={errors().password}
        value={password()}
        onInput={setPassword}
      />
      <PasswordField
        id="settings-protect-repeat"
        label={t('settings.backup.protect.repeat')}
        error={errors().repeat}
        value={repeat()}
        onInput={setRepeat}
      />
      <div class="actions">
        <button type="submit" class="button" disabled={busy()}>{t('settings.backup.protect.download')}</button>
      </div>
      <div role="status">
        <Show when={result()}>{(r) => <p classList={{ error: r().error }}>{r().text}</p>}</Show>
      </div>
    </form>
  );
}
