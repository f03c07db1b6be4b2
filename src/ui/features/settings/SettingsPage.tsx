import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { BackupSection } from './BackupSection';
import { CadenceSection } from './CadenceSection';
import { createSettings } from './createSettings';
import { LanguageSection, RegionSection } from './PreferenceSections';
import { InstallSection, StorageSection } from './StorageSection';
import { SharingSection } from '../sharing/SharingSection';
import { CircleSettings } from '../circle/CircleSettings';
import { KioskSettingsLink } from '../kiosk/KioskSettingsLink';
import './settings.css';

/** /settings: language, crisis region, check-in schedule, keeping data safe, backups. */
export default function SettingsPage() {
  const { t } = useI18n();
  const data = createSettings();
  return (
    <>
      <PageTitle>{t('settings.title')}</PageTitle>
      <LanguageSection />
      <RegionSection data={data} />
      <CadenceSection data={data} />
      <SharingSection />
      <CircleSettings />
      <StorageSection data={data} />
      <InstallSection />
      <BackupSection data={data} />
      <KioskSettingsLink />
      <div class="actions">
        <A href="/about" class="button">{t('settings.about.link')}</A>
      </div>
    </>
  );
}
