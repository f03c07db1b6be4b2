/**
 * The catalog in parts: the strings the first screen needs ship in the main bundle (core,
 * the diary, the sync line, the plan's Today section); each other feature's strings load
 * with the feature, in the person's language. en.ts and es.ts stay the whole catalogs the
 * types and the completeness tests read.
 */
import type { Catalog } from './en';
import type { DeepStrings, Locale } from './types';
import { coreEn } from './core-en';
import { diaryEn } from '../features/diary/i18n-en';
import { sharingEn } from '../features/sharing/i18n-en';
import { planEn } from '../features/plan/i18n-en';

export const LAZY_NAMESPACES = ['practice', 'assessments', 'crisis', 'history', 'settings', 'messages', 'circle', 'clinician', 'kiosk'] as const;
export type LazyNamespace = (typeof LAZY_NAMESPACES)[number];

/** A catalog with its lazy namespaces present once loaded. */
export type PartialCatalog = Omit<DeepStrings<Catalog>, LazyNamespace> & Partial<Pick<DeepStrings<Catalog>, LazyNamespace>>;

const EAGER: Record<Locale, () => Promise<PartialCatalog>> = {
  en: async () => ({ ...coreEn, diary: diaryEn, sharing: sharingEn, plan: planEn }),
  es: async () => (await import('./es-eager')).esEager,
};

const LAZY: Record<Locale, Record<LazyNamespace, () => Promise<unknown>>> = {
  en: {
    practice: () => import('../features/practice/i18n-en').then((m) => m.practiceEn),
    assessments: () => import('../features/assessments/i18n-en').then((m) => m.assessmentsEn),
    crisis: () => import('../features/crisis/i18n-en').then((m) => m.crisisEn),
    history: () => import('../features/history/i18n-en').then((m) => m.historyEn),
    settings: () => import('../features/settings/i18n-en').then((m) => m.settingsEn),
    messages: () => import('../features/messages/i18n-en').then((m) => m.messagesEn),
    circle: () => import('../features/circle/i18n-en').then((m) => m.circleEn),
    clinician: () => import('../features/clinician/i18n-en').then((m) => m.clinicianEn),
    kiosk: () => import('../features/kiosk/i18n-en').then((m) => m.kioskEn),
  },
  es: {
    practice: () => import('../features/practice/i18n-es').then((m) => m.practiceEs),
    assessments: () => import('../features/assessments/i18n-es').then((m) => m.assessmentsEs),
    crisis: () => import('../features/crisis/i18n-es').then((m) => m.crisisEs),
    history: () => import('../features/history/i18n-es').then((m) => m.historyEs),
    settings: () => import('../features/settings/i18n-es').then((m) => m.settingsEs),
    messages: () => import('../features/messages/i18n-es').then((m) => m.messagesEs),
    circle: () => import('../features/circle/i18n-es').then((m) => m.circleEs),
    clinician: () => import('../features/clinician/i18n-es').then((m) => m.clinicianEs),
    kiosk: () => import('../features/kiosk/i18n-es').then((m) => m.kioskEs),
  },
};

/** The strings of the first screen in a language. */
export function loadEagerCatalog(locale: Locale): Promise<PartialCatalog> {
  return EAGER[locale]();
}

/** One lazy namespace's strings in a language. */
export function loadNamespace(locale: Locale, ns: LazyNamespace): Promise<unknown> {
  return LAZY[locale][ns]();
}

export function isLazyNamespace(value: string): value is LazyNamespace {
  return (LAZY_NAMESPACES as readonly string[]).includes(value);
}
