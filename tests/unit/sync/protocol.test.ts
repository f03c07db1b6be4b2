import { describe, expect, it } from 'vitest';
import {
  CLOSE_REASONS,
  DOC_CLASSES,
  ERROR_CODES,
  LIMITS,
  ROLES,
  WRITE_RIGHTS,
  closeReasonOf,
  docIdOf,
  errorCodeOf,
  isDocId,
  isRetryableClose,
  mayWrite,
  parseDocId,
  writesWithoutReading,
} from '../../../src/sync/protocol';
import { answerChallenge, verifyChallengeAnswer } from '../../../src/sync/protocol-auth';
import { CIRCLE, deviceFromSeed } from './fixtures';

describe('write rights (DESIGN.md document table)', () => {
  it('matches the table for every role and class', () => {
    const expected: Record<string, string[]> = {
      circle: ['patient', 'clinician'],
      plan: ['patient', 'caregiver', 'clinician'],
      journal: ['patient', 'caregiver', 'intake'],
      messages: ['patient', 'caregiver', 'clinician'],
      alerts: ['patient', 'caregiver', 'clinician', 'intake'],
    };
    for (const docClass of DOC_CLASSES) {
      expect(ROLES.filter((role) => mayWrite(role, docClass)), docClass).toEqual(expected[docClass]);
    }
  });

  it('marks partial rights as limited, for clients to enforce on apply', () => {
    expect(WRITE_RIGHTS.plan.patient).toBe('limited');
    expect(WRITE_RIGHTS.journal.caregiver).toBe('limited');
    expect(WRITE_RIGHTS.alerts.clinician).toBe('full');
    expect(WRITE_RIGHTS.circle.clinician).toBe('limited');
    expect(WRITE_RIGHTS.journal.clinician).toBe('none');
    // The waiting-room tablet adds answers and raises alerts; it reads nothing.
    expect(WRITE_RIGHTS.journal.intake).toBe('limited');
    expect(DOC_CLASSES.filter((c) => writesWithoutReading('intake', c))).toEqual(['journal', 'alerts']);
    expect(DOC_CLASSES.filter((c) => writesWithoutReading('caregiver', c))).toEqual([]);
  });
});

describe('ids', () => {
  it('builds and parses document ids', () => {
    expect(docIdOf(CIRCLE, 'plan')).toBe(`${CIRCLE}.plan`);
    expect(parseDocId(`${CIRCLE}.plan`)).toEqual({ circleId: CIRCLE, docClass: 'plan' });
    for (const bad of ['', CIRCLE, `${CIRCLE}.diary`, `${CIRCLE.toLowerCase()}.plan`, `${CIRCLE}.plan.x`, `8${CIRCLE.slice(1)}.plan`]) expect(isDocId(bad), bad).toBe(false);
  });
});

describe('codes', () => {
  it('has unique close codes in the application range, reversible to names', () => {
    const codes = Object.values(CLOSE_REASONS);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [name, code] of Object.entries(CLOSE_REASONS)) {
      expect(code).toBeGreaterThanOrEqual(4000);
      expect(code).toBeLessThan(5000);
      expect(closeReasonOf(code)).toBe(name);
      expect(typeof isRetryableClose(name as keyof typeof CLOSE_REASONS)).toBe('boolean');
    }
    expect(closeReasonOf(1000)).toBeNull();
    expect(isRetryableClose('server-shutting-down')).toBe(true);
    expect(isRetryableClose('protocol-version-unsupported')).toBe(false);
  });

  it('has unique error tags, reversible to names', () => {
    const tags = Object.values(ERROR_CODES);
    expect(new Set(tags).size).toBe(tags.length);
    for (const [name, tag] of Object.entries(ERROR_CODES)) expect(errorCodeOf(tag)).toBe(name);
    expect(errorCodeOf(0)).toBeNull();
  });

  it('keeps the key budget under the random-nonce bound', () => {
    expect(LIMITS.sealsPerDeviceAndEpoch * LIMITS.maxMembers).toBeLessThanOrEqual(2 ** 28);
  });
});

describe('connection auth', () => {
  it('verifies an answer only for the same relay, challenge and device', async () => {
    const device = await deviceFromSeed(1);
    const other = await deviceFromSeed(2);
    const welcome = { protocolVersion: 1, relayId: 'wss://clinic.example/relay', challenge: new Uint8Array(32).fill(1) };
    const sig = await answerChallenge(device, welcome);
    expect(await verifyChallengeAnswer(device.publicKey, welcome, sig)).toBe(true);
    expect(await verifyChallengeAnswer(other.publicKey, welcome, sig)).toBe(false);
    expect(await verifyChallengeAnswer(device.publicKey, { ...welcome, relayId: 'wss://evil.example/relay' }, sig)).toBe(false);
    expect(await verifyChallengeAnswer(device.publicKey, { ...welcome, challenge: new Uint8Array(32).fill(2) }, sig)).toBe(false);
    expect(await verifyChallengeAnswer(device.publicKey, { ...welcome, protocolVersion: 2 }, sig)).toBe(false);
  });
});
