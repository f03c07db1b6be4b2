/**
 * The care plan screens' strings. They are a catalog of their own, loaded with the screens
 * rather than registered in the app catalog: the landing bundle (which carries the app catalog)
 * has almost no room left under its 80 KB budget. Same plural and template rules as i18n.tsx.
 */
import { createContext, createEffect, createMemo, createSignal, on, Show, useContext, type JSX } from 'solid-js';
import * as i18n from '@solid-primitives/i18n';
import { useI18n, type I18n, type MessageParams } from '../../i18n/i18n';
import type { DeepStrings, Locale } from '../../i18n/types';
import type { planTextEn } from './text-en';

type PlanCatalog = typeof planTextEn;
type Flat = i18n.Flatten<PlanCatalog>;
/** Every key of a plan string, e.g. 'goals.heading'. */
export type PlanKey = { [K in keyof Flat]: Flat[K] extends string ? K : never }[keyof Flat];

export interface PlanText {
  t: (key: PlanKey, params?: MessageParams) => string;
  /** Plural-aware: `${key}.zero` (when n is 0 and it exists), `.one`, `.other`, with {{ n }}. */
  tn: (key: string, n: number, params?: MessageParams) => string;
  /** The app catalog's translator (common words, validation). */
  app: I18n['t'];
  formatDate: I18n['formatDate'];
  formatNumber: I18n['formatNumber'];
  locale: I18n['locale'];
}

const loaders: Record<Locale, () => Promise<DeepStrings<PlanCatalog>>> = {
  en: async () => (await import('./text-en')).planTextEn,
  es: async () => (await import('./text-es')).planTextEs,
};

const PlanTextContext = createContext<PlanText>();

/** Builds the translator over a loaded catalog (exported for tests). */
export function makePlanText(catalog: () => DeepStrings<PlanCatalog> | undefined, base: I18n): PlanText {
  const flat = createMemo(() => i18n.flatten((catalog() ?? {}) as PlanCatalog) as unknown as Record<string, unknown>);
  const plural = createMemo(() => new Intl.PluralRules(base.locale()));
  const lookup = (key: string, params?: MessageParams): string => {
    const value = flat()[key];
    if (typeof value !== 'string') return key;
    return params ? i18n.resolveTemplate(value, params as Record<string, string>) : value;
  };
  return {
    t: (key, params) => lookup(key, params),
    tn: (key, n, params) => {
      const all = { n: base.formatNumber(n), ...params };
      if (n === 0 && typeof flat()[`${key}.zero`] === 'string') return lookup(`${key}.zero`, all);
      const form = plural().select(n);
      return lookup(typeof flat()[`${key}.${form}`] === 'string' ? `${key}.${form}` : `${key}.other`, all);
    },
    app: base.t,
    formatDate: base.formatDate,
    formatNumber: base.formatNumber,
    locale: base.locale,
  };
}

/**
 * Loads the plan strings for the current language and renders its children once they are
 * there (keeping the old ones while another language loads). Until then: a loading line, or
 * the app catalog's failure message when the strings cannot be fetched.
 */
export function PlanTextProvider(props: { children: JSX.Element; quiet?: boolean }) {
  const base = useI18n();
  const [catalog, setCatalog] = createSignal<DeepStrings<PlanCatalog>>();
  const [failed, setFailed] = createSignal(false);
  createEffect(on(base.locale, (locale) => {
    loaders[locale]().then((c) => setCatalog(() => c), (e: unknown) => {
      console.error('plan strings failed to load', e);
      setFailed(true);
    });
  }));
  const text = makePlanText(catalog, base);
  const fallback = () => (props.quiet ? null : failed()
    ? <p class="error" role="alert">{base.t('plan.loadFailed')}</p>
    : <p role="status">{base.t('plan.loading')}</p>);
  return (
    <Show when={catalog()} fallback={fallback()}>
      <PlanTextContext.Provider value={text}>{props.children}</PlanTextContext.Provider>
    </Show>
  );
}

/** The plan strings; inside PlanTextProvider. */
export function usePlanText(): PlanText {
  const ctx = useContext(PlanTextContext);
  if (!ctx) throw new Error('usePlanText outside PlanTextProvider');
  return ctx;
}
