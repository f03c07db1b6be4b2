import { describe, expect, test } from 'vitest';
import {
  ALERT_LIMITS, alertIdOf, alertLevel, alertStatus, alertsFromFlags, createAcknowledgement, openAlerts, parseAcknowledgement,
  parseAlert, type Acknowledgement, type Alert,
} from '../../../../src/domain/circle/alerts';
import { LIMITS } from '../../../../src/domain/validate-fields';
import { evaluateRedFlags, flagKey, type RaisedFlag } from '../../../../src/domain/red-flags';
import { assessment, diary, isoDaysBefore, phq9Answers } from '../fixtures';
import { CAREGIVER, CLINICIAN, CLINICIAN_2, HOUR_MS, NOW, PATIENT, PATIENT_TABLET, idFor, isoAt } from './helpers';

/** What a device evaluates from the same journal: an item-9 PHQ-9 that also rose by 5, with recent diary activity. */
function journalFlags(): RaisedFlag[] {
  return evaluateRedFlags({
    assessments: [
      assessment(1, 'phq9', phq9Answers(6), isoDaysBefore(14)),
      assessment(2, 'phq9', phq9Answers(21, 2), isoDaysBefore(1)),
    ],
    diary: [diary(3, isoDaysBefore(1))],
    practice: [],
    now: NOW,
  });
}

function alert(extra: Partial<Alert> = {}): Alert {
  return {
    kind: 'alert', id: `phq9-item9:${idFor(2)}`, ruleId: 'phq9-item9', level: 'urgent', raisedAt: isoDaysBefore(1),
    raisedBy: PATIENT, detectedAt: NOW.toISOString(), values: { item9: 2 }, sourceIds: [idFor(2)], schemaVersion: 1, ...extra,
  };
}
function ack(n: number, by: string, hoursAfter: number, extra: Partial<Acknowledgement> = {}): Acknowledgement {
  return { kind: 'alert-ack', id: idFor(n), alertId: alert().id, by, at: isoAt(hoursAfter * HOUR_MS), note: `note ${n}`, schemaVersion: 1, ...extra };
}
const CLINICIANS = new Set([CLINICIAN, CLINICIAN_2]);

describe('alertsFromFlags', () => {
  test('turns clinician flags into alerts keyed by the flag key', () => {
    const flags = journalFlags();
    expect(flags.map((f) => f.ruleId)).toEqual(['phq9-item9', 'phq9-high', 'phq9-rise']);
    const alerts = alertsFromFlags(flags, [], PATIENT, NOW);
    expect(alerts.map((a) => a.id)).toEqual(flags.map(flagKey));
    expect(alerts[0]).toEqual(alert());
    for (const a of alerts) expect(parseAlert(a)).toEqual({ ok: true, value: a });
  });

  test('two devices raising the same flags offline converge to one alert each', () => {
    const flags = journalFlags();
    const phone = alertsFromFlags(flags, [], PATIENT, NOW);
    const tablet = alertsFromFlags(flags, [], PATIENT_TABLET, new Date(NOW.getTime() + HOUR_MS));
    // Both write into the same Y.Map; whichever value wins, there is one alert per flag.
    const doc = new Map<string, Alert>();
    for (const a of [...phone, ...tablet]) doc.set(a.id, a);
    expect([...doc.keys()]).toEqual(phone.map((a) => a.id));
    for (const [id, a] of doc) expect(a).toMatchObject({ id, raisedAt: phone.find((p) => p.id === id)?.raisedAt });
  });

  test('after sync, a device raises nothing already there', () => {
    const flags = journalFlags();
    const existing = alertsFromFlags(flags, [], PATIENT, NOW);
    expect(alertsFromFlags(flags, existing, PATIENT_TABLET, NOW)).toEqual([]);
    expect(alertsFromFlags(flags, existing.slice(1), PATIENT_TABLET, NOW).map((a) => a.ruleId)).toEqual(['phq9-item9']);
  });

  test('the same flag twice in one batch is written once', () => {
    const flags = journalFlags();
    expect(alertsFromFlags([...flags, ...flags], [], PATIENT, NOW)).toHaveLength(flags.length);
  });

  test('flags not meant for clinicians stay out of the alerts document', () => {
    const patientOnly: RaisedFlag = { ruleId: 'side-effect-severe', level: 'high', audience: ['patient'], raisedAt: NOW.toISOString(), sourceIds: [idFor(5)], values: {} };
    expect(alertsFromFlags([patientOnly], [], PATIENT, NOW)).toEqual([]);
  });

  test('the alert owns copies of the flag\'s values and sources', () => {
    const [flag] = journalFlags();
    if (!flag) throw new Error('no flag');
    const [a] = alertsFromFlags([flag], [], PATIENT, NOW);
    flag.sourceIds.push('x');
    flag.values['item9'] = 0;
    expect(a).toMatchObject({ sourceIds: [idFor(2)], values: { item9: 2 } });
  });
});

describe('parseAlert', () => {
  test('accepts a no-data alert without sources (a patient who never logged)', () => {
    expect(parseAlert(alert({ id: 'no-data:', ruleId: 'no-data', level: 'low', sourceIds: [], values: { days: 9, thresholdDays: 7 } })).ok).toBe(true);
  });

  test.each([
    ['an id that is not the flag key', { id: 'phq9-item9:other' }, [{ field: 'id', code: 'unknownValue', params: { expected: `phq9-item9:${idFor(2)}` } }]],
    ['a missing id', { id: undefined }, [{ field: 'id', code: 'required' }]],
    ['a numeric id', { id: 7 }, [{ field: 'id', code: 'wrongType' }]],
    ['an unknown rule', { ruleId: 'pain-high', id: `pain-high:${idFor(2)}` }, [{ field: 'ruleId', code: 'unknownValue', params: { value: 'pain-high' } }]],
    ['an unknown level', { level: 'medium' }, [{ field: 'level', code: 'unknownValue', params: { value: 'medium' } }]],
    ['sources that are not a list', { sourceIds: idFor(2) }, [{ field: 'sourceIds', code: 'wrongType' }]],
    ['an empty source', { sourceIds: [''], id: 'phq9-item9:' }, [{ field: 'sourceIds.0', code: 'wrongType' }]],
    ['a source too long', { sourceIds: ['s'.repeat(65)], id: `phq9-item9:${'s'.repeat(65)}` }, [{ field: 'sourceIds.0', code: 'tooLong', params: { max: 64 } }]],
    ['too many sources', { sourceIds: Array.from({ length: 17 }, (_, i) => idFor(i)) }, [{ field: 'sourceIds', code: 'tooLong', params: { max: ALERT_LIMITS.sourceIds } }]],
    ['values that are a list', { values: [2] }, [{ field: 'values', code: 'wrongType' }]],
    ['a value that is not a number', { values: { item9: '2' } }, [{ field: 'values.item9', code: 'wrongType' }]],
    ['an infinite value', { values: { item9: Number.POSITIVE_INFINITY } }, [{ field: 'values.item9', code: 'wrongType' }]],
    ['too many values', { values: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) }, [{ field: 'values', code: 'tooLong', params: { max: ALERT_LIMITS.values } }]],
    ['no detection time', { detectedAt: undefined }, [{ field: 'detectedAt', code: 'required' }]],
    ['a bad raiser', { raisedBy: 'phone' }, [{ field: 'raisedBy', code: 'wrongType', params: { expected: 'memberRef' } }]],
    ['a newer schema', { schemaVersion: 2 }, [{ field: 'schemaVersion', code: 'newerVersion', params: { max: 1, found: 2 } }]],
  ])('refuses %s', (_name, extra, error) => {
    expect(parseAlert(alert(extra as Partial<Alert>))).toEqual({ ok: false, error });
  });

  test('refuses a non-object', () => {
    expect(parseAlert([alert()])).toEqual({ ok: false, error: [{ field: '', code: 'wrongType' }] });
  });
});

describe('parseAcknowledgement', () => {
  test('accepts an empty note; refuses a missing or long one', () => {
    expect(parseAcknowledgement(ack(1, CLINICIAN, 1, { note: '' })).ok).toBe(true);
    const { note: _note, ...noNote } = ack(1, CLINICIAN, 1);
    expect(parseAcknowledgement(noNote)).toEqual({ ok: false, error: [{ field: 'note', code: 'required' }] });
    expect(parseAcknowledgement(ack(1, CLINICIAN, 1, { note: 'n'.repeat(LIMITS.longText + 1) })))
      .toEqual({ ok: false, error: [{ field: 'note', code: 'tooLong', params: { max: LIMITS.longText } }] });
  });

  test.each([
    ['a missing alert id', { alertId: undefined }, { field: 'alertId', code: 'required' }],
    ['a non-ULID id', { id: 'ack-1' }, { field: 'id', code: 'wrongType', params: { expected: 'ulid' } }],
    ['a bad author', { by: 'dr' }, { field: 'by', code: 'wrongType', params: { expected: 'memberRef' } }],
    ['a bad time', { at: '2026-13-01T00:00:00.000Z' }, { field: 'at', code: 'badTime' }],
    ['a newer schema', { schemaVersion: 2 }, { field: 'schemaVersion', code: 'newerVersion', params: { max: 1, found: 2 } }],
  ])('refuses %s', (_name, extra, error) => {
    expect(parseAcknowledgement(ack(1, CLINICIAN, 1, extra as Partial<Acknowledgement>))).toEqual({ ok: false, error: [error] });
  });

  test('createAcknowledgement trims the note and stamps the time', () => {
    expect(createAcknowledgement(alert().id, '  Called her; safety plan reviewed. ', CLINICIAN, NOW)).toMatchObject({
      ok: true, value: { alertId: alert().id, by: CLINICIAN, at: NOW.toISOString(), note: 'Called her; safety plan reviewed.' },
    });
  });
});

describe('alertStatus and openAlerts', () => {
  test('open without acknowledgements', () => {
    expect(alertStatus(alert(), [], CLINICIANS)).toEqual({ state: 'open' });
  });

  test('acknowledged by a clinician: who, when and note of the first', () => {
    const later = ack(2, CLINICIAN_2, 3);
    const first = ack(1, CLINICIAN, 1);
    expect(alertStatus(alert(), [later, first], CLINICIANS)).toEqual({
      state: 'acknowledged', by: CLINICIAN, at: first.at, note: 'note 1', acks: [first, later],
    });
  });

  test('acknowledgements at the same moment are ordered by id', () => {
    const a = ack(5, CLINICIAN_2, 1);
    const b = ack(4, CLINICIAN, 1);
    expect(alertStatus(alert(), [a, b], CLINICIANS)).toMatchObject({ by: CLINICIAN, acks: [b, a] });
  });

  test('a patient\'s or caregiver\'s acknowledgement does not close an alert', () => {
    const acks = [ack(1, PATIENT, 1), ack(2, CAREGIVER, 1)];
    expect(alertStatus(alert(), acks, CLINICIANS)).toEqual({ state: 'open' });
    expect(openAlerts([alert()], acks, CLINICIANS)).toEqual([alert()]);
  });

  test('acknowledgements of other alerts do not count', () => {
    const other = ack(1, CLINICIAN, 1, { alertId: 'gad7-high:x' });
    expect(alertStatus(alert(), [other], CLINICIANS)).toEqual({ state: 'open' });
  });

  test('openAlerts keeps exactly the unacknowledged ones', () => {
    const alerts = alertsFromFlags(journalFlags(), [], PATIENT, NOW);
    const acks = [ack(1, CLINICIAN, 1, { alertId: alerts[1]?.id ?? '' })];
    expect(openAlerts(alerts, acks, CLINICIANS).map((a) => a.ruleId)).toEqual(['phq9-item9', 'phq9-rise']);
  });
});

describe('alertLevel', () => {
  test('the more severe of the stored level and the rule\'s own', () => {
    expect(alertLevel({ ruleId: 'phq9-item9', level: 'low' })).toBe('urgent');
    expect(alertLevel({ ruleId: 'no-data', level: 'high' })).toBe('high');
    expect(alertLevel({ ruleId: 'gad7-high', level: 'high' })).toBe('high');
  });

  test('alert ids are flag keys', () => {
    expect(alertIdOf({ ruleId: 'phq9-rise', sourceIds: ['a', 'b'] })).toBe('phq9-rise:a,b');
  });
});
