/**
 * Data access for Settings: local settings, the browser's storage status, and backup
 * export / restore. Components reach storage only through these functions.
 */
import { RECORD_KINDS, toLocalDate } from '../../../domain';
import {
  backupToJson, exportBackup, exportCsv, importBackup,
  type BackupFileV1, type BackupImportReport, type BackupResult,
} from '../../../storage/backup';
import { exportSealedBackupText, openSealedBackup, parseAnyBackup, type AnyBackupFile, type SealedBackupFileV1 } from '../../../storage/backup-sealed';
import type { StoreError } from '../../../storage/errors';
import { listRecords } from '../../../storage/journal-queries';
import { getSetting, setSetting, type SettingKey, type Settings } from '../../../storage/profile';
import { requestPersistentStorage } from '../../../pwa/register';
import { useAppData } from '../../app-data';

export interface StorageStatus {
  /** null when the browser cannot say. */
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
}

export type PersistOutcome = 'granted' | 'denied' | 'unsupported' | 'failed';

export interface SettingsData {
  get<K extends SettingKey>(key: K): Promise<Settings[K]>;
  set<K extends SettingKey>(key: K, value: Settings[K]): Promise<boolean>;
  storageStatus(): Promise<StorageStatus>;
  /** Asks the browser to keep our data; the outcome is saved to the 'persistence' setting. */
  requestPersistence(): Promise<PersistOutcome>;
  /** The backup file's text and its name. */
  backupFile(now?: Date): Promise<{ name: string; text: string }>;
  /** The same backup sealed under a password (at least BACKUP_PASSWORD_MIN_CHARS; check first). */
  protectedBackupFile(password: string, now?: Date): Promise<{ name: string; text: string }>;
  csvFile(now?: Date): Promise<{ name: string; text: string }>;
  /** Reads a plain or a password-protected backup file; a protected one still needs unseal(). */
  parse(text: string): BackupResult<AnyBackupFile>;
  unseal(file: SealedBackupFileV1, password: string): Promise<BackupResult<BackupFileV1>>;
  restore(parsed: BackupFileV1): Promise<{ ok: true; value: BackupImportReport } | { ok: false; error: StoreError }>;
}

/** The settings feature's data access, for the current device and circle. */
export function createSettings(): SettingsData {
  const { db, circleId, journal } = useAppData();
  return {
    get: (key) => getSetting(db, key),
    set: async (key, value) => (await setSetting(db, key, value)).ok,

    async storageStatus() {
      const storage = navigator.storage;
      const [persisted, estimate] = await Promise.all([
        storage?.persisted ? storage.persisted().catch(() => null) : Promise.resolve(null),
        storage?.estimate ? storage.estimate().catch(() => null) : Promise.resolve(null),
      ]);
      return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
    },

    async requestPersistence() {
      let outcome: PersistOutcome;
      let granted = false;
      try {
        const answer = await requestPersistentStorage();
        granted = answer.granted;
        outcome = !answer.supported ? 'unsupported' : answer.granted ? 'granted' : 'denied';
      } catch (e) {
        console.error('persist request failed', e);
        outcome = 'failed';
      }
      await setSetting(db, 'persistence', { requested: true, granted, checkedAt: new Date().toISOString() });
      return outcome;
    },

    async backupFile(now = new Date()) {
      const backup = await exportBackup(db, circleId, now);
      return { name: `paceline-backup-${toLocalDate(now)}.json`, text: backupToJson(backup) };
    },

    protectedBackupFile: (password, now = new Date()) => exportSealedBackupText(db, circleId, password, now),

    async csvFile(now = new Date()) {
      const records = await listRecords(db, circleId, RECORD_KINDS);
      return { name: `paceline-${toLocalDate(now)}.csv`, text: exportCsv(records) };
    },

    parse: (text) => parseAnyBackup(text),
    unseal: (file, password) => openSealedBackup(file, password),

    async restore(parsed) {
      try {
        const result = await importBackup(await journal(), parsed, db);
        performance.mark('paceline:import-done');
        return result;
      } catch (e) {
        console.error('restore failed', e);
        return { ok: false, error: { code: 'storage-failed', message: String(e) } };
      }
    },
  };
}

/** Starts a download of `text` as a file, the way browsers save files offline too. */
export function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
