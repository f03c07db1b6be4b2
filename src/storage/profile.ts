/**
 * Local-only device profile and settings (never synced). Settings are checked on every read:
 * a corrupt stored value falls back to its default and is reported, never crashes a screen.
 */
import { newId } from '../domain/ids';
import { validateCadence } from '../domain/schedule';
import type { CircleRole } from './circle-rows';
import type { PacelineDB } from './db';

export const PROFILE_SCHEMA_VERSION = 1;

export interface Settings {
  locale: 'en' | 'es';
  region: 'US' | 'MX' | 'ES' | 'GB';
  /** Days between check-ins per instrument. */
  cadence: { peg: number; phq9: number; gad7: number };
  /** Outcome of navigator.storage.persist(), so the app can say plainly if storage may be evicted. */
  persistence: { requested: boolean; granted: boolean; checkedAt: string | null };
  /** PEG score the 30% worsening rule compares against; undefined until one is set. */
  pegBaseline: number | undefined;
  /** Days without a diary entry or practice log before the engagement flag (CLINICAL.md: 7). */
  noDataDays: number;
  /** Share the journal (encrypted) through the relay with the circle's devices. */
  sharing: boolean;
}
export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Settings = {
  locale: 'en',
  region: 'US',
  cadence: { peg: 7, phq9: 14, gad7: 14 },
  persistence: { requested: false, granted: false, checkedAt: null },
  pegBaseline: undefined,
  noDataDays: 7,
  sharing: true,
};

const isDays = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 365;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const CHECKS: { [K in SettingKey]: (v: unknown) => v is Settings[K] } = {
  locale: (v): v is Settings['locale'] => v === 'en' || v === 'es',
  region: (v): v is Settings['region'] => v === 'US' || v === 'MX' || v === 'ES' || v === 'GB',
  // Same rule as the form (domain validateCadence), so a stored cadence is one the schedule honours.
  cadence: (v): v is Settings['cadence'] =>
    validateCadence(v).ok && isObject(v) && isDays(v['peg']) && isDays(v['phq9']) && isDays(v['gad7']),
  persistence: (v): v is Settings['persistence'] =>
    isObject(v) && typeof v['requested'] === 'boolean' && typeof v['granted'] === 'boolean' &&
    (v['checkedAt'] === null || (typeof v['checkedAt'] === 'string' && !Number.isNaN(Date.parse(v['checkedAt'])))),
  pegBaseline: (v): v is Settings['pegBaseline'] => v === undefined || (typeof v === 'number' && v >= 0 && v <= 10),
  noDataDays: (v): v is number => isDays(v),
  sharing: (v): v is boolean => typeof v === 'boolean',
};

/** True when `value` is a valid value for setting `key`. */
export function isSettingValue<K extends SettingKey>(key: K, value: unknown): value is Settings[K] {
  return CHECKS[key](value);
}

/** A stored setting that could not be used. */
export interface SettingProblem {
  key: SettingKey;
  stored: unknown;
}

/** Where corrupt settings are reported unless the caller passes its own reporter. */
export const reportToConsole = (p: SettingProblem): void => {
  console.warn(`Paceline: stored setting "${p.key}" is not valid; using the default.`, p.stored);
};

/** The device's circle id, creating the profile (and the circle id) on first run. */
export async function ensureDeviceProfile(db: PacelineDB, now: Date = new Date()): Promise<string> {
  return (await loadDeviceProfile(db, now)).circleId;
}

/** The device's circle and role ('patient' unless set up otherwise), creating the profile on first run. */
export async function loadDeviceProfile(db: PacelineDB, now: Date = new Date()): Promise<{ circleId: string; role: CircleRole }> {
  // One rw transaction: two tabs opening at first run cannot both create a circle.
  return db.transaction('rw', db.profile, async () => {
    const existing = await db.profile.get('device');
    if (existing) return { circleId: existing.circleId, role: isCircleRole(existing.role) ? existing.role : 'patient' };
    const circleId = newId(now.getTime());
    await db.profile.put({ key: 'device', circleId, createdAt: now.toISOString(), schemaVersion: PROFILE_SCHEMA_VERSION });
    return { circleId, role: 'patient' as const };
  });
}

/** Sets who uses this device and the circle it works in (joining a circle, setting up as a clinician). */
export async function setDeviceProfile(db: PacelineDB, change: { circleId?: string; role?: CircleRole }): Promise<void> {
  await db.transaction('rw', db.profile, async () => {
    const existing = await db.profile.get('device');
    if (!existing) throw new Error('no device profile yet');
    await db.profile.put({ ...existing, ...(change.circleId ? { circleId: change.circleId } : {}), ...(change.role ? { role: change.role } : {}) });
  });
}

function isCircleRole(value: unknown): value is CircleRole {
  return value === 'patient' || value === 'caregiver' || value === 'clinician';
}

/** A setting's value; its default when unset or corrupt (corrupt ones are reported). */
export async function getSetting<K extends SettingKey>(
  db: PacelineDB,
  key: K,
  report: (problem: SettingProblem) => void = reportToConsole,
): Promise<Settings[K]> {
  const row = await db.settings.get(key);
  if (row === undefined) return structuredClone(DEFAULT_SETTINGS[key]);
  if (isSettingValue(key, row.value)) return row.value;
  report({ key, stored: row.value });
  return structuredClone(DEFAULT_SETTINGS[key]);
}

/** Store a setting; an invalid value is refused (stored settings stay valid). */
export async function setSetting<K extends SettingKey>(
  db: PacelineDB,
  key: K,
  value: Settings[K],
): Promise<{ ok: true; value: Settings[K] } | { ok: false; error: { code: 'invalid-setting'; key: K } }> {
  if (!isSettingValue(key, value)) return { ok: false, error: { code: 'invalid-setting', key } };
  if (value === undefined) await db.settings.delete(key);
  else await db.settings.put({ key, value });
  return { ok: true, value };
}
