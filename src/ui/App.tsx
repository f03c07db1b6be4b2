import { Router } from '@solidjs/router';
import { I18nProvider } from './i18n/i18n';
import type { Locale } from './i18n/types';
import type { PartialCatalog } from './i18n/catalog-parts';
import { AppDataProvider, type AppData } from './app-data';
import { Layout } from './shell/Layout';
import { routes } from './shell/routes';
import { SharingProvider } from './features/sharing/sharing-context';

export interface AppProps {
  data: AppData;
  locale: Locale;
  catalog: PartialCatalog;
  onLocaleChange: (locale: Locale) => void;
}

/** The root component: providers, then the router inside the app frame. */
export function App(props: AppProps) {
  return (
    <I18nProvider locale={props.locale} catalog={props.catalog} onLocaleChange={props.onLocaleChange}>
      <AppDataProvider value={props.data}>
        <SharingProvider>
          <Router root={Layout}>{routes}</Router>
        </SharingProvider>
      </AppDataProvider>
    </I18nProvider>
  );
}
