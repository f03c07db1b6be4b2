/**
 * Why a row of an encrypted table could not be read or written. Thrown, not returned: Dexie's
 * DBCore can only reject, and a rejected request aborts the transaction it is part of, which
 * is what must happen when a row cannot be sealed or opened.
 */
export type AtRestErrorCode =
  /** No data key (the kiosk is locked): sealed rows cannot be read, and nothing may be written. */
  | 'locked'
  /** A sealed row does not open: another key, changed bytes, or moved to another key or table. */
  | 'corrupt'
  /** A value the row encoding cannot hold exactly (a Map, a Blob, a cycle): refused, never stored changed. */
  | 'unsupported';

export class AtRestError extends Error {
  override readonly name = 'AtRestError';

  constructor(readonly code: AtRestErrorCode, message: string) {
    super(message);
  }
}

export function isAtRestError(err: unknown): err is AtRestError {
  return err instanceof AtRestError;
}
