import { describe, expect, test } from 'vitest';
import {
  INSTRUMENT_DEFS, gad2FromGad7, gad7Band, phq2FromPhq9, phq9Band, phq9Item9Positive, scoreGad2,
  scoreGad7, scorePeg, scorePhq2, scorePhq9, scoreResponse, LOINC_SYSTEM, LOCAL_CODE_SYSTEM,
} from '../../../src/domain/instruments/index';
import { INSTRUMENTS } from '../../../src/domain/records';
import { gad7Answers, phq9Answers } from './fixtures';

describe('PEG', () => {
  test.each([
    [[5, 6, 6], 5.7],
    [[1, 1, 2], 1.3],
    [[0, 0, 1], 0.3],
    [[0, 0, 2], 0.7],
    [[0, 0, 0], 0],
    [[10, 10, 10], 10],
    [[3, 4, 5], 4],
    [[9, 10, 10], 9.7],
    [[7, 7, 8], 7.3],
  ])('%j scores %d (mean, one decimal, half away from zero)', (answers, expected) => {
    const r = scorePeg(answers);
    expect(r).toEqual({ ok: true, value: { score: expected, band: null } });
  });

  test('has no severity band', () => {
    expect(INSTRUMENT_DEFS.peg.hasSeverityBands).toBe(false);
    const r = scoreResponse('peg', [8, 8, 8]);
    expect(r.ok && r.value.band).toBe(null);
  });

  test.each([
    [[5, 6], 'answers'],
    [[5, 6, 6, 1], 'answers'],
    [[5, 6, 11], 'answers.2'],
    [[-1, 6, 6], 'answers.0'],
    [[5, 6.5, 6], 'answers.1'],
  ])('rejects %j', (answers, field) => {
    const r = scorePeg(answers);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((e) => e.field)).toContain(field);
  });

  test('rejects NaN, strings and holes instead of returning NaN', () => {
    for (const answers of [[NaN, 1, 1], ['5', 1, 1], [undefined, 1, 1], [null, 1, 1], [Infinity, 1, 1]]) {
      const r = scorePeg(answers);
      expect(r.ok).toBe(false);
    }
  });
});

describe('PHQ-9', () => {
  test.each([
    [0, 'minimal'], [4, 'minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'],
    [15, 'moderately-severe'], [19, 'moderately-severe'], [20, 'severe'], [27, 'severe'],
  ] as const)('total %d is %s', (total, band) => {
    expect(phq9Band(total)).toBe(band);
    expect(scorePhq9(phq9Answers(total))).toEqual({ ok: true, value: { score: total, band } });
  });

  test('min and max totals', () => {
    expect(scorePhq9([0, 0, 0, 0, 0, 0, 0, 0, 0])).toMatchObject({ ok: true, value: { score: 0 } });
    expect(scorePhq9([3, 3, 3, 3, 3, 3, 3, 3, 3])).toMatchObject({ ok: true, value: { score: 27 } });
  });

  test('rejects wrong count, out of range and non-integers', () => {
    expect(scorePhq9([0, 0, 0, 0, 0, 0, 0, 0]).ok).toBe(false);
    expect(scorePhq9([0, 0, 0, 0, 0, 0, 0, 0, 4]).ok).toBe(false);
    expect(scorePhq9([0, 0, 0, 0, 0, 0, 0, 0, 1.5]).ok).toBe(false);
    expect(scorePhq9([0, 0, 0, 0, 0, 0, 0, 0, -1]).ok).toBe(false);
  });

  test.each([[0, false], [1, true], [2, true], [3, true]])('item 9 = %d positive: %s', (item9, positive) => {
    expect(phq9Item9Positive(phq9Answers(item9, item9))).toBe(positive);
  });

  test('item 9 positive ignores garbage', () => {
    expect(phq9Item9Positive([0, 0, 0, 0, 0, 0, 0, 0])).toBe(false);
    expect(phq9Item9Positive([0, 0, 0, 0, 0, 0, 0, 0, '1'])).toBe(false);
  });
});

describe('PHQ-2 and GAD-2 screens', () => {
  test.each([
    [[0, 0], 0, false], [[1, 1], 2, false], [[2, 0], 2, false], [[2, 1], 3, true], [[0, 3], 3, true], [[3, 3], 6, true],
  ])('%j: total %d, positive %s', (answers, total, positive) => {
    expect(scorePhq2(answers)).toEqual({ ok: true, value: { score: total, band: null, positiveScreen: positive } });
    expect(scoreGad2(answers)).toEqual({ ok: true, value: { score: total, band: null, positiveScreen: positive } });
  });

  test('PHQ-2 from a PHQ-9 uses items 1-2 only', () => {
    expect(phq2FromPhq9([2, 1, 3, 3, 3, 3, 3, 3, 0])).toMatchObject({ ok: true, value: { score: 3, positiveScreen: true } });
    expect(phq2FromPhq9([1, 1, 3, 3, 3, 3, 3, 3, 3])).toMatchObject({ ok: true, value: { score: 2, positiveScreen: false } });
    expect(phq2FromPhq9([1, 1]).ok).toBe(false);
  });

  test('GAD-2 from a GAD-7 uses items 1-2 only', () => {
    expect(gad2FromGad7([1, 2, 0, 0, 0, 0, 0])).toMatchObject({ ok: true, value: { score: 3, positiveScreen: true } });
    expect(gad2FromGad7([1, 1, 3, 3, 3, 3, 3])).toMatchObject({ ok: true, value: { score: 2, positiveScreen: false } });
  });

  test('rejects 3 answers and values above 3', () => {
    expect(scorePhq2([1, 1, 1]).ok).toBe(false);
    expect(scoreGad2([4, 0]).ok).toBe(false);
  });
});

describe('GAD-7', () => {
  test.each([
    [0, 'minimal'], [4, 'minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'], [15, 'severe'], [21, 'severe'],
  ] as const)('total %d is %s', (total, band) => {
    expect(gad7Band(total)).toBe(band);
    expect(scoreGad7(gad7Answers(total))).toEqual({ ok: true, value: { score: total, band } });
  });

  test('rejects 9 answers', () => {
    expect(scoreGad7(phq9Answers(3)).ok).toBe(false);
  });
});

describe('registry', () => {
  test('has every instrument with consistent item counts', () => {
    for (const id of INSTRUMENTS) {
      const def = INSTRUMENT_DEFS[id];
      expect(def.id).toBe(id);
      expect(def.itemKeys).toHaveLength(def.itemCount);
      expect(def.codes.items).toHaveLength(def.itemCount);
    }
  });

  test('scales, recall and change thresholds follow CLINICAL.md', () => {
    expect(INSTRUMENT_DEFS.peg.scale).toEqual({ kind: 'nrs-0-10', min: 0, max: 10 });
    expect(INSTRUMENT_DEFS.phq9.scale).toEqual({ kind: 'frequency-0-3', min: 0, max: 3 });
    expect(INSTRUMENT_DEFS.peg.recallPeriod).toBe('past-week');
    expect(INSTRUMENT_DEFS.gad7.recallPeriod).toBe('last-2-weeks');
    expect(INSTRUMENT_DEFS.peg.meaningfulChange).toMatchObject({ kind: 'relative', fraction: 0.3 });
    expect(INSTRUMENT_DEFS.phq9.meaningfulChange).toEqual({ kind: 'absolute', points: 5 });
    expect(INSTRUMENT_DEFS.gad7.meaningfulChange).toEqual({ kind: 'absolute', points: 4 });
    expect(INSTRUMENT_DEFS.phq9.hasFunctionalItem).toBe(true);
    expect(INSTRUMENT_DEFS.gad7.hasFunctionalItem).toBe(false);
    expect(INSTRUMENT_DEFS.peg.itemKeys).toEqual(['peg.item1', 'peg.item2', 'peg.item3']);
  });

  test('LOINC codes, with PHQ-2 unverified and GAD-2 total local', () => {
    const { peg, phq9, phq2, gad7, gad2 } = INSTRUMENT_DEFS;
    expect(peg.codes.panel).toEqual({ system: LOINC_SYSTEM, code: '91148-7', verified: true });
    expect(peg.codes.total?.code).toBe('91147-9');
    expect(peg.codes.items.map((c) => c?.code)).toEqual(['75893-8', '91145-3', '91146-1']);
    expect(phq9.codes.panel?.code).toBe('44249-1');
    expect(phq9.codes.total?.code).toBe('44261-6');
    expect(phq9.codes.items[8]?.code).toBe('44260-8');
    expect(phq2.codes.panel).toEqual({ system: LOINC_SYSTEM, code: '55757-9', verified: false });
    expect(phq2.codes.total).toEqual({ system: LOINC_SYSTEM, code: '55758-7', verified: false });
    expect(gad7.codes.panel?.code).toBe('69737-5');
    expect(gad7.codes.total?.code).toBe('70274-6');
    expect(gad2.codes.panel).toBe(null);
    expect(gad2.codes.total?.system).toBe(LOCAL_CODE_SYSTEM);
  });

  test('scoreResponse rejects unknown instruments and non-arrays', () => {
    expect(scoreResponse('phq10' as never, [1])).toEqual({ ok: false, error: [{ field: 'instrument', code: 'unknownValue' }] });
    expect(scoreResponse('phq9', 'x' as never).ok).toBe(false);
  });
});
