import { createResource, Show } from 'solid-js';
import type { Settings } from '../../../storage/profile';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';
import { showToast } from '../../primitives/toast';
import type { Locale } from '../../i18n/types';
import type { SettingsData } from './createSettings';

const REGIONS: readonly Settings['region'][] = ['US', 'MX', 'ES', 'GB'];

/** Language: takes effect at once (setLocale also stores it). */
export function LanguageSection() {
  const { t, locale, setLocale } = useI18n();
  async function change(next: Locale) {
    if (next === locale()) return;
    await setLocale(next);
    showToast({ message: t('settings.language.changed') });
  }
  return (
    <section class="card" aria-labelledby="settings-language-h">
      <h2 id="settings-language-h">{t('settings.language.heading')}</h2>
      <ChoiceGroup
        name="settings-language"
        legend={t('settings.language.legend')}
        layout="wrap"
        choices={[{ value: 'en', label: t('settings.language.en') }, { value: 'es', label: t('settings.language.es') }]}
        value={locale()}
        onChange={(v) => void change(v as Locale)}
      />
    </section>
  );
}

/** Which country's crisis lines the crisis screen shows. */
export function RegionSection(props: { data: SettingsData }) {
  const { t } = useI18n();
  const [region, { mutate }] = createResource(() => props.data.get('region'));
  async function change(next: Settings['region']) {
    const before = region();
    mutate(next);
    if (await props.data.set('region', next)) {
      showToast({ message: t('settings.region.saved', { region: t(`settings.region.${next}` as MessageKey) }) });
    } else {
      mutate(before);
    }
  }
  return (
    <section class="card" aria-labelledby="settings-region-h">
      <h2 id="settings-region-h">{t('settings.region.heading')}</h2>
      <Show when={region()}>
        <ChoiceGroup
          name="settings-region"
          legend={t('settings.region.legend')}
          choices={REGIONS.map((r) => ({ value: r, label: t(`settings.region.${r}` as MessageKey) }))}
          value={region()}
          onChange={(v) => void change(v as Settings['region'])}
        />
      </Show>
    </section>
  );
}
