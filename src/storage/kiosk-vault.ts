/**
 * The kiosk's keys: staff provision the tablet with a passphrase; lending it creates a random
 * data key for the patient's database, sealed twice, under a key derived from the patient's
 * PIN and under one derived from the staff passphrase (Argon2id, at-rest/kdf.ts). Neither
 * sealed box nor the data key ever leaves the device. The staff box lets staff reset a
 * forgotten PIN without losing anything and run the hand-back; it is the clinic's key to its
 * own tablet, and the patient is told so when the loan starts.
 */
import { newKdfParams, type KdfParams } from './at-rest/kdf';
import { openWithSecret, sealWithSecret } from './at-rest/seal';
import { afterWrongPin, NO_ATTEMPTS, pinGate, pinProblem, passphraseProblem, type KioskSettings, type PinGate } from '../domain/kiosk';
import { KIOSK_STATE_VERSION, saveKiosk, type KioskLocale, type KioskStateRow } from './kiosk-store';

const enc = new TextEncoder();
const AAD = {
  staffCheck: enc.encode('paceline/kiosk/staff-check/1'),
  pin: enc.encode('paceline/kiosk/data-key/pin/1'),
  staff: enc.encode('paceline/kiosk/data-key/staff/1'),
};
const STAFF_MARKER = enc.encode('paceline kiosk staff');
export const DATA_KEY_BYTES = 32;

/** KDF cost: the default in the app; tests pass cheaper settings. */
export interface VaultOptions { kdf?: Omit<KdfParams, 'salt'> }

const params = (o: VaultOptions) => newKdfParams(o.kdf);

function newDataKey(): Uint8Array {
  const key = new Uint8Array(DATA_KEY_BYTES);
  crypto.getRandomValues(key);
  return key;
}

export type VaultError = 'bad-passphrase' | 'wrong-staff' | 'bad-pin' | 'no-loan' | 'loan-open';

/** Turns this browser into a kiosk. */
export async function provisionKiosk(passphrase: string, settings: KioskSettings, locale: KioskLocale, now: Date, o: VaultOptions = {}): Promise<{ ok: true; state: KioskStateRow } | { ok: false; error: VaultError }> {
  if (passphraseProblem(passphrase)) return { ok: false, error: 'bad-passphrase' };
  const state: KioskStateRow = {
    key: 'state', schemaVersion: KIOSK_STATE_VERSION, provisionedAt: now.toISOString(),
    staffCheck: await sealWithSecret(STAFF_MARKER, passphrase, AAD.staffCheck, params(o)),
    settings, locale, loan: null,
  };
  await saveKiosk(state);
  return { ok: true, state };
}

/** True when `passphrase` is the staff passphrase. */
export async function checkStaff(state: KioskStateRow, passphrase: string): Promise<boolean> {
  return (await openWithSecret(state.staffCheck, passphrase, AAD.staffCheck)) !== null;
}

/** Lends the tablet: a new data key sealed under the PIN and the staff passphrase. */
export async function startLoan(state: KioskStateRow, staffPassphrase: string, pin: string, now: Date, o: VaultOptions = {}): Promise<{ ok: true; state: KioskStateRow; key: Uint8Array } | { ok: false; error: VaultError }> {
  if (state.loan) return { ok: false, error: 'loan-open' };
  if (pinProblem(pin)) return { ok: false, error: 'bad-pin' };
  if (!(await checkStaff(state, staffPassphrase))) return { ok: false, error: 'wrong-staff' };
  const key = newDataKey();
  const [pinWrap, staffWrap] = [await sealWithSecret(key, pin, AAD.pin, params(o)), await sealWithSecret(key, staffPassphrase, AAD.staff, params(o))];
  const next: KioskStateRow = { ...state, loan: { startedAt: now.toISOString(), pinWrap, staffWrap, attempts: NO_ATTEMPTS, returning: false } };
  await saveKiosk(next);
  return { ok: true, state: next, key };
}

export type PinUnlock =
  | { ok: true; key: Uint8Array; state: KioskStateRow }
  | { ok: false; gate: PinGate; state: KioskStateRow };

/**
 * Tries a PIN. The attempt is counted before the slow derivation runs, so closing the app
 * mid-try does not give a free guess; a right PIN clears the count.
 */
export async function unlockWithPin(state: KioskStateRow, pin: string, now: number): Promise<PinUnlock> {
  const loan = state.loan;
  if (!loan) return { ok: false, gate: { kind: 'staff' }, state };
  const gate = pinGate(loan.attempts, now);
  if (gate.kind !== 'open') return { ok: false, gate, state };
  const counted: KioskStateRow = { ...state, loan: { ...loan, attempts: afterWrongPin(loan.attempts, now) } };
  await saveKiosk(counted);
  const key = await openWithSecret(loan.pinWrap, pin, AAD.pin);
  if (!key) return { ok: false, gate: pinGate(counted.loan!.attempts, now), state: counted };
  const cleared: KioskStateRow = { ...state, loan: { ...loan, attempts: NO_ATTEMPTS } };
  await saveKiosk(cleared);
  return { ok: true, key, state: cleared };
}

/** Staff open the patient's data (hand-back, or to reset a PIN); null for a wrong passphrase. */
export async function unlockAsStaff(state: KioskStateRow, passphrase: string): Promise<Uint8Array | null> {
  if (!state.loan) return null;
  return openWithSecret(state.loan.staffWrap, passphrase, AAD.staff);
}

/** Staff reset a forgotten PIN: the same data key under a new PIN; wrong-PIN count cleared. */
export async function resetPin(state: KioskStateRow, staffPassphrase: string, pin: string, o: VaultOptions = {}): Promise<{ ok: true; state: KioskStateRow; key: Uint8Array } | { ok: false; error: VaultError }> {
  if (!state.loan) return { ok: false, error: 'no-loan' };
  if (pinProblem(pin)) return { ok: false, error: 'bad-pin' };
  const key = await unlockAsStaff(state, staffPassphrase);
  if (!key) return { ok: false, error: 'wrong-staff' };
  const next: KioskStateRow = { ...state, loan: { ...state.loan, pinWrap: await sealWithSecret(key, pin, AAD.pin, params(o)), attempts: NO_ATTEMPTS } };
  await saveKiosk(next);
  return { ok: true, state: next, key };
}

/** Staff change the kiosk settings, and the passphrase when `newPassphrase` is given (re-sealing the loan's staff box). */
export async function changeKioskSettings(state: KioskStateRow, staffPassphrase: string, settings: KioskSettings, locale: KioskLocale, newPassphrase: string | null, o: VaultOptions = {}): Promise<{ ok: true; state: KioskStateRow } | { ok: false; error: VaultError }> {
  if (newPassphrase !== null && passphraseProblem(newPassphrase)) return { ok: false, error: 'bad-passphrase' };
  if (!(await checkStaff(state, staffPassphrase))) return { ok: false, error: 'wrong-staff' };
  let next: KioskStateRow = { ...state, settings, locale };
  if (newPassphrase !== null) {
    next = { ...next, staffCheck: await sealWithSecret(STAFF_MARKER, newPassphrase, AAD.staffCheck, params(o)) };
    if (state.loan) {
      const key = await unlockAsStaff(state, staffPassphrase);
      if (!key) return { ok: false, error: 'wrong-staff' };
      next = { ...next, loan: { ...state.loan, staffWrap: await sealWithSecret(key, newPassphrase, AAD.staff, params(o)) } };
    }
  }
  await saveKiosk(next);
  return { ok: true, state: next };
}

/** Staff confirmed the hand-back; the wipe runs at the next start, before the database opens. */
export async function markReturning(state: KioskStateRow): Promise<KioskStateRow> {
  if (!state.loan) return state;
  const next: KioskStateRow = { ...state, loan: { ...state.loan, returning: true } };
  await saveKiosk(next);
  return next;
}

/** After the wipe: ready for the next patient. */
export async function endLoan(state: KioskStateRow): Promise<KioskStateRow> {
  const next: KioskStateRow = { ...state, loan: null };
  await saveKiosk(next);
  return next;
}
