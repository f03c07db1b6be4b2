import { describe, expect, test } from 'vitest';
import { isUlid } from '../../../../src/domain/ids';
import {
  DEFAULT_INVITE_TTL_MS, INVITE_TTL_LIMITS_MS, createInvitation, invitationState, parseInvitation, revokeInvitation,
  useInvitation, type Invitation,
} from '../../../../src/domain/circle/invitations';
import { CAREGIVER, CLINICIAN, DAY_MS, HOUR_MS, NOW, PATIENT, idFor, isoAt } from './helpers';

function invitation(extra: Partial<Invitation> = {}): Invitation {
  return {
    kind: 'invitation', id: idFor(1), role: 'caregiver', name: 'Maria (daughter)', createdBy: PATIENT,
    createdAt: NOW.toISOString(), expiresAt: isoAt(DEFAULT_INVITE_TTL_MS), schemaVersion: 1, ...extra,
  };
}
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('parseInvitation', () => {
  test('accepts open, used and revoked invitations, keeping unknown keys', () => {
    expect(parseInvitation({ ...invitation(), futureField: true })).toEqual({ ok: true, value: { ...invitation(), futureField: true } });
    expect(parseInvitation(invitation({ usedAt: isoAt(HOUR_MS), usedBy: CAREGIVER })).ok).toBe(true);
    expect(parseInvitation(invitation({ revokedAt: isoAt(HOUR_MS), revokedBy: PATIENT })).ok).toBe(true);
  });

  test.each([
    ['a non-ULID id', { id: 'abc' }, [{ field: 'id', code: 'wrongType', params: { expected: 'ulid' } }]],
    ['an unknown role', { role: 'friend' }, [{ field: 'role', code: 'unknownValue', params: { value: 'friend' } }]],
    ['a blank name', { name: '' }, [{ field: 'name', code: 'required' }]],
    ['usedAt without usedBy', { usedAt: isoAt(HOUR_MS) }, [{ field: 'usedBy', code: 'required' }]],
    ['usedBy without usedAt', { usedBy: CAREGIVER }, [{ field: 'usedAt', code: 'required' }]],
    ['revokedBy not a key', { revokedAt: isoAt(HOUR_MS), revokedBy: 'me' }, [{ field: 'revokedBy', code: 'wrongType', params: { expected: 'memberRef' } }]],
    ['an expiry at creation', { expiresAt: NOW.toISOString() }, [{ field: 'expiresAt', code: 'outOfRange', params: { min: 1, max: INVITE_TTL_LIMITS_MS.max } }]],
    ['an expiry past 30 days', { expiresAt: isoAt(INVITE_TTL_LIMITS_MS.max + 1) }, [{ field: 'expiresAt', code: 'outOfRange', params: { min: 1, max: INVITE_TTL_LIMITS_MS.max } }]],
    ['a date that does not exist', { expiresAt: '2026-11-31T00:00:00.000Z' }, [{ field: 'expiresAt', code: 'badTime' }]],
    ['a newer schema', { schemaVersion: 2 }, [{ field: 'schemaVersion', code: 'newerVersion', params: { max: 1, found: 2 } }]],
  ])('refuses %s', (_name, extra, error) => {
    expect(parseInvitation(invitation(extra as Partial<Invitation>))).toEqual({ ok: false, error });
  });

  test('a short stored lifetime (under today\'s minimum) still reads', () => {
    expect(parseInvitation(invitation({ expiresAt: isoAt(60_000) })).ok).toBe(true);
  });
});

describe('invitationState', () => {
  test('open until it expires; expired at the instant of expiry', () => {
    const inv = invitation();
    expect(invitationState(inv, NOW)).toBe('open');
    expect(invitationState(inv, at(DEFAULT_INVITE_TTL_MS - 1))).toBe('open');
    expect(invitationState(inv, at(DEFAULT_INVITE_TTL_MS))).toBe('expired');
  });

  test('used stays used after the expiry', () => {
    const inv = invitation({ usedAt: isoAt(DAY_MS), usedBy: CAREGIVER });
    expect(invitationState(inv, at(DAY_MS))).toBe('used');
    expect(invitationState(inv, at(30 * DAY_MS))).toBe('used');
  });

  test('revoked, whether before or after the expiry', () => {
    const inv = invitation({ revokedAt: isoAt(DAY_MS), revokedBy: PATIENT });
    expect(invitationState(inv, at(DAY_MS))).toBe('revoked');
    expect(invitationState(inv, at(30 * DAY_MS))).toBe('revoked');
  });

  test('a use and a revocation made offline: the earlier one wins', () => {
    const usedFirst = invitation({ usedAt: isoAt(HOUR_MS), usedBy: CAREGIVER, revokedAt: isoAt(2 * HOUR_MS), revokedBy: PATIENT });
    const revokedFirst = invitation({ usedAt: isoAt(2 * HOUR_MS), usedBy: CAREGIVER, revokedAt: isoAt(HOUR_MS), revokedBy: PATIENT });
    expect(invitationState(usedFirst, at(3 * HOUR_MS))).toBe('used');
    expect(invitationState(revokedFirst, at(3 * HOUR_MS))).toBe('revoked');
  });

  test('a use after the expiry does not count; it never reopens', () => {
    const late = invitation({ usedAt: isoAt(DEFAULT_INVITE_TTL_MS + HOUR_MS), usedBy: CAREGIVER });
    expect(invitationState(late, at(DEFAULT_INVITE_TTL_MS + 2 * HOUR_MS))).toBe('expired');
    // The joining device's clock ran ahead: seen from before the expiry it is used, not open.
    expect(invitationState(late, at(DAY_MS))).toBe('used');
  });
});

describe('createInvitation, useInvitation, revokeInvitation', () => {
  test('creates an open invitation for 7 days by default, name trimmed', () => {
    const r = createInvitation({ role: 'caregiver', name: ' Maria (daughter) ' }, PATIENT, NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(isUlid(r.value.id)).toBe(true);
    expect(r.value).toMatchObject({ name: 'Maria (daughter)', createdAt: NOW.toISOString(), expiresAt: isoAt(7 * DAY_MS), schemaVersion: 1 });
    expect(invitationState(r.value, NOW)).toBe('open');
  });

  test.each([[HOUR_MS - 1], [31 * DAY_MS], [Number.NaN]])('refuses a lifetime of %s ms', (ttlMs) => {
    expect(createInvitation({ role: 'clinician', name: 'Dr. Okafor', ttlMs }, PATIENT, NOW)).toEqual({
      ok: false, error: [{ field: 'ttlMs', code: 'outOfRange', params: { min: HOUR_MS, max: 30 * DAY_MS } }],
    });
  });

  test('accepts the shortest and longest lifetimes', () => {
    expect(createInvitation({ role: 'clinician', name: 'Dr. Okafor', ttlMs: HOUR_MS }, PATIENT, NOW).ok).toBe(true);
    expect(createInvitation({ role: 'clinician', name: 'Dr. Okafor', ttlMs: 30 * DAY_MS }, PATIENT, NOW).ok).toBe(true);
  });

  test('refuses a blank name and a malformed creator', () => {
    expect(createInvitation({ role: 'caregiver', name: '  ' }, PATIENT, NOW)).toEqual({ ok: false, error: [{ field: 'name', code: 'required' }] });
    expect(createInvitation({ role: 'caregiver', name: 'Maria' }, 'me', NOW)).toMatchObject({ ok: false, error: [{ field: 'createdBy' }] });
  });

  test('an invitation is used once: the second use gets its state back', () => {
    const first = useInvitation(invitation(), CAREGIVER, at(HOUR_MS));
    expect(first).toEqual({ ok: true, value: { ...invitation(), usedAt: isoAt(HOUR_MS), usedBy: CAREGIVER } });
    if (!first.ok) return;
    expect(parseInvitation(first.value).ok).toBe(true);
    expect(useInvitation(first.value, CLINICIAN, at(2 * HOUR_MS))).toEqual({ ok: false, error: 'used' });
  });

  test('an expired or revoked invitation cannot be used', () => {
    expect(useInvitation(invitation(), CAREGIVER, at(DEFAULT_INVITE_TTL_MS))).toEqual({ ok: false, error: 'expired' });
    const revoked = revokeInvitation(invitation(), PATIENT, at(HOUR_MS));
    expect(revoked).toMatchObject({ ok: true, value: { revokedAt: isoAt(HOUR_MS), revokedBy: PATIENT } });
    if (revoked.ok) expect(useInvitation(revoked.value, CAREGIVER, at(2 * HOUR_MS))).toEqual({ ok: false, error: 'revoked' });
  });

  test('only an open invitation can be revoked', () => {
    const used = invitation({ usedAt: isoAt(HOUR_MS), usedBy: CAREGIVER });
    expect(revokeInvitation(used, PATIENT, at(2 * HOUR_MS))).toEqual({ ok: false, error: 'used' });
    expect(revokeInvitation(invitation(), PATIENT, at(8 * DAY_MS))).toEqual({ ok: false, error: 'expired' });
  });

  test('a malformed device key is a bug and throws', () => {
    expect(() => useInvitation(invitation(), 'me', NOW)).toThrow(RangeError);
    expect(() => revokeInvitation(invitation(), 'me', NOW)).toThrow(RangeError);
  });
});
