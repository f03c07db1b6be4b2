/** The kiosk settings clinic staff choose (behind the staff passphrase). */
import { CRISIS_RESOURCES } from '../crisis-lines';
export const IDLE_MINUTES_MIN = 1;
export const IDLE_MINUTES_MAX = 30;
export const IDLE_MINUTES_DEFAULT = 3;

export interface KioskSettings {
  /** Minutes without a touch or a key before the loaned tablet locks. */
  idleMinutes: number;
  /** A short name for the clinic, shown on the kiosk's home screen; may be empty. */
  clinicName: string;
  /** Whose crisis lines the lock screen shows (a locked tablet still says whom to call). */
  region: string;
}

export const CLINIC_NAME_MAX = 80;

export type KioskSettingsProblem = 'idle-range' | 'clinic-name-long' | 'region';

/** Checks settings from a form or from storage; the first problem, or null. */
export function kioskSettingsProblem(s: KioskSettings): KioskSettingsProblem | null {
  if (!Number.isInteger(s.idleMinutes) || s.idleMinutes < IDLE_MINUTES_MIN || s.idleMinutes > IDLE_MINUTES_MAX) return 'idle-range';
  if ([...s.clinicName].length > CLINIC_NAME_MAX) return 'clinic-name-long';
  if (!Object.hasOwn(CRISIS_RESOURCES, s.region)) return 'region';
  return null;
}
