import type { DeepStrings } from '../../i18n/types';
import type { planEn } from './i18n-en';

/** Strings of the care plan feature needed before its screens load (Spanish); same keys as i18n-en.ts. */
export const planEs: DeepStrings<typeof planEn> = {
  nav: 'Plan de cuidado',
  loading: 'Cargando el plan de cuidado…',
  loadFailed: 'No se pudo cargar el plan de cuidado. Vuelva a cargar la página; no se ha perdido nada.',
};
