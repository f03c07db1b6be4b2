/** Storage failures a person can meet (full disk, blocked database), as values. */
import type { ValidationError } from '../domain/records';

export type StorageError =
  | { code: 'storage-full'; message: string }
  | { code: 'storage-failed'; message: string };

export type StoreError =
  | StorageError
  | { code: 'invalid-record'; message: string; errors: ValidationError[] }
  | { code: 'not-found'; message: string }
  /** The document was written by a newer app: show "please update", change nothing. */
  | { code: 'read-only'; message: string };

/** Map an IndexedDB/Dexie failure to a StorageError; quota errors may arrive wrapped. */
export function toStorageError(err: unknown): StorageError {
  const names: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 4; depth++) {
    const e = cur as { name?: unknown; inner?: unknown; cause?: unknown };
    if (typeof e.name === 'string') names.push(e.name);
    cur = e.inner ?? e.cause;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (names.some((n) => n === 'QuotaExceededError' || n === 'QuotaExceeded')) {
    return { code: 'storage-full', message: `Device storage is full: ${message}` };
  }
  return { code: 'storage-failed', message: `Could not save on this device: ${message}` };
}
