import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import type { PersistOutcome, SettingsData } from './createSettings';

const MB = 1024 * 1024;

/** Whether the browser will keep our data, how much space it uses, and a button to ask. */
export function StorageSection(props: { data: SettingsData }) {
  const { t, formatNumber, formatDate } = useI18n();
  const [status, { refetch }] = createResource(() => props.data.storageStatus());
  const [saved] = createResource(() => props.data.get('persistence'));
  const [outcome, setOutcome] = createSignal<PersistOutcome>();
  const [busy, setBusy] = createSignal(false);

  const size = (bytes: number) => bytes >= 1024 * MB
    ? formatNumber(bytes / (1024 * MB), { style: 'unit', unit: 'gigabyte', maximumFractionDigits: 1 })
    : bytes >= MB
      ? formatNumber(bytes / MB, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 })
      : formatNumber(Math.max(1, Math.round(bytes / 1024)), { style: 'unit', unit: 'kilobyte' });

  async function ask() {
    setBusy(true);
    setOutcome(await props.data.requestPersistence());
    setBusy(false);
    void refetch();
  }

  return (
    <section class="card" aria-labelledby="settings-storage-h">
      <h2 id="settings-storage-h">{t('settings.storage.heading')}</h2>
      <Show when={status()} fallback={<p>{t('settings.storage.checking')}</p>}>
        {(s) => (
          <>
            <p classList={{ 'settings-warning': s().persisted !== true }}>
              <Switch>
                <Match when={s().persisted === true}>
                  <span aria-hidden="true">✓ </span>{t('settings.storage.persistent')}
                </Match>
                <Match when={s().persisted === false}>
                  <span aria-hidden="true">⚠ </span>{t('settings.storage.notPersistent')}
                </Match>
                <Match when={s().persisted === null}>{t('settings.storage.unknown')}</Match>
              </Switch>
            </p>
            <Show when={s().usage !== null}>
              <p>
                {s().quota !== null
                  ? t('settings.storage.usageWithQuota', { used: size(s().usage!), quota: size(s().quota!) })
                  : t('settings.storage.usage', { used: size(s().usage!) })}
              </p>
            </Show>
          </>
        )}
      </Show>
      <div class="actions">
        <button type="button" class="button primary" disabled={busy()} onClick={ask}>{t('settings.storage.keepButton')}</button>
      </div>
      <div role="status">
        <Show when={outcome()}>
          {(o) => <p class="settings-result">{t(`settings.storage.${o()}` as MessageKey)}</p>}
        </Show>
      </div>
      <Show when={!outcome() && saved()?.checkedAt}>
        <p class="hint">{t('settings.storage.lastChecked', { date: formatDate(saved()!.checkedAt!) })}</p>
      </Show>
    </section>
  );
}

/** How to install the app (add to home screen), in a few plain lines. */
export function InstallSection() {
  const { t } = useI18n();
  return (
    <section class="card soft" aria-labelledby="settings-install-h">
      <h2 id="settings-install-h">{t('settings.install.heading')}</h2>
      <p>{t('settings.install.body')}</p>
      <ul>
        <li>{t('settings.install.android')}</li>
        <li>{t('settings.install.ios')}</li>
        <li>{t('settings.install.computer')}</li>
      </ul>
    </section>
  );
}
