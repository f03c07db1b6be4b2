import { createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { downloadText, type SettingsData } from './createSettings';
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
      <RestoreBackup data={props.data} />
    </section>
  );
}
