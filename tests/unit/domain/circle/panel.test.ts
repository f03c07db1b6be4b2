import { describe, expect, test } from 'vitest';
import type { Alert } from '../../../../src/domain/circle/alerts';
import { PANEL_NEEDS, panelRow, sortPanel, sortPanelBy, type PanelInput, type PanelRow, type ScorePoint } from '../../../../src/domain/circle/panel';
import { RED_FLAG_META, RED_FLAG_RULES, type RedFlagRuleId } from '../../../../src/domain/red-flags';
import { parseIsoTime } from '../../../../src/domain/validate-fields';
import { mulberry32 } from '../../../helpers/fixtures';
import { DAY_MS, HOUR_MS, NOW, PATIENT, idFor, isoAt } from './helpers';

function openAlert(ruleId: RedFlagRuleId, n = 1): Alert {
  return {
    kind: 'alert', id: `${ruleId}:${idFor(n)}`, ruleId, level: RED_FLAG_META[ruleId].level, raisedAt: isoAt(-DAY_MS),
    raisedBy: PATIENT, detectedAt: isoAt(-DAY_MS), values: {}, sourceIds: [idFor(n)], schemaVersion: 1,
  };
}
/** Scores a week apart, the last one a day ago. */
function series(scores: number[]): ScorePoint[] {
  return scores.map((score, i) => ({ at: isoAt(-(1 + 7 * (scores.length - 1 - i)) * DAY_MS), score }));
}
function input(extra: Partial<PanelInput> = {}): PanelInput {
  return { circleId: 'c1', patientName: 'Ana', openAlerts: [], peg: [], phq9: [], adherence: 0.8, lastDataAt: isoAt(-DAY_MS), ...extra };
}
const row = (extra: Partial<PanelInput> = {}) => panelRow(input(extra), NOW);

describe('panelRow', () => {
  test('a quiet patient: ok, with their figures', () => {
    expect(row({ peg: series([5, 4]), phq9: series([12, 9]) })).toEqual({
      circleId: 'c1', patientName: 'Ana', need: 'ok', openAlerts: { urgent: 0, high: 0, low: 0 },
      latestPeg: {
        score: 4, at: isoAt(-DAY_MS), change: { absolute: -1, relative: -0.2, meaningful: false, direction: 'better' },
        direction: 'better', fromPrevious: -1, worsening: false,
      },
      latestPhq9: {
        score: 9, at: isoAt(-DAY_MS), change: { absolute: -3, relative: -0.25, meaningful: false, direction: 'better' },
        direction: 'better', fromPrevious: -3, worsening: false, band: 'mild',
      },
      adherence: 0.8, dataAsOf: isoAt(-DAY_MS), daysSinceData: 1,
    });
  });

  test('no scores and no data', () => {
    expect(row({ adherence: null, lastDataAt: null })).toMatchObject({ need: 'ok', latestPeg: null, latestPhq9: null, adherence: null, dataAsOf: null, daysSinceData: null });
  });

  test('a single score is its own baseline', () => {
    expect(row({ peg: series([6]) }).latestPeg).toMatchObject({ direction: 'same', fromPrevious: null, worsening: false });
  });

  test('open alerts decide first: urgent over high over low, whatever else is true', () => {
    const worse = { peg: series([5, 8]), adherence: 0.1 };
    expect(row({ ...worse, openAlerts: [openAlert('no-data'), openAlert('phq9-item9'), openAlert('gad7-high')] })).toMatchObject({
      need: 'urgent', openAlerts: { urgent: 1, high: 1, low: 1 },
    });
    expect(row({ ...worse, openAlerts: [openAlert('no-data'), openAlert('phq9-high')] }).need).toBe('high');
    expect(row({ ...worse, openAlerts: [openAlert('no-data')] }).need).toBe('low-alert');
  });

  test('an alert stored with a weaker level than its rule counts at the rule\'s level', () => {
    expect(row({ openAlerts: [{ ...openAlert('phq9-item9'), level: 'low' }] }).need).toBe('urgent');
  });

  test('PEG 30% worse than the first is worsening; 28% is not', () => {
    expect(row({ peg: series([5, 4, 6.5]) })).toMatchObject({ need: 'worsening', latestPeg: { worsening: true, direction: 'worse', change: { absolute: 1.5 } } });
    expect(row({ peg: series([5, 6.4]) })).toMatchObject({ need: 'ok', latestPeg: { worsening: false, direction: 'worse' } });
    // From a baseline of 0, one whole point.
    expect(row({ peg: series([0, 1]) }).need).toBe('worsening');
    expect(row({ peg: series([0, 0.7]) }).need).toBe('ok');
  });

  test('PHQ-9 up 5 since the previous is worsening; up 4 is not, nor up 5 against the baseline only', () => {
    expect(row({ phq9: series([6, 11]) })).toMatchObject({ need: 'worsening', latestPhq9: { fromPrevious: 5, worsening: true, band: 'moderate' } });
    expect(row({ phq9: series([6, 10]) }).need).toBe('ok');
    expect(row({ phq9: series([6, 9, 12]) }).need).toBe('ok');
  });

  test('adherence under 0.5 is low; 0.5 and none prescribed are not', () => {
    expect(row({ adherence: 0.49 }).need).toBe('low-adherence');
    expect(row({ adherence: 0.5 }).need).toBe('ok');
    expect(row({ adherence: null }).need).toBe('ok');
    expect(row({ adherence: 0.2, phq9: series([3, 9]) }).need).toBe('worsening');
  });

  test('days since data: whole days, never negative; a malformed time reads as no data', () => {
    expect(row({ lastDataAt: isoAt(-7 * DAY_MS + HOUR_MS) }).daysSinceData).toBe(6);
    expect(row({ lastDataAt: isoAt(-7 * DAY_MS) }).daysSinceData).toBe(7);
    expect(row({ lastDataAt: isoAt(HOUR_MS) }).daysSinceData).toBe(0);
    expect(row({ lastDataAt: 'last week' })).toMatchObject({ dataAsOf: null, daysSinceData: null });
  });
});

describe('sortPanel', () => {
  const named = (circleId: string, patientName: string, extra: Partial<PanelInput> = {}) => row({ circleId, patientName, ...extra });

  test('by tier: urgent, high, low alert, worsening, low adherence, ok', () => {
    const rows = [
      named('ok', 'A'),
      named('adh', 'B', { adherence: 0.1 }),
      named('worse', 'C', { peg: series([4, 6]) }),
      named('low', 'D', { openAlerts: [openAlert('no-data')] }),
      named('high', 'E', { openAlerts: [openAlert('side-effect-severe')] }),
      named('urgent', 'F', { openAlerts: [openAlert('phq9-item9')] }),
    ];
    expect(sortPanel(rows).map((r) => r.circleId)).toEqual(['urgent', 'high', 'low', 'worse', 'adh', 'ok']);
    expect(sortPanel(rows).map((r) => r.need)).toEqual([...PANEL_NEEDS]);
  });

  test('within a tier: longest without data first, never any data before all', () => {
    const rows = [named('a', 'A', { lastDataAt: isoAt(-DAY_MS) }), named('b', 'B', { lastDataAt: null }), named('c', 'C', { lastDataAt: isoAt(-9 * DAY_MS) })];
    expect(sortPanel(rows).map((r) => r.circleId)).toEqual(['b', 'c', 'a']);
  });

  test('times compare as times even when written with different precision', () => {
    const rows = [named('a', 'A', { lastDataAt: '2026-11-20T09:00:00.100Z' }), named('b', 'B', { lastDataAt: '2026-11-20T09:00:00Z' })];
    expect(sortPanel(rows).map((r) => r.circleId)).toEqual(['b', 'a']);
  });

  test('then by name, case-folded, then exactly, in code-unit order; then circle id', () => {
    const rows = [named('4', 'bea'), named('3', 'Bea'), named('2', 'Álvaro'), named('1', 'alba'), named('6', 'Bea'), named('5', 'Bea')];
    // 'á' (U+00E1) sorts after every ASCII letter in code-unit order, on every device.
    expect(sortPanel(rows).map((r) => `${r.patientName}/${r.circleId}`)).toEqual(['alba/1', 'Bea/3', 'Bea/5', 'Bea/6', 'bea/4', 'Álvaro/2']);
  });

  test('sortPanelBy orders items that carry rows the same way, and gives back the items themselves', () => {
    const rows = [named('a', 'A', { adherence: 0.1 }), named('b', 'B', { lastDataAt: null }), named('c', 'C', { openAlerts: [openAlert('gad7-high')] })];
    const items = rows.map((row, i) => ({ row, i }));
    const sorted = sortPanelBy(items, (item) => item.row);
    expect(sorted.map((item) => item.row)).toEqual(sortPanel(rows));
    for (const item of sorted) expect(items).toContain(item);
  });

  test('does not change its input and gives the same order from any input order', () => {
    const rows = [named('a', 'A', { adherence: 0.1 }), named('b', 'B'), named('c', 'C', { openAlerts: [openAlert('gad7-high')] })];
    const copy = [...rows];
    const sorted = sortPanel(rows);
    expect(rows).toEqual(copy);
    expect(sortPanel([...rows].reverse())).toEqual(sorted);
  });

  test('500 synthetic circles: the order keeps every invariant', () => {
    const rand = mulberry32(20261123);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    const names = ['Ana', 'ana', 'Bea', 'Carlos', 'Dolores', 'Émile', 'Zoë', 'Li', 'Maria', 'Nadia'];
    const inputs: PanelInput[] = Array.from({ length: 500 }, (_, i) => {
      const alerts = rand() < 0.3 ? [openAlert(pick(RED_FLAG_RULES), i)] : [];
      const peg = rand() < 0.8 ? series(Array.from({ length: 1 + Math.floor(rand() * 6) }, () => Math.round(rand() * 100) / 10)) : [];
      const phq9 = rand() < 0.7 ? series(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.floor(rand() * 28))) : [];
      return {
        circleId: `circle-${String(i % 450).padStart(3, '0')}`,
        patientName: pick(names),
        openAlerts: alerts,
        peg,
        phq9,
        adherence: rand() < 0.2 ? null : Math.round(rand() * 100) / 100,
        // Whole days, so that many rows tie on time and the name and id tie-breaks are exercised.
        lastDataAt: rand() < 0.1 ? null : isoAt(-Math.floor(rand() * 20) * DAY_MS),
      };
    });
    const rows = inputs.map((inp) => panelRow(inp, NOW));
    const started = performance.now();
    const sorted = sortPanel(rows);
    const elapsed = performance.now() - started;

    expect(new Set(sorted)).toEqual(new Set(rows));
    expect(sorted).toHaveLength(500);
    const rank = (r: PanelRow) => PANEL_NEEDS.indexOf(r.need);
    const dataMs = (r: PanelRow) => parseIsoTime(r.dataAsOf) ?? Number.NEGATIVE_INFINITY;
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1] as PanelRow;
      const b = sorted[i] as PanelRow;
      expect(rank(a)).toBeLessThanOrEqual(rank(b));
      if (rank(a) !== rank(b)) continue;
      expect(dataMs(a)).toBeLessThanOrEqual(dataMs(b));
      if (dataMs(a) !== dataMs(b)) continue;
      const [fa, fb] = [a.patientName.toLowerCase(), b.patientName.toLowerCase()];
      expect(fa <= fb).toBe(true);
      if (fa !== fb) continue;
      expect(a.patientName <= b.patientName).toBe(true);
      if (a.patientName === b.patientName) expect(a.circleId <= b.circleId).toBe(true);
    }
    // Each tier holds exactly the rows whose own figures put them there.
    for (const r of sorted) {
      const needsAlert = r.openAlerts.urgent + r.openAlerts.high + r.openAlerts.low > 0;
      expect(['urgent', 'high', 'low-alert'].includes(r.need)).toBe(needsAlert);
      if (!needsAlert) {
        const worsening = r.latestPeg?.worsening === true || r.latestPhq9?.worsening === true;
        expect(r.need === 'worsening').toBe(worsening);
        if (!worsening) expect(r.need === 'low-adherence').toBe(r.adherence !== null && r.adherence < 0.5);
      }
    }
    // Every tier occurs, so the ordering above was really tested across tiers.
    expect(new Set(sorted.map((r) => r.need))).toEqual(new Set(PANEL_NEEDS));
    // Generous bound: about a millisecond on a laptop; this only catches accidental quadratic work.
    expect(elapsed).toBeLessThan(500);
  });
});
