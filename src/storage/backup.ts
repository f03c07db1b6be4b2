/**
 * Backup files: export every record of a circle (deleted ones too, so history survives) and
 * import them back all-or-nothing. No yjs at module level: the store is passed in.
 */
import { parseRecord } from '../domain/validate';
import type { JournalRecord, ValidationError } from '../domain/records';
import { prefixRange, type PacelineDB } from './db';
import type { StoreError } from './errors';
import type { ImportCounts, JournalStore } from './journal-store';
import { isSettingValue, setSetting, type Settings } from './profile';

export { exportCsv } from './csv';

export const BACKUP_FORMAT = 'paceline-backup';
export const BACKUP_FORMAT_VERSION = 1;
/** Refuse larger files before parsing: five years of entries are about 3 MB. */
export const MAX_BACKUP_CHARS = 50 * 1024 * 1024;

/** Settings that travel with a backup; device facts (storage persistence) do not. */
export const BACKUP_SETTING_KEYS = ['locale', 'region', 'cadence', 'pegBaseline', 'noDataDays'] as const;
export type BackupSettings = Partial<Pick<Settings, (typeof BACKUP_SETTING_KEYS)[number]>>;

export interface BackupFileV1 {
  format: typeof BACKUP_FORMAT;
  formatVersion: 1;
  exportedAt: string;
  app: 'paceline';
  circleId: string;
  records: JournalRecord[];
  settings: BackupSettings;
}

/** One invalid record in a file: its index in `records`, the field and the validation code. */
export interface BackupRecordProblem {
  index: number;
  field: string;
  code: ValidationError['code'] | 'duplicate';
}

export type BackupError =
  | { code: 'not-json'; message: string }
  | { code: 'not-a-backup'; message: string }
  | { code: 'newer-version'; message: string; formatVersion: number }
  | { code: 'too-large'; message: string; maxChars: number }
  | { code: 'invalid-file'; message: string; field: string }
  | { code: 'invalid-records'; message: string; problems: BackupRecordProblem[] }
  /** A password-protected file (backup-sealed.ts) that this password does not open, or whose sealed part was changed. */
  | { code: 'wrong-password'; message: string };

/** Collect a circle's records (all kinds, deleted included) and its portable settings. */
export async function exportBackup(db: PacelineDB, circleId: string, now: Date = new Date()): Promise<BackupFileV1> {
  return db.transaction('r', [db.records, db.settings], async () => {
    const rows = await db.records
      .where('[circleId+kind+at]')
      .between(...prefixRange(circleId))
      .toArray();
    const settings: Record<string, unknown> = {};
    for (const row of await db.settings.bulkGet([...BACKUP_SETTING_KEYS])) {
      // Only settings the person chose and that are valid: defaults are not worth carrying.
      if (row && isSettingValue(row.key as keyof Settings, row.value)) settings[row.key] = row.value;
    }
    return {
      format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, exportedAt: now.toISOString(), app: 'paceline',
      circleId, records: rows.map((r) => r.record), settings: settings as BackupSettings,
    };
  });
}

/** The file's text (pretty enough to inspect, compact enough to mail). */
export function backupToJson(backup: BackupFileV1): string {
  return JSON.stringify(backup);
}

export type BackupResult<T> = { ok: true; value: T } | { ok: false; error: BackupError };

const fail = <E extends BackupError>(error: E) => ({ ok: false as const, error });
export const backupTooLarge = (maxChars: number) => fail({ code: 'too-large', message: 'This file is too large to be a Paceline backup.', maxChars });

/** JSON.parse that reports a non-JSON file as a BackupError. */
export function parseBackupJson(text: string): BackupResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return fail({ code: 'not-json', message: 'This file is not a Paceline backup (it is not JSON).' });
  }
}

/** Check a backup file completely; never throws. Nothing is imported unless this is ok. */
export function parseBackup(text: string): BackupResult<BackupFileV1> {
  if (text.length > MAX_BACKUP_CHARS) return backupTooLarge(MAX_BACKUP_CHARS);
  const json = parseBackupJson(text);
  return json.ok ? parseBackupData(json.value) : json;
}

/** parseBackup for an already parsed JSON value (the caller has bounded the text's size). */
export function parseBackupData(data: unknown): BackupResult<BackupFileV1> {
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== BACKUP_FORMAT) {
    return fail({ code: 'not-a-backup', message: 'This file is not a Paceline backup.' });
  }
  const file = data as Record<string, unknown>;
  const version = file['formatVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return fail({ code: 'invalid-file', message: 'The backup has no valid format version.', field: 'formatVersion' });
  }
  if (version > BACKUP_FORMAT_VERSION) {
    return fail({ code: 'newer-version', message: 'This backup was made by a newer Paceline. Please update the app, then import it again.', formatVersion: version });
  }
  for (const field of ['exportedAt', 'circleId'] as const) {
    if (typeof file[field] !== 'string') return fail({ code: 'invalid-file', message: `The backup's ${field} is missing.`, field });
  }
  if (!Array.isArray(file['records'])) return fail({ code: 'invalid-file', message: 'The backup has no record list.', field: 'records' });
  const settings = checkSettings(file['settings']);
  if (!settings.ok) return fail({ code: 'invalid-file', message: `The backup's setting ${settings.field} is not valid.`, field: settings.field });

  const problems: BackupRecordProblem[] = [];
  const records: JournalRecord[] = [];
  const ids = new Set<string>();
  file['records'].forEach((value: unknown, index: number) => {
    const parsed = parseRecord(value);
    if (!parsed.ok) {
      for (const e of parsed.error) problems.push({ index, field: e.field, code: e.code });
    } else if (ids.has(parsed.value.id)) {
      problems.push({ index, field: 'id', code: 'duplicate' });
    } else {
      ids.add(parsed.value.id);
      records.push(parsed.value);
    }
  });
  if (problems.length > 0) {
    return fail({ code: 'invalid-records', message: `${new Set(problems.map((p) => p.index)).size} records in this backup are not valid; nothing was imported.`, problems });
  }
  return {
    ok: true,
    value: {
      format: BACKUP_FORMAT, formatVersion: 1, exportedAt: file['exportedAt'] as string, app: 'paceline',
      circleId: file['circleId'] as string, records, settings: settings.value,
    },
  };
}

function checkSettings(value: unknown): { ok: true; value: BackupSettings } | { ok: false; field: string } {
  if (value === undefined) return { ok: true, value: {} };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, field: 'settings' };
  const out: Record<string, unknown> = {};
  for (const key of BACKUP_SETTING_KEYS) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (!isSettingValue(key, v)) return { ok: false, field: `settings.${key}` };
    out[key] = v;
  }
  return { ok: true, value: out as BackupSettings };
}

/** What an import did. */
export interface BackupImportReport extends ImportCounts {
  /** Settings taken from the file because this device had not set them. */
  settingsApplied: string[];
}

/**
 * Import a parsed backup into the store's circle (whatever circle it was exported from):
 * records all-or-nothing in one transaction, newer updatedAt wins; then settings this device
 * has not set (when `db` is given). Settings are local preferences, so a failure there does not undo the records.
 */
export async function importBackup(store: JournalStore, parsed: BackupFileV1, db?: PacelineDB): Promise<{ ok: true; value: BackupImportReport } | { ok: false; error: StoreError }> {
  const imported = await store.importRecords(parsed.records);
  if (!imported.ok) return imported;
  const settingsApplied: string[] = [];
  if (!db) return { ok: true, value: { ...imported.value, settingsApplied } };
  try {
    for (const key of BACKUP_SETTING_KEYS) {
      const value = parsed.settings[key];
      if (value === undefined || (await db.settings.get(key)) !== undefined) continue;
      const set = await setSetting(db, key, value);
      if (set.ok) settingsApplied.push(key);
    }
  } catch {
    // Records are in; a setting that could not be written keeps its current value.
  }
  return { ok: true, value: { ...imported.value, settingsApplied } };
}
