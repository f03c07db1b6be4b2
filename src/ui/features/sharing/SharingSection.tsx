import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { copyWithToast } from '../../primitives/toast';
import { useSharing } from './sharing-context';
import { syncWords } from './SyncLine';
import { useAppData } from '../../app-data';

/** Settings: sharing on or off, the sync state, the devices of the circle, and linking another device. */
export function SharingSection() {
  const i18n = useI18n();
  const { t } = i18n;
  const sharing = useSharing();
  const data = useAppData();
  const [link, setLink] = createSignal<string>();
  const [making, setMaking] = createSignal(false);
  const [failed, setFailed] = createSignal(false);
  const devices = () => {
    const s = sharing.status();
    // This device first, then the others as the circle lists them.
    // Invitations not claimed yet are not devices anyone uses: the care team page lists them.
    return s ? Object.values(s.circles).flatMap((c) => c.devices).filter((d) => !d.pending).sort((a, b) => Number(b.isThisDevice) - Number(a.isThisDevice)) : [];
  };

  // A link for another of the patient's devices is an invitation with the patient's role:
  // made here, offline too, and claimed by the other device when it is online.
  async function makeLink() {
    setMaking(true);
    setFailed(false);
    try {
      const [actions, docs] = await Promise.all([import('../circle/circle-actions'), data.circleDocs()]);
      const rt = sharing.runtime();
      const made = await actions.inviteMember(data.db, docs, data.circleId, { role: 'patient', name: t('sharing.link.deviceName') }, (id) => rt?.publish(id));
      if (!made.ok) throw new Error(made.error);
      setLink(made.value.url);
    } catch (e) {
      console.error('device link failed', e);
      setFailed(true);
    } finally {
      setMaking(false);
    }
  }

  const copy = () => copyWithToast(link() ?? '', { copied: t('sharing.link.copied'), failed: t('sharing.link.copyFailed') });

  return (
    <section class="card" aria-labelledby="settings-sharing-h">
      <h2 id="settings-sharing-h">{t('sharing.section.heading')}</h2>
      <p>{t('sharing.section.intro')}</p>
      <label class="check-row">
        <input
          type="checkbox"
          checked={sharing.state() !== 'off'}
          disabled={sharing.state() === 'loading'}
          onChange={(e) => void sharing.setEnabled(e.currentTarget.checked)}
        />
        <span>{t('sharing.section.toggle')}</span>
      </label>
      <p>{syncWords(i18n, sharing.state(), sharing.status(), sharing.waitingHere())}</p>
      <Switch>
        <Match when={sharing.state() === 'starting'}><p class="muted">{t('sharing.section.starting')}</p></Match>
        <Match when={sharing.state() === 'failed'}><p class="settings-warning" role="alert">{t('sharing.section.startFailed')}</p></Match>
      </Switch>
      <Show when={sharing.runtime()}>
        <h3>{t('sharing.section.devicesHeading')}</h3>
        <ul class="plain device-list">
          <For each={devices()}>
            {(d) => (
              <li>
                <strong>{d.isThisDevice ? t('sharing.section.thisDevice') : t('sharing.section.otherDevice', { code: d.device.slice(0, 6).toUpperCase() })}</strong>
                {' · '}{t(`sharing.section.roles.${d.role}` as MessageKey)}
                <Show when={!d.isThisDevice}>
                  <br />
                  <span class="muted">
                    {d.lastSeenAt
                      ? t('sharing.section.lastSeen', { when: i18n.formatDate(new Date(d.lastSeenAt), { dateStyle: 'medium', timeStyle: 'short' }) })
                      : t('sharing.section.neverSeen')}
                  </span>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={devices().length <= 1}><p class="muted">{t('sharing.section.noDevices')}</p></Show>
        <h3>{t('sharing.link.heading')}</h3>
        <p>{t('sharing.link.intro')}</p>
        <p class="hint">{t('sharing.link.offlineOk')}</p>
        <button type="button" class="button" aria-disabled={making()} onClick={() => { if (!making()) void makeLink(); }}>
          {making() ? t('sharing.link.making') : t('sharing.link.make')}
        </button>
        <Show when={failed()}><p class="settings-warning" role="alert">{t('sharing.link.failed')}</p></Show>
        <Show when={link()}>
          {(href) => (
            <div class="device-link">
              <p class="settings-warning"><span aria-hidden="true">⚠ </span>{t('sharing.link.warning')}</p>
              <label for="device-link-url">{t('sharing.link.label')}</label>
              <textarea id="device-link-url" readonly rows="4" value={href()} onFocus={(e) => e.currentTarget.select()} />
              <button type="button" class="button" onClick={() => void copy()}>{t('sharing.link.copy')}</button>
            </div>
          )}
        </Show>
      </Show>
    </section>
  );
}
