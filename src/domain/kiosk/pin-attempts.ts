/**
 * Wrong PINs slow down, then need staff. The counter lives on the device in clear (the
 * kiosk table), so it stops someone at the screen; against someone who copies the storage,
 * the slow key derivation is what counts (DESIGN.md "Security").
 */

/** Wrong PINs allowed without waiting. */
export const FREE_ATTEMPTS = 3;
/** Waits after the 4th, 5th, 6th and 7th wrong PIN; the next wrong one locks until staff come. */
export const WAITS_MS: readonly number[] = [30_000, 60_000, 120_000, 300_000];
export const ATTEMPTS_BEFORE_STAFF = FREE_ATTEMPTS + WAITS_MS.length + 1;

export interface PinAttempts {
  /** Wrong PINs since the last right one (or since staff reset). */
  failed: number;
  /** No PIN is tried before this time (ms since the epoch); 0 when there is no wait. */
  notBefore: number;
}

export const NO_ATTEMPTS: PinAttempts = { failed: 0, notBefore: 0 };

export type PinGate =
  | { kind: 'open'; triesBeforeWait: number }
  | { kind: 'wait'; untilMs: number }
  | { kind: 'staff' };

/** Whether a PIN may be tried now. */
export function pinGate(a: PinAttempts, now: number): PinGate {
  if (a.failed >= ATTEMPTS_BEFORE_STAFF) return { kind: 'staff' };
  if (now < a.notBefore) return { kind: 'wait', untilMs: a.notBefore };
  return { kind: 'open', triesBeforeWait: Math.max(0, FREE_ATTEMPTS - a.failed) };
}

/** The attempts after one more wrong PIN at `now`. */
export function afterWrongPin(a: PinAttempts, now: number): PinAttempts {
  const failed = a.failed + 1;
  const wait = failed > FREE_ATTEMPTS ? WAITS_MS[failed - FREE_ATTEMPTS - 1] : undefined;
  return { failed, notBefore: wait === undefined ? 0 : now + wait };
}
