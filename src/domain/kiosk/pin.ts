/**
 * Rules for the loan PIN and the staff passphrase. A PIN guards a tablet that may be lost:
 * six digits at least, and none of the first ones a thief would try (one digit repeated,
 * a run up or down the keypad).
 */

export const PIN_MIN_DIGITS = 6;
export const PIN_MAX_DIGITS = 12;
export const PASSPHRASE_MIN_CHARS = 10;
export const PASSPHRASE_MAX_CHARS = 200;

export type PinProblem = 'digits-only' | 'too-short' | 'too-long' | 'too-simple';
export type PassphraseProblem = 'too-short' | 'too-long';

/** Why a PIN cannot be used, or null when it can. */
export function pinProblem(pin: string): PinProblem | null {
  if (!/^[0-9]*$/.test(pin)) return 'digits-only';
  if (pin.length < PIN_MIN_DIGITS) return 'too-short';
  if (pin.length > PIN_MAX_DIGITS) return 'too-long';
  if (isTooSimple(pin)) return 'too-simple';
  return null;
}

/** One digit repeated, or every step +1 or every step -1 (wrapping 9 -> 0 counts). */
function isTooSimple(pin: string): boolean {
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - (digits[i] as number) + 10) % 10));
  return steps.size === 1 && (steps.has(0) || steps.has(1) || steps.has(9));
}

/** Why a staff passphrase cannot be used, or null when it can (length counts characters, not bytes). */
export function passphraseProblem(passphrase: string): PassphraseProblem | null {
  const n = [...passphrase.normalize('NFC')].length;
  if (n < PASSPHRASE_MIN_CHARS) return 'too-short';
  if (n > PASSPHRASE_MAX_CHARS) return 'too-long';
  return null;
}
