import { createContext, createMemo, createSignal, useContext, type JSX, type Accessor } from 'solid-js';
import * as i18n from '@solid-primitives/i18n';
import type { Catalog } from './en';
import type { Locale } from './types';
import { isLazyNamespace, loadEagerCatalog, loadNamespace, type LazyNamespace, type PartialCatalog } from './catalog-parts';

type FlatCatalog = i18n.Flatten<Catalog>;
/** Every key whose value is a message string, e.g. 'nav.today'. */
export type MessageKey = { [K in keyof FlatCatalog]: FlatCatalog[K] extends string ? K : never }[keyof FlatCatalog];
export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

export interface I18n {
  t: Translate;
  /** Plural-aware lookup: uses `${key}.one` / `${key}.other` (or .zero) with {{ n }}. */
  tn: (key: string, n: number, params?: MessageParams) => string;
  locale: Accessor<Locale>;
  setLocale: (locale: Locale) => Promise<void>;
  /** Formats a date/time in the current locale. */
  formatDate: (iso: string | Date, opts?: Intl.DateTimeFormatOptions) => string;
  formatNumber: (n: number, opts?: Intl.NumberFormatOptions) => string;
}

const I18nContext = createContext<I18n>();

// Building an Intl formatter costs far more than using one (tenths of a millisecond, more on a
// slow phone) and History formats hundreds of values per render: keep one per locale and options.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
const DEFAULT_DATE: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
function formatter<F extends Intl.DateTimeFormat | Intl.NumberFormat>(kind: 'd' | 'n', locale: string, opts: object | undefined, make: () => F): F {
  const key = `${kind}|${locale}|${opts ? JSON.stringify(opts) : ''}`;
  let f = formatters.get(key) as F | undefined;
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

/** Loads the first screen's strings for a locale (Spanish is a separate chunk); features load theirs (ensureStrings). */
export async function loadCatalog(locale: Locale): Promise<PartialCatalog> {
  return loadEagerCatalog(locale);
}

/** The mounted provider's catalog, for ensureStrings (one provider per app). */
let active: { locale: Accessor<Locale>; loaded: Set<LazyNamespace>; merge(locale: Locale, ns: LazyNamespace, strings: unknown): void } | null = null;
const inFlight = new Map<string, Promise<void>>();

/** Loads feature namespaces in the current language (routes call this before their page shows). */
export async function ensureStrings(namespaces: readonly LazyNamespace[]): Promise<void> {
  const a = active;
  if (!a) return;
  const locale = a.locale();
  await Promise.all(namespaces.filter((ns) => !a.loaded.has(ns)).map((ns) => {
    const id = `${locale}:${ns}`;
    let p = inFlight.get(id);
    if (!p) {
      p = loadNamespace(locale, ns).then((strings) => a.merge(locale, ns, strings)).finally(() => inFlight.delete(id));
      inFlight.set(id, p);
    }
    return p;
  }));
}

export function I18nProvider(props: { locale: Locale; catalog: PartialCatalog; onLocaleChange?: (l: Locale) => void; children: JSX.Element }) {
  const [locale, setLocaleSignal] = createSignal<Locale>(props.locale);
  const [catalog, setCatalog] = createSignal<PartialCatalog>(props.catalog);
  const loaded = new Set<LazyNamespace>();
  active = {
    locale,
    loaded,
    merge(l, ns, strings) {
      if (l !== locale()) return;
      loaded.add(ns);
      setCatalog((c) => ({ ...c, [ns]: strings }));
    },
  };
  const flat = createMemo(() => i18n.flatten(catalog() as Catalog) as unknown as Record<string, unknown>);
  const lookup = (key: string, params?: MessageParams): string => {
    const value = flat()[key];
    if (typeof value !== 'string') {
      // A feature's strings not loaded yet: load them; the text appears when they arrive.
      const ns = key.slice(0, key.indexOf('.'));
      if (isLazyNamespace(ns) && !loaded.has(ns)) {
        void ensureStrings([ns]);
        return '';
      }
      // A missing key is a bug (the typed catalog should prevent it); show the key, never crash.
      if (import.meta.env.DEV) console.warn(`i18n: missing key ${key}`);
      return key;
    }
    return params ? i18n.resolveTemplate(value, params as Record<string, string>) : value;
  };
  const plural = createMemo(() => new Intl.PluralRules(locale()));
  const value: I18n = {
    t: (key, params) => lookup(key, params),
    tn: (key, n, params) => {
      const all = { n, ...params };
      if (n === 0 && typeof flat()[`${key}.zero`] === 'string') return lookup(`${key}.zero`, all);
      const form = plural().select(n);
      const k = typeof flat()[`${key}.${form}`] === 'string' ? `${key}.${form}` : `${key}.other`;
      return lookup(k, all);
    },
    locale,
    setLocale: async (next) => {
      // The new language's first-screen strings and every feature already loaded, then switch at once.
      const base = await loadCatalog(next);
      const parts = await Promise.all([...loaded].map(async (ns) => [ns, await loadNamespace(next, ns)] as const));
      setCatalog(() => ({ ...base, ...Object.fromEntries(parts) }));
      setLocaleSignal(next);
      document.documentElement.lang = next;
      props.onLocaleChange?.(next);
    },
    formatDate: (iso, opts = DEFAULT_DATE) =>
      formatter('d', locale(), opts, () => new Intl.DateTimeFormat(locale(), opts)).format(typeof iso === 'string' ? new Date(iso) : iso),
    formatNumber: (n, opts) => formatter('n', locale(), opts, () => new Intl.NumberFormat(locale(), opts)).format(n),
  };
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

/** The translator and locale of the current tree. */
export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
