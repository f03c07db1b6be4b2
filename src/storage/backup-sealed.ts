/**
 * Password-protected backups, for files that leave a shared or borrowed device. The sealed
 * part is the ordinary backup JSON (backup.ts), encrypted with AES-256-GCM under an Argon2id
 * key from the password (at-rest/seal.ts):
 *
 *   { "format": "paceline-backup-sealed", "formatVersion": 1, "exportedAt": ISO time,
 *     "kdf": { "alg": "argon2id", "memoryKiB", "iterations", "parallelism", "salt": base64 },
 *     "nonce": base64 (12 bytes), "ciphertext": base64 (AES-GCM output, tag last) }
 *
 * The associated data is "paceline-backup-sealed/1", so the ciphertext cannot be passed off
 * as another format or version. The KDF parameters are bound by the key they produce. The
 * outer exportedAt is not authenticated: it is only shown before the password is typed;
 * after that the sealed backup's own exportedAt is what counts.
 */
import { toLocalDate } from '../domain';
import { parseKdfParams, type KdfParams } from './at-rest/kdf';
import { openWithSecret, sealWithSecret, SEAL_NONCE_BYTES, SEAL_TAG_BYTES } from './at-rest/seal';
import {
  MAX_BACKUP_CHARS, backupToJson, backupTooLarge, exportBackup, parseBackup, parseBackupData, parseBackupJson,
  type BackupError, type BackupFileV1, type BackupResult,
} from './backup';
import type { PacelineDB } from './db';

export const SEALED_BACKUP_FORMAT = 'paceline-backup-sealed';
export const SEALED_BACKUP_FORMAT_VERSION = 1;
/** The sealed backup JSON may be as long in UTF-8 bytes as a plain backup may be in characters. */
export const MAX_SEALED_PLAIN_BYTES = MAX_BACKUP_CHARS;
/** Base64 of the largest ciphertext, plus room for the small fields around it. */
export const MAX_SEALED_BACKUP_CHARS = 4 * Math.ceil((MAX_SEALED_PLAIN_BYTES + SEAL_TAG_BYTES) / 3) + 4096;
export const BACKUP_PASSWORD_MIN_CHARS = 8;

export interface SealedBackupFileV1 {
  format: typeof SEALED_BACKUP_FORMAT;
  formatVersion: 1;
  exportedAt: string;
  kdf: KdfParams;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

/** Either kind of backup file, checked as far as it can be without a password. */
export type AnyBackupFile = { sealed: false; backup: BackupFileV1 } | { sealed: true; file: SealedBackupFileV1 };

const AAD = new TextEncoder().encode(`${SEALED_BACKUP_FORMAT}/${SEALED_BACKUP_FORMAT_VERSION}`);
const TOP_FIELDS = new Set(['format', 'formatVersion', 'exportedAt', 'kdf', 'nonce', 'ciphertext']);
const KDF_FIELDS = new Set(['alg', 'memoryKiB', 'iterations', 'parallelism', 'salt']);
const MAX_EXPORTED_AT_CHARS = 64;

const fail = (error: BackupError) => ({ ok: false as const, error });
const invalid = (field: string, what: string) =>
  fail({ code: 'invalid-file', message: `The protected backup's ${what} is not valid.`, field });

// ---- password rule ---------------------------------------------------------------------

export type BackupPasswordProblem = { field: 'password'; code: 'tooShort' } | { field: 'repeat'; code: 'mismatch' };

/** Characters as a person counts them: code points after NFC ("é" is one either way it was typed). */
const passwordLength = (password: string) => [...password.normalize('NFC')].length;

/** The form rule for a new backup password: at least 8 characters, typed the same twice. */
export function validateBackupPassword(password: string, repeat: string): BackupPasswordProblem[] {
  const problems: BackupPasswordProblem[] = [];
  if (passwordLength(password) < BACKUP_PASSWORD_MIN_CHARS) problems.push({ field: 'password', code: 'tooShort' });
  else if (password.normalize('NFC') !== repeat.normalize('NFC')) problems.push({ field: 'repeat', code: 'mismatch' });
  return problems;
}

// ---- export ----------------------------------------------------------------------------

/**
 * Seal a backup under a password. Throws RangeError for a password shorter than
 * BACKUP_PASSWORD_MIN_CHARS (callers check with validateBackupPassword first) or a backup
 * too large to be imported again.
 */
export async function sealBackup(backup: BackupFileV1, password: string, params?: KdfParams): Promise<SealedBackupFileV1> {
  if (passwordLength(password) < BACKUP_PASSWORD_MIN_CHARS) throw new RangeError('sealBackup: password too short');
  const plain = new TextEncoder().encode(backupToJson(backup));
  if (plain.length > MAX_SEALED_PLAIN_BYTES) throw new RangeError('sealBackup: backup too large to import again');
  const box = await sealWithSecret(plain, password, AAD, params);
  return {
    format: SEALED_BACKUP_FORMAT, formatVersion: SEALED_BACKUP_FORMAT_VERSION, exportedAt: backup.exportedAt,
    kdf: box.kdf, nonce: box.nonce, ciphertext: box.sealed,
  };
}

/** The file's text. */
export function sealedBackupToJson(file: SealedBackupFileV1): string {
  const { alg, memoryKiB, iterations, parallelism, salt } = file.kdf;
  return JSON.stringify({
    format: file.format, formatVersion: file.formatVersion, exportedAt: file.exportedAt,
    kdf: { alg, memoryKiB, iterations, parallelism, salt: toBase64(salt) },
    nonce: toBase64(file.nonce), ciphertext: toBase64(file.ciphertext),
  });
}

/**
 * A password-protected backup of a circle, ready to save: its file name and text. For any
 * screen that hands a file off the device (Settings, the kiosk's "return device"). Throws
 * RangeError for a password shorter than BACKUP_PASSWORD_MIN_CHARS.
 */
export async function exportSealedBackupText(db: PacelineDB, circleId: string, password: string, now: Date = new Date()): Promise<{ name: string; text: string }> {
  const backup = await exportBackup(db, circleId, now);
  const sealed = await sealBackup(backup, password);
  return { name: `paceline-backup-${toLocalDate(now)}-protected.json`, text: sealedBackupToJson(sealed) };
}

// ---- import ----------------------------------------------------------------------------

/** Read either kind of backup file; never throws. A sealed file still needs openSealedBackup. */
export function parseAnyBackup(text: string): BackupResult<AnyBackupFile> {
  if (text.length > MAX_SEALED_BACKUP_CHARS) return backupTooLarge(MAX_BACKUP_CHARS);
  const json = parseBackupJson(text);
  if (!json.ok) return json;
  if (isObject(json.value) && json.value['format'] === SEALED_BACKUP_FORMAT) {
    const file = parseSealedBackupData(json.value);
    return file.ok ? { ok: true, value: { sealed: true, file: file.value } } : file;
  }
  // Plain backups keep their own, smaller limit.
  if (text.length > MAX_BACKUP_CHARS) return backupTooLarge(MAX_BACKUP_CHARS);
  const plain = parseBackupData(json.value);
  return plain.ok ? { ok: true, value: { sealed: false, backup: plain.value } } : plain;
}

/** Check every field of a sealed backup's JSON value (format, version, sizes, encodings). */
export function parseSealedBackupData(data: unknown): BackupResult<SealedBackupFileV1> {
  if (!isObject(data) || data['format'] !== SEALED_BACKUP_FORMAT) {
    return fail({ code: 'not-a-backup', message: 'This file is not a Paceline backup.' });
  }
  const version = data['formatVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return invalid('formatVersion', 'format version');
  if (version > SEALED_BACKUP_FORMAT_VERSION) {
    return fail({ code: 'newer-version', message: 'This backup was made by a newer Paceline. Please update the app, then import it again.', formatVersion: version });
  }
  // A field this version does not know could change how the file must be read: refuse it.
  const unknown = Object.keys(data).find((k) => !TOP_FIELDS.has(k));
  if (unknown !== undefined) return invalid(unknown, `field "${unknown}"`);

  const exportedAt = data['exportedAt'];
  if (typeof exportedAt !== 'string' || exportedAt.length > MAX_EXPORTED_AT_CHARS || Number.isNaN(Date.parse(exportedAt))) {
    return invalid('exportedAt', 'date');
  }

  const kdfValue = data['kdf'];
  if (!isObject(kdfValue)) return invalid('kdf', 'key setting');
  const badKdfField = Object.keys(kdfValue).find((k) => !KDF_FIELDS.has(k));
  if (badKdfField !== undefined) return invalid(`kdf.${badKdfField}`, 'key setting');
  const salt = fromBase64(kdfValue['salt'], 128);
  if (!salt) return invalid('kdf.salt', 'key setting');
  const kdf = parseKdfParams({ ...kdfValue, salt });
  if (!kdf) return invalid('kdf', 'key setting');

  const nonce = fromBase64(data['nonce'], 64);
  if (!nonce || nonce.length !== SEAL_NONCE_BYTES) return invalid('nonce', 'nonce');
  const ciphertext = fromBase64(data['ciphertext'], MAX_SEALED_BACKUP_CHARS);
  if (!ciphertext || ciphertext.length < SEAL_TAG_BYTES || ciphertext.length > MAX_SEALED_PLAIN_BYTES + SEAL_TAG_BYTES) {
    return invalid('ciphertext', 'content');
  }
  return { ok: true, value: { format: SEALED_BACKUP_FORMAT, formatVersion: 1, exportedAt, kdf, nonce, ciphertext } };
}

/**
 * Open a sealed backup with its password and check the backup inside completely.
 * 'wrong-password' also covers a changed ciphertext: AES-GCM cannot tell them apart. Throws
 * only when the device cannot run Argon2id at all (no WebAssembly, or no 64 MiB to give it).
 */
export async function openSealedBackup(file: SealedBackupFileV1, password: string): Promise<BackupResult<BackupFileV1>> {
  const wrong = fail({ code: 'wrong-password', message: 'This password does not open the backup (or the file was changed).' });
  if (password.length === 0) return wrong;
  const plain = await openWithSecret({ v: 1, kdf: file.kdf, nonce: file.nonce, sealed: file.ciphertext }, password, AAD);
  if (!plain) return wrong;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return invalid('ciphertext', 'content');
  }
  // Only a plain backup may be inside (parseBackup calls another sealed file not-a-backup).
  return parseBackup(text);
}

// ---- helpers ---------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A plain character class (no repeated group) stays linear on a 60-million-character string.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list well under engine limits.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Standard padded base64 of at most `maxChars` characters, or null. */
function fromBase64(value: unknown, maxChars: number): Uint8Array | null {
  if (typeof value !== 'string' || value.length > maxChars || value.length % 4 !== 0 || !BASE64.test(value)) return null;
  let binary: string;
  try {
    binary = atob(value);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
