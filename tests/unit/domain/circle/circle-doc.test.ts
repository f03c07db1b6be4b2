import { describe, expect, test } from 'vitest';
import {
  activeMembers, createMemberProfile, memberRoles, parseMemberProfile, removeMember, type MemberProfile,
} from '../../../../src/domain/circle/circle-doc';
import { CAREGIVER, CLINICIAN, NOW, PATIENT, isoAt, DAY_MS } from './helpers';

function member(extra: Partial<MemberProfile> = {}): MemberProfile {
  return { kind: 'member', id: CAREGIVER, name: 'Maria (daughter)', role: 'caregiver', joinedAt: isoAt(-DAY_MS), addedBy: PATIENT, schemaVersion: 1, ...extra };
}

describe('parseMemberProfile', () => {
  test('accepts a valid profile and keeps unknown keys a newer app wrote', () => {
    const stored = { ...member(), pronouns: 'she/her' };
    const parsed = parseMemberProfile(stored);
    expect(parsed).toEqual({ ok: true, value: stored });
    if (parsed.ok) expect(parsed.value).not.toBe(stored);
  });

  test('accepts a removed member with who removed them', () => {
    expect(parseMemberProfile(member({ removedAt: NOW.toISOString(), removedBy: PATIENT })).ok).toBe(true);
  });

  test('refuses what is not an object', () => {
    for (const v of [null, undefined, 'member', 3, [member()]]) {
      expect(parseMemberProfile(v)).toEqual({ ok: false, error: [{ field: '', code: 'wrongType' }] });
    }
  });

  test('reports every missing field at once', () => {
    const r = parseMemberProfile({});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.map((e) => e.field).sort()).toEqual(['addedBy', 'id', 'joinedAt', 'kind', 'name', 'role', 'schemaVersion']);
      expect(r.error.every((e) => e.code === 'required')).toBe(true);
    }
  });

  test.each([
    ['a wrong kind', { kind: 'invitation' }, { field: 'kind', code: 'unknownValue', params: { value: 'invitation' } }],
    ['an unknown role', { role: 'nurse' }, { field: 'role', code: 'unknownValue', params: { value: 'nurse' } }],
    ['a blank name', { name: '   ' }, { field: 'name', code: 'required' }],
    ['a name past 120 characters', { name: 'x'.repeat(121) }, { field: 'name', code: 'tooLong', params: { max: 120 } }],
    ['a malformed key', { id: 'not-a-key' }, { field: 'id', code: 'wrongType', params: { expected: 'memberRef' } }],
    ['a malformed addedBy', { addedBy: 7 }, { field: 'addedBy', code: 'wrongType', params: { expected: 'memberRef' } }],
    ['a local time', { joinedAt: '2026-11-23T09:00:00' }, { field: 'joinedAt', code: 'badTime' }],
    ['removal without who', { removedAt: NOW.toISOString() }, { field: 'removedBy', code: 'required' }],
    ['who without removal', { removedBy: PATIENT }, { field: 'removedAt', code: 'required' }],
  ])('refuses %s', (_name, extra, error) => {
    expect(parseMemberProfile(member(extra as Partial<MemberProfile>))).toEqual({ ok: false, error: [error] });
  });

  test('refuses a removal before joining', () => {
    const r = parseMemberProfile(member({ removedAt: isoAt(-2 * DAY_MS), removedBy: PATIENT }));
    expect(r).toMatchObject({ ok: false, error: [{ field: 'removedAt', code: 'outOfRange' }] });
  });
});

describe('schemaVersion (same rule in every circle shape)', () => {
  test.each([
    [undefined, { field: 'schemaVersion', code: 'required' }],
    ['1', { field: 'schemaVersion', code: 'wrongType' }],
    [Number.NaN, { field: 'schemaVersion', code: 'wrongType' }],
    [1.5, { field: 'schemaVersion', code: 'notInteger' }],
    [0, { field: 'schemaVersion', code: 'outOfRange', params: { min: 1, max: 1 } }],
    [2, { field: 'schemaVersion', code: 'newerVersion', params: { max: 1, found: 2 } }],
  ])('schemaVersion %s', (schemaVersion, error) => {
    expect(parseMemberProfile({ ...member(), schemaVersion })).toEqual({ ok: false, error: [error] });
  });
});

describe('building and reading members', () => {
  test('createMemberProfile trims the name and stamps the time; a blank name is refused', () => {
    expect(createMemberProfile({ id: CLINICIAN, name: '  Dr. Okafor ', role: 'clinician' }, PATIENT, NOW)).toEqual({
      ok: true,
      value: { kind: 'member', id: CLINICIAN, name: 'Dr. Okafor', role: 'clinician', joinedAt: NOW.toISOString(), addedBy: PATIENT, schemaVersion: 1 },
    });
    expect(createMemberProfile({ id: CLINICIAN, name: ' ', role: 'clinician' }, PATIENT, NOW)).toEqual({ ok: false, error: [{ field: 'name', code: 'required' }] });
  });

  test('removeMember sets who and when once; a second removal keeps the first', () => {
    const removed = removeMember(member(), PATIENT, NOW);
    expect(removed).toMatchObject({ removedAt: NOW.toISOString(), removedBy: PATIENT });
    expect(removeMember(removed, CLINICIAN, new Date(NOW.getTime() + DAY_MS))).toBe(removed);
  });

  test('activeMembers leaves out removed ones and sorts by name (case-folded) then id', () => {
    const a = member({ id: CLINICIAN, name: 'dr. Okafor' });
    const b = member({ id: CAREGIVER, name: 'Maria' });
    const c = member({ id: PATIENT, name: 'Ana', role: 'patient' });
    const gone = removeMember(member({ id: PATIENT, name: 'Zed' }), PATIENT, NOW);
    expect(activeMembers([b, gone, a, c]).map((m) => m.name)).toEqual(['Ana', 'dr. Okafor', 'Maria']);
  });

  test('memberRoles keeps removed members, whose earlier records still count', () => {
    const gone = removeMember(member(), PATIENT, NOW);
    const roles = memberRoles([gone, member({ id: CLINICIAN, role: 'clinician' })]);
    expect(roles.get(CAREGIVER)).toBe('caregiver');
    expect(roles.get(CLINICIAN)).toBe('clinician');
    expect(roles.size).toBe(2);
  });
});
