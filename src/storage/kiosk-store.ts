/**
 * The kiosk's own small database, apart from the patient's: it must be readable while the
 * tablet is locked (to show the lock screen and count wrong PINs) and it survives the
 * hand-back wipe. It holds no health content: settings, the sealed boxes of the data key,
 * and the wrong-PIN counter. Never synced.
 */
import Dexie, { type EntityTable } from 'dexie';
import { parseSecretSealed, type SecretSealed } from './at-rest/seal';
import { kioskSettingsProblem, type KioskSettings, type PinAttempts } from '../domain/kiosk';

import { KIOSK_DB_NAME, kioskPresent } from './kiosk-present';

export { KIOSK_DB_NAME, kioskPresent };
export const KIOSK_STATE_VERSION = 1;
export type KioskLocale = 'en' | 'es';

/** A tablet lent to one patient: the data key sealed under their PIN and under the staff passphrase. */
export interface KioskLoan {
  startedAt: string;
  pinWrap: SecretSealed;
  staffWrap: SecretSealed;
  attempts: PinAttempts;
  /** Staff confirmed the hand-back: the next start wipes the patient's data before anything else. */
  returning: boolean;
}

export interface KioskStateRow {
  key: 'state';
  schemaVersion: typeof KIOSK_STATE_VERSION;
  provisionedAt: string;
  /** A marker sealed under the staff passphrase: it opens only with the right one. */
  staffCheck: SecretSealed;
  settings: KioskSettings;
  locale: KioskLocale;
  loan: KioskLoan | null;
}

class KioskDB extends Dexie {
  declare kiosk: EntityTable<KioskStateRow, 'key'>;
  constructor() {
    super(KIOSK_DB_NAME);
    this.version(1).stores({ kiosk: 'key' });
  }
}

let opened: KioskDB | null = null;
function kioskDb(): KioskDB {
  opened ??= new KioskDB();
  return opened;
}

export type LoadedKiosk = { kind: 'none' } | { kind: 'kiosk'; state: KioskStateRow } | { kind: 'damaged' };

/** The kiosk state; 'damaged' when a row is there but not one this version can trust. */
export async function loadKiosk(): Promise<LoadedKiosk> {
  if (!(await kioskPresent())) return { kind: 'none' };
  const row: unknown = await kioskDb().kiosk.get('state');
  if (row === undefined) return { kind: 'none' };
  const state = parseKioskState(row);
  return state ? { kind: 'kiosk', state } : { kind: 'damaged' };
}

export async function saveKiosk(state: KioskStateRow): Promise<void> {
  await kioskDb().kiosk.put(state);
}

/** Leaves kiosk mode entirely (staff, with no loan open). */
export async function deleteKiosk(): Promise<void> {
  opened?.close();
  opened = null;
  await Dexie.delete(KIOSK_DB_NAME);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIso = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function parseAttempts(v: unknown): PinAttempts | null {
  if (!isRecord(v) || !isCount(v['failed']) || !isCount(v['notBefore'])) return null;
  return { failed: v['failed'], notBefore: v['notBefore'] };
}

function parseLoan(v: unknown): KioskLoan | null {
  if (!isRecord(v) || !isIso(v['startedAt']) || typeof v['returning'] !== 'boolean') return null;
  const pinWrap = parseSecretSealed(v['pinWrap']);
  const staffWrap = parseSecretSealed(v['staffWrap']);
  const attempts = parseAttempts(v['attempts']);
  if (!pinWrap || !staffWrap || !attempts) return null;
  return { startedAt: v['startedAt'], pinWrap, staffWrap, attempts, returning: v['returning'] };
}

function parseSettings(v: unknown): KioskSettings | null {
  if (!isRecord(v) || typeof v['idleMinutes'] !== 'number' || typeof v['clinicName'] !== 'string') return null;
  // Kiosks set up before the region was asked for show the US lines until staff choose.
  const region = v['region'] === undefined ? 'US' : v['region'];
  if (typeof region !== 'string') return null;
  const settings: KioskSettings = { idleMinutes: v['idleMinutes'], clinicName: v['clinicName'], region };
  return kioskSettingsProblem(settings) ? null : settings;
}

/** Validates a stored kiosk row (every field); null when anything is off. */
export function parseKioskState(v: unknown): KioskStateRow | null {
  if (!isRecord(v) || v['key'] !== 'state' || v['schemaVersion'] !== KIOSK_STATE_VERSION || !isIso(v['provisionedAt'])) return null;
  if (v['locale'] !== 'en' && v['locale'] !== 'es') return null;
  const staffCheck = parseSecretSealed(v['staffCheck']);
  const settings = parseSettings(v['settings']);
  const loan = v['loan'] === null ? null : parseLoan(v['loan']);
  if (!staffCheck || !settings || (v['loan'] !== null && !loan)) return null;
  return { key: 'state', schemaVersion: KIOSK_STATE_VERSION, provisionedAt: v['provisionedAt'], staffCheck, settings, locale: v['locale'], loan };
}
