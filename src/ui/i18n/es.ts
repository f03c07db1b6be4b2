import { coreEs } from './core-es';
import { diaryEs } from '../features/diary/i18n-es';
import { practiceEs } from '../features/practice/i18n-es';
import { assessmentsEs } from '../features/assessments/i18n-es';
import { crisisEs } from '../features/crisis/i18n-es';
import { historyEs } from '../features/history/i18n-es';
import { sharingEs } from '../features/sharing/i18n-es';
import { planEs } from '../features/plan/i18n-es';
import { circleEs } from '../features/circle/i18n-es';
import { settingsEs } from '../features/settings/i18n-es';
import { messagesEs } from '../features/messages/i18n-es';
import { clinicianEs } from '../features/clinician/i18n-es';
import { kioskEs } from '../features/kiosk/i18n-es';
import type { DeepStrings } from './types';
import type { Catalog } from './en';

/** The Spanish catalog. Loaded on demand so English-only users do not download it. */
export const es: DeepStrings<Catalog> = {
  ...coreEs,
  diary: diaryEs,
  practice: practiceEs,
  assessments: assessmentsEs,
  crisis: crisisEs,
  history: historyEs,
  settings: settingsEs,
  messages: messagesEs,
  sharing: sharingEs,
  plan: planEs,
  circle: circleEs,
  clinician: clinicianEs,
  kiosk: kioskEs,
};
