import { describe, expect, test } from 'vitest';
import {
  consentState, createConsentRecord, journalSharedWithCaregivers, parseConsentRecord, type ConsentRecord,
} from '../../../../src/domain/circle/consent';
import {
  CONSENT_TEXTS, CONSENT_TOPICS, consentText, currentConsentVersion, type ConsentTexts,
} from '../../../../src/domain/circle/consent-texts';
import type { MemberRef, MemberRole } from '../../../../src/domain/circle/member-ref';
import { CAREGIVER, CLINICIAN, DAY_MS, NOW, PATIENT, PATIENT_TABLET, STRANGER, idFor, isoAt } from './helpers';

const ROLES = new Map<MemberRef, MemberRole>([
  [PATIENT, 'patient'], [PATIENT_TABLET, 'patient'], [CAREGIVER, 'caregiver'], [CLINICIAN, 'clinician'],
]);

function consent(n: number, decision: ConsentRecord['decision'], dayOffset: number, extra: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    kind: 'consent', id: idFor(n), topic: 'journal-sharing-caregivers', textVersion: 1, decision,
    by: PATIENT, at: isoAt(dayOffset * DAY_MS), schemaVersion: 1, ...extra,
  };
}

/** The app's texts plus a second version of the journal-sharing text. */
const TEXTS_V2: ConsentTexts = {
  ...CONSENT_TEXTS,
  'journal-sharing-caregivers': [...CONSENT_TEXTS['journal-sharing-caregivers'], { version: 2, en: 'v2', es: 'v2' }],
};

describe('consent texts', () => {
  test.each(CONSENT_TOPICS)('%s: versions ascend from 1, with a titled text in English and Spanish', (topic) => {
    const versions = CONSENT_TEXTS[topic];
    expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
    for (const v of versions) {
      for (const text of [v.en, v.es]) {
        const lines = text.split('\n');
        expect(lines.length).toBeGreaterThan(3);
        expect(lines.every((l) => l.trim() === l && l.length > 0)).toBe(true);
      }
    }
    expect(currentConsentVersion(topic)).toBe(versions[versions.length - 1]?.version);
    expect(consentText(topic, 1)).toBe(versions[0]);
    expect(consentText(topic, 99)).toBe(null);
  });

  test('the telehealth text points to emergency services; the sharing text says how to stop', () => {
    expect(CONSENT_TEXTS.telehealth[0]?.en).toMatch(/911/);
    expect(CONSENT_TEXTS.telehealth[0]?.es).toMatch(/911/);
    expect(CONSENT_TEXTS['journal-sharing-caregivers'][0]?.en).toMatch(/stop sharing at any time/);
    expect(CONSENT_TEXTS['journal-sharing-caregivers'][0]?.es).toMatch(/dejar de compartir cuando quiera/);
  });
});

describe('parseConsentRecord', () => {
  test('accepts a record, including a text version newer than this app knows', () => {
    expect(parseConsentRecord(consent(1, 'agreed', 0))).toEqual({ ok: true, value: consent(1, 'agreed', 0) });
    expect(parseConsentRecord(consent(1, 'agreed', 0, { textVersion: 5 })).ok).toBe(true);
  });

  test.each([
    ['textVersion 0', { textVersion: 0 }, { field: 'textVersion', code: 'outOfRange', params: { min: 1, max: 9999 } }],
    ['textVersion 1.5', { textVersion: 1.5 }, { field: 'textVersion', code: 'notInteger' }],
    ['textVersion as text', { textVersion: '1' }, { field: 'textVersion', code: 'wrongType' }],
    ['an unknown decision', { decision: 'maybe' }, { field: 'decision', code: 'unknownValue', params: { value: 'maybe' } }],
    ['an unknown topic', { topic: 'research' }, { field: 'topic', code: 'unknownValue', params: { value: 'research' } }],
    ['a malformed author', { by: '' }, { field: 'by', code: 'wrongType', params: { expected: 'memberRef' } }],
    ['a newer schema', { schemaVersion: 3 }, { field: 'schemaVersion', code: 'newerVersion', params: { max: 1, found: 3 } }],
  ])('refuses %s', (_name, extra, error) => {
    expect(parseConsentRecord(consent(1, 'agreed', 0, extra as Partial<ConsentRecord>))).toEqual({ ok: false, error: [error] });
  });

  test('createConsentRecord stamps id, time and the current text version', () => {
    const r = createConsentRecord({ topic: 'telehealth', decision: 'agreed' }, PATIENT, NOW);
    expect(r).toMatchObject({ ok: true, value: { kind: 'consent', topic: 'telehealth', textVersion: 1, decision: 'agreed', by: PATIENT, at: NOW.toISOString() } });
    expect(createConsentRecord({ topic: 'telehealth', decision: 'agreed' }, 'nobody', NOW).ok).toBe(false);
  });
});

describe('consentState transitions', () => {
  const state = (records: ConsentRecord[], texts?: ConsentTexts) => consentState(records, 'journal-sharing-caregivers', texts ? { texts } : {});

  test('no record: none', () => {
    expect(state([])).toEqual({ topic: 'journal-sharing-caregivers', decision: 'none', currentVersion: 1 });
  });

  test('agree', () => {
    expect(state([consent(1, 'agreed', -3)])).toEqual({
      topic: 'journal-sharing-caregivers', decision: 'agreed', by: PATIENT, at: isoAt(-3 * DAY_MS),
      textVersion: 1, recordId: idFor(1), currentVersion: 1, needsReconsent: false,
    });
  });

  test('agree, then withdraw, then agree again; input order does not matter', () => {
    const agree = consent(1, 'agreed', -3);
    const withdraw = consent(2, 'withdrawn', -2);
    const again = consent(3, 'agreed', -1);
    expect(state([agree, withdraw]).decision).toBe('withdrawn');
    expect(state([withdraw, agree]).decision).toBe('withdrawn');
    expect(state([again, withdraw, agree])).toMatchObject({ decision: 'agreed', recordId: idFor(3) });
  });

  test('records at the same moment: the larger id wins on every device', () => {
    const a = consent(7, 'agreed', 0);
    const w = consent(8, 'withdrawn', 0);
    expect(state([a, w]).decision).toBe('withdrawn');
    expect(state([w, a]).decision).toBe('withdrawn');
  });

  test('times with different precision compare as times, not strings', () => {
    // As strings, '...00Z' sorts after '...00.100Z'.
    const early = consent(9, 'agreed', 0, { at: '2026-11-23T09:00:00Z' });
    const later = consent(1, 'withdrawn', 0, { at: '2026-11-23T09:00:00.100Z' });
    expect(state([early, later]).decision).toBe('withdrawn');
  });

  test('a new text version: an agreement to the old one needs re-consent until agreed again', () => {
    expect(state([consent(1, 'agreed', -3)], TEXTS_V2)).toMatchObject({ decision: 'agreed', textVersion: 1, currentVersion: 2, needsReconsent: true });
    expect(state([consent(1, 'agreed', -3), consent(2, 'agreed', -1, { textVersion: 2 })], TEXTS_V2)).toMatchObject({ textVersion: 2, needsReconsent: false });
    expect(state([consent(1, 'withdrawn', -3)], TEXTS_V2)).toMatchObject({ decision: 'withdrawn', needsReconsent: false });
  });

  test('topics are separate', () => {
    const tele = consent(1, 'agreed', -1, { topic: 'telehealth' });
    expect(state([tele]).decision).toBe('none');
    expect(consentState([tele], 'telehealth').decision).toBe('agreed');
  });
});

describe('journalSharedWithCaregivers', () => {
  const shared = (records: ConsentRecord[]) => journalSharedWithCaregivers(records, ROLES);

  test('not shared until the patient agrees', () => {
    expect(shared([])).toBe(false);
    expect(shared([consent(1, 'agreed', -1)])).toBe(true);
    expect(shared([consent(1, 'agreed', -1, { by: PATIENT_TABLET })])).toBe(true);
  });

  test('only the patient can agree: a caregiver, a clinician or an unknown device cannot', () => {
    expect(shared([consent(1, 'agreed', -1, { by: CAREGIVER })])).toBe(false);
    expect(shared([consent(1, 'agreed', -1, { by: CLINICIAN })])).toBe(false);
    expect(shared([consent(1, 'agreed', -1, { by: STRANGER })])).toBe(false);
  });

  test('a later withdrawal wins, also one recorded by a clinician; an unknown device cannot withdraw', () => {
    expect(shared([consent(1, 'agreed', -2), consent(2, 'withdrawn', -1)])).toBe(false);
    expect(shared([consent(1, 'agreed', -2), consent(2, 'withdrawn', -1, { by: CLINICIAN })])).toBe(false);
    expect(shared([consent(1, 'agreed', -2), consent(2, 'withdrawn', -1, { by: STRANGER })])).toBe(true);
    expect(shared([consent(1, 'withdrawn', -2), consent(2, 'agreed', -1)])).toBe(true);
  });

  test('a caregiver agreeing after a withdrawal does not restart sharing', () => {
    expect(shared([consent(1, 'agreed', -3), consent(2, 'withdrawn', -2), consent(3, 'agreed', -1, { by: CAREGIVER })])).toBe(false);
  });

  test('an agreement to an older text version still counts', () => {
    expect(shared([consent(1, 'agreed', -1, { textVersion: 1 })])).toBe(true);
    expect(consentState([consent(1, 'agreed', -1)], 'journal-sharing-caregivers', { roles: ROLES, texts: TEXTS_V2 }))
      .toMatchObject({ decision: 'agreed', needsReconsent: true });
  });

  test('telehealth consent does not share the journal', () => {
    expect(shared([consent(1, 'agreed', -1, { topic: 'telehealth' })])).toBe(false);
  });
});
