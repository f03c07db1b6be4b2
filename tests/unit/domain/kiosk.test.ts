import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  afterWrongPin, ATTEMPTS_BEFORE_STAFF, FREE_ATTEMPTS, kioskSettingsProblem, NO_ATTEMPTS, passphraseProblem, pinGate, pinProblem, WAITS_MS,
} from '../../../src/domain/kiosk';

describe('PIN rules', () => {
  it('asks for 6 to 12 digits', () => {
    expect(pinProblem('48291')).toBe('too-short');
    expect(pinProblem('482915')).toBeNull();
    expect(pinProblem('482915730461')).toBeNull();
    expect(pinProblem('4829157304612')).toBe('too-long');
    expect(pinProblem('48291a')).toBe('digits-only');
    expect(pinProblem('482 915')).toBe('digits-only');
    expect(pinProblem('４８２９１５')).toBe('digits-only'); // full-width digits are not on the pad
  });

  it('refuses one digit repeated and runs up or down the pad, wrapping', () => {
    for (const pin of ['000000', '999999', '123456', '654321', '789012', '210987', '3456789012']) expect(pinProblem(pin), pin).toBe('too-simple');
    for (const pin of ['121212', '135790', '112233', '482915']) expect(pinProblem(pin), pin).toBeNull();
  });

  it('staff passphrases have at least 10 characters (counted after NFC), at most 200', () => {
    expect(passphraseProblem('123456789')).toBe('too-short');
    expect(passphraseProblem('1234567890')).toBeNull();
    expect(passphraseProblem('cafe\u0301cafe\u0301')).toBe('too-short'); // 8 characters once composed
    expect(passphraseProblem('x'.repeat(201))).toBe('too-long');
  });
});

describe('wrong PINs', () => {
  const at = 1_700_000_000_000;

  it('three are free; then 30 s, 1, 2 and 5 minutes; the eighth needs staff', () => {
    let a = NO_ATTEMPTS;
    let now = at;
    for (let i = 1; i <= FREE_ATTEMPTS; i++) {
      a = afterWrongPin(a, now);
      expect(pinGate(a, now)).toEqual({ kind: 'open', triesBeforeWait: FREE_ATTEMPTS - i });
    }
    for (const wait of WAITS_MS) {
      a = afterWrongPin(a, now);
      expect(pinGate(a, now)).toEqual({ kind: 'wait', untilMs: now + wait });
      expect(pinGate(a, now + wait - 1).kind).toBe('wait');
      now += wait;
      expect(pinGate(a, now).kind).toBe('open');
    }
    a = afterWrongPin(a, now);
    expect(a.failed).toBe(ATTEMPTS_BEFORE_STAFF);
    expect(pinGate(a, now)).toEqual({ kind: 'staff' });
    expect(pinGate(a, now + 365 * 24 * 3_600_000)).toEqual({ kind: 'staff' });
  });

  it('never opens before the wait is over, and the count only grows (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 600_000 }), { maxLength: 12 }), (gaps) => {
      let a = NO_ATTEMPTS;
      let now = at;
      for (const gap of gaps) {
        now += gap;
        if (pinGate(a, now).kind !== 'open') continue;
        const next = afterWrongPin(a, now);
        expect(next.failed).toBe(a.failed + 1);
        expect(next.notBefore === 0 || next.notBefore > now).toBe(true);
        a = next;
      }
    }), { seed: 5, numRuns: 200 });
  });
});

describe('kiosk settings', () => {
  it('idle time is a whole number of minutes from 1 to 30; the clinic name at most 80 characters', () => {
    expect(kioskSettingsProblem({ idleMinutes: 3, clinicName: '', region: 'US' })).toBeNull();
    expect(kioskSettingsProblem({ idleMinutes: 0, clinicName: '', region: 'US' })).toBe('idle-range');
    expect(kioskSettingsProblem({ idleMinutes: 31, clinicName: '', region: 'US' })).toBe('idle-range');
    expect(kioskSettingsProblem({ idleMinutes: 2.5, clinicName: '', region: 'US' })).toBe('idle-range');
    expect(kioskSettingsProblem({ idleMinutes: Number.NaN, clinicName: '', region: 'US' })).toBe('idle-range');
    expect(kioskSettingsProblem({ idleMinutes: 5, clinicName: 'x'.repeat(81), region: 'US' })).toBe('clinic-name-long');
    expect(kioskSettingsProblem({ idleMinutes: 5, clinicName: '', region: 'FR' })).toBe('region');
    expect(kioskSettingsProblem({ idleMinutes: 5, clinicName: '', region: 'toString' })).toBe('region');
  });
});
