import { describe, expect, test } from 'vitest';
import { CRISIS_RESOURCES, crisisLinesFor } from '../../../src/domain/crisis-lines';

describe('crisisLinesFor', () => {
  test('US: call or text 988, Spanish note, emergency 911', () => {
    const us = crisisLinesFor('US');
    expect(us.emergency).toBe('911');
    expect(us.lines[0]).toMatchObject({ phone: '988', sms: '988', noteKey: 'crisis.us.988.spanish' });
  });

  test.each([['MX', '800 911 2000', '911'], ['ES', '024', '112'], ['GB', '116 123', '999']])('%s: %s, emergency %s', (region, phone, emergency) => {
    const r = crisisLinesFor(region);
    expect(r.region).toBe(region);
    expect(r.lines[0]?.phone).toBe(phone);
    expect(r.emergency).toBe(emergency);
  });

  test('locales use their region; unknown or missing falls back to US', () => {
    expect(crisisLinesFor('es-MX').region).toBe('MX');
    expect(crisisLinesFor('en_GB').region).toBe('GB');
    expect(crisisLinesFor('gb').region).toBe('GB');
    expect(crisisLinesFor('FR').region).toBe('US');
    expect(crisisLinesFor(undefined).region).toBe('US');
    expect(crisisLinesFor('__proto__').region).toBe('US');
  });

  test('labels are i18n keys and callers get a copy', () => {
    for (const r of Object.values(CRISIS_RESOURCES)) for (const l of r.lines) expect(l.labelKey).toMatch(/^crisis\./);
    const copy = crisisLinesFor('US');
    copy.lines[0]!.phone = 'changed';
    expect(crisisLinesFor('US').lines[0]?.phone).toBe('988');
  });
});
