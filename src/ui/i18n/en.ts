import { coreEn } from './core-en';
import { diaryEn } from '../features/diary/i18n-en';
import { practiceEn } from '../features/practice/i18n-en';
import { assessmentsEn } from '../features/assessments/i18n-en';
import { crisisEn } from '../features/crisis/i18n-en';
import { historyEn } from '../features/history/i18n-en';
import { sharingEn } from '../features/sharing/i18n-en';
import { planEn } from '../features/plan/i18n-en';
import { circleEn } from '../features/circle/i18n-en';
import { settingsEn } from '../features/settings/i18n-en';
import { messagesEn } from '../features/messages/i18n-en';
import { clinicianEn } from '../features/clinician/i18n-en';
import { kioskEn } from '../features/kiosk/i18n-en';

/** The English catalog: the reference shape every other language must match. */
export const en = {
  ...coreEn,
  diary: diaryEn,
  practice: practiceEn,
  assessments: assessmentsEn,
  crisis: crisisEn,
  history: historyEn,
  settings: settingsEn,
  messages: messagesEn,
  sharing: sharingEn,
  plan: planEn,
  circle: circleEn,
  clinician: clinicianEn,
  kiosk: kioskEn,
};
export type Catalog = typeof en;
