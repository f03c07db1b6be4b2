/** The kiosk's validation problems in words. */
import type { PassphraseProblem, PinProblem, KioskSettingsProblem } from '../../../domain/kiosk';
import type { Translate } from '../../i18n/i18n';

export function pinProblemText(t: Translate, p: PinProblem): string {
  switch (p) {
    case 'digits-only': return t('kiosk.problem.pinDigits');
    case 'too-short': return t('kiosk.problem.pinShort');
    case 'too-long': return t('kiosk.problem.pinLong');
    case 'too-simple': return t('kiosk.problem.pinSimple');
  }
}

export function passphraseProblemText(t: Translate, p: PassphraseProblem): string {
  return p === 'too-short' ? t('kiosk.problem.passphraseShort') : t('kiosk.problem.passphraseLong');
}

export function settingsProblemText(t: Translate, p: KioskSettingsProblem): string {
  switch (p) {
    case 'idle-range': return t('kiosk.problem.idleRange');
    case 'clinic-name-long': return t('kiosk.problem.clinicLong');
    case 'region': return t('kiosk.problem.region');
  }
}

/** "4:05" for a wait of 245 seconds. */
export function waitText(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
