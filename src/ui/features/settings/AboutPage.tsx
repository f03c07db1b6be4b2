import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import './settings.css';

/** The version shown to people and in support requests; read from package.json at build time. */
export const APP_VERSION: string = __APP_VERSION__;

/** /about: what Paceline is, privacy, what it does not do, credits, version. */
export default function AboutPage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('settings.aboutPage.title')}</PageTitle>
      <section aria-labelledby="about-what-h">
        <h2 id="about-what-h">{t('settings.aboutPage.whatHeading')}</h2>
        <p>{t('settings.aboutPage.what')}</p>
      </section>
      <section aria-labelledby="about-privacy-h">
        <h2 id="about-privacy-h">{t('settings.aboutPage.privacyHeading')}</h2>
        <p>{t('settings.aboutPage.privacy')}</p>
        <p>{t('settings.aboutPage.privacyBackup')}</p>
      </section>
      <section aria-labelledby="about-safety-h">
        <h2 id="about-safety-h">{t('settings.aboutPage.safetyHeading')}</h2>
        <p>{t('settings.aboutPage.safety')}</p>
      </section>
      <section aria-labelledby="about-credits-h">
        <h2 id="about-credits-h">{t('settings.aboutPage.creditsHeading')}</h2>
        <ul class="about-credits">
          <li>{t('settings.aboutPage.peg')}</li>
          <li>{t('settings.aboutPage.phq')}</li>
        </ul>
      </section>
      <section aria-labelledby="about-version-h">
        <h2 id="about-version-h">{t('settings.aboutPage.versionHeading')}</h2>
        <p class="about-version">{t('settings.aboutPage.version', { version: APP_VERSION })}</p>
      </section>
      <div class="actions">
        <A href="/settings" class="button">{t('settings.aboutPage.back')}</A>
      </div>
    </>
  );
}
