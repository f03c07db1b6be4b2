/**
 * Strings of the care plan feature that must be there before its screens load (English).
 * The screens' own strings (text-en.ts) load with them, to keep the landing bundle small.
 */
export const planEn = {
  nav: 'Care plan',
  loading: 'Loading the care plan…',
  loadFailed: 'The care plan could not be loaded. Reload the page; nothing is lost.',
};
