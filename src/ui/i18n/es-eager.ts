import { coreEs } from './core-es';
import { diaryEs } from '../features/diary/i18n-es';
import { sharingEs } from '../features/sharing/i18n-es';
import { planEs } from '../features/plan/i18n-es';
import type { PartialCatalog } from './catalog-parts';

/** The Spanish strings of the first screen (the rest load with their features). */
export const esEager: PartialCatalog = { ...coreEs, diary: diaryEs, sharing: sharingEs, plan: planEs };
