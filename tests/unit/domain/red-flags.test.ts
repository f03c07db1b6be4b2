import { describe, expect, test } from 'vitest';
import {
  checkResponseForUrgent, evaluateRedFlags, flagKey, type RaisedFlag, type RedFlagInput,
} from '../../../src/domain/red-flags';
import type { AssessmentResponse } from '../../../src/domain/records';
import { NOW, assessment, diary, gad7Answers, idFor, isoDaysBefore, pegAnswers, phq9Answers, practiceLog } from './fixtures';

/** Recent activity so that 'no-data' stays quiet unless a test is about it. */
const ACTIVE = [diary(900, isoDaysBefore(1))];

function run(partial: Partial<RedFlagInput>): RaisedFlag[] {
  return evaluateRedFlags({ assessments: [], diary: ACTIVE, practice: [], now: NOW, ...partial });
}
function rules(flags: RaisedFlag[]): string[] {
  return flags.map((f) => f.ruleId);
}
function phq9(n: number, total: number, daysAgo: number, item9?: number, extra: Partial<AssessmentResponse> = {}) {
  return assessment(n, 'phq9', phq9Answers(total, item9), isoDaysBefore(daysAgo), extra);
}
function peg(n: number, score: number, daysAgo: number, extra: Partial<AssessmentResponse> = {}) {
  return assessment(n, 'peg', pegAnswers(score), isoDaysBefore(daysAgo), extra);
}

describe('phq9-item9 (urgent)', () => {
  test.each([1, 2, 3])('item 9 = %d raises an urgent flag for patient and clinicians', (item9) => {
    const r = phq9(1, item9, 0, item9);
    const flags = run({ assessments: [r] });
    expect(flags).toEqual([{
      ruleId: 'phq9-item9', level: 'urgent', audience: ['patient', 'clinician'], raisedAt: r.at, sourceIds: [idFor(1)], values: { item9 },
    }]);
    expect(checkResponseForUrgent(r)).toEqual(flags[0]);
  });

  test('item 9 = 0 raises nothing, even with a moderate total', () => {
    const r = phq9(1, 12, 0, 0);
    expect(run({ assessments: [r] })).toEqual([]);
    expect(checkResponseForUrgent(r)).toBe(null);
  });

  test('deleted responses and other instruments never count', () => {
    expect(checkResponseForUrgent(phq9(1, 3, 0, 3, { deletedAt: NOW.toISOString() }))).toBe(null);
    expect(run({ assessments: [phq9(1, 3, 0, 3, { deletedAt: NOW.toISOString() })] })).toEqual([]);
    expect(checkResponseForUrgent(assessment(2, 'gad7', [3, 3, 3, 3, 3, 3, 3], NOW.toISOString()))).toBe(null);
  });
});

describe('phq9-high and phq9-rise', () => {
  test('total 19 does not fire, 20 does (clinicians, high)', () => {
    expect(rules(run({ assessments: [phq9(1, 19, 0)] }))).toEqual([]);
    const flags = run({ assessments: [phq9(1, 20, 0)] });
    expect(flags).toMatchObject([{ ruleId: 'phq9-high', level: 'high', audience: ['clinician'], values: { total: 20 } }]);
  });

  test('a rise of 4 does not fire, 5 does, against the previous PHQ-9', () => {
    expect(rules(run({ assessments: [phq9(1, 6, 14), phq9(2, 10, 0)] }))).toEqual([]);
    const flags = run({ assessments: [phq9(2, 11, 0), phq9(1, 6, 14)] });
    expect(flags).toMatchObject([{ ruleId: 'phq9-rise', level: 'high', sourceIds: [idFor(1), idFor(2)], values: { previous: 6, total: 11, change: 5 } }]);
  });

  test('the rise is measured from the last one, not the lowest', () => {
    expect(rules(run({ assessments: [phq9(1, 2, 28), phq9(2, 6, 14), phq9(3, 10, 0)] }))).toEqual([]);
  });

  test('a deleted previous PHQ-9 is skipped: the one before it becomes previous', () => {
    const deleted = phq9(2, 10, 14, undefined, { deletedAt: NOW.toISOString() });
    expect(rules(run({ assessments: [phq9(1, 5, 28), deleted, phq9(3, 10, 0)] }))).toEqual(['phq9-rise']);
  });

  test('a first PHQ-9 has no rise', () => {
    expect(rules(run({ assessments: [phq9(1, 15, 0)] }))).toEqual([]);
  });
});

describe('gad7-high', () => {
  test('14 does not fire, 15 does', () => {
    const g = (n: number, total: number) => assessment(n, 'gad7', gad7Answers(total), isoDaysBefore(0));
    expect(run({ assessments: [g(1, 14)] })).toEqual([]);
    expect(run({ assessments: [g(1, 15)] })).toMatchObject([{ ruleId: 'gad7-high', level: 'high', audience: ['clinician'], values: { total: 15 } }]);
  });
});

describe('peg-worse-sustained', () => {
  // Baseline 5.0: 30% worse is 6.5; 6.4 is 28%.
  test('both of two consecutive PEGs >= 30% worse fires (clinicians and patient)', () => {
    const flags = run({ assessments: [peg(1, 5, 21), peg(2, 6.7, 14), peg(3, 7, 7)] });
    expect(flags).toMatchObject([{
      ruleId: 'peg-worse-sustained', level: 'high', audience: ['clinician', 'patient'],
      sourceIds: [idFor(2), idFor(3)], values: { baseline: 5, previous: 6.7, current: 7 },
    }]);
  });

  test('29% twice does not fire; exactly 30% twice does (exact tenths, no float drift)', () => {
    // Baseline 3.1 (given): 4.0 is 29.0% worse.
    expect(run({ assessments: [peg(2, 4, 14), peg(3, 4, 7)], pegBaseline: 3.1 })).toEqual([]);
    // Baseline 1.0 (first PEG): 1.3 = (1+1+2)/3 is exactly 30% worse.
    const exact = [assessment(1, 'peg', [1, 1, 1], isoDaysBefore(21)), assessment(2, 'peg', [1, 1, 2], isoDaysBefore(14)), assessment(3, 'peg', [2, 1, 1], isoDaysBefore(7))];
    expect(rules(run({ assessments: exact }))).toEqual(['peg-worse-sustained']);
    // Baseline 3.0: 3.7 (23%) twice does not fire, 4.0 (33%) twice does.
    expect(run({ assessments: [peg(1, 3, 21), peg(2, 3.7, 14), peg(3, 3.7, 7)] })).toEqual([]);
    expect(rules(run({ assessments: [peg(1, 3, 21), peg(2, 4, 14), peg(3, 4, 7)] }))).toEqual(['peg-worse-sustained']);
  });

  test('worse once is not sustained', () => {
    expect(run({ assessments: [peg(1, 5, 21), peg(2, 4, 14), peg(3, 8, 7)] })).toEqual([]);
    expect(run({ assessments: [peg(1, 5, 21), peg(2, 8, 14), peg(3, 5, 7)] })).toEqual([]);
  });

  test('baseline 0: both of the last two must be at least 1.0 point', () => {
    expect(run({ assessments: [peg(1, 0, 21), peg(2, 1, 14), peg(3, 2 / 3, 7)] })).toEqual([]);
    expect(rules(run({ assessments: [peg(1, 0, 21), peg(2, 1, 14), peg(3, 1, 7)] }))).toEqual(['peg-worse-sustained']);
    expect(rules(run({ assessments: [peg(2, 1, 14), peg(3, 1, 7)], pegBaseline: 0 }))).toEqual(['peg-worse-sustained']);
  });

  test('deleted PEGs do not count, neither as baseline nor as a worse week', () => {
    const deletedAt = NOW.toISOString();
    // Deleted baseline 2.0 would make 3 worse; the live baseline is 3.0.
    expect(run({ assessments: [peg(1, 2, 28, { deletedAt }), peg(2, 3, 21), peg(3, 3, 14), peg(4, 3, 7)] })).toEqual([]);
    expect(run({ assessments: [peg(1, 5, 21), peg(2, 7, 14, { deletedAt }), peg(3, 7, 7)] })).toEqual([]);
  });
});

describe('side-effect-severe', () => {
  test('severe fires for clinicians and patient; moderate does not; deleted does not', () => {
    const at = isoDaysBefore(0);
    expect(run({ sideEffects: [{ id: idFor(5), at, severity: 'moderate' }] })).toEqual([]);
    expect(run({ sideEffects: [{ id: idFor(5), at, severity: 'severe', deletedAt: at }] })).toEqual([]);
    expect(run({ sideEffects: [{ id: idFor(5), at, severity: 'severe' }] })).toEqual([{
      ruleId: 'side-effect-severe', level: 'high', audience: ['clinician', 'patient'], raisedAt: at, sourceIds: [idFor(5)], values: {},
    }]);
  });
});

describe('no-data', () => {
  const HOUR = 3600_000;
  const at = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

  test('6 days (and 23h59) quiet does not fire; 7 days does', () => {
    expect(run({ diary: [diary(1, isoDaysBefore(6))] })).toEqual([]);
    expect(run({ diary: [diary(1, at(7 * 24 * HOUR - 60_000))] })).toEqual([]);
    const flags = run({ diary: [diary(1, isoDaysBefore(7))] });
    expect(flags).toEqual([{
      ruleId: 'no-data', level: 'low', audience: ['clinician'], raisedAt: NOW.toISOString(), sourceIds: [idFor(1)], values: { days: 7, thresholdDays: 7 },
    }]);
  });

  test('a practice log also counts as activity, whatever its status', () => {
    expect(run({ diary: [diary(1, isoDaysBefore(10))], practice: [practiceLog(2, isoDaysBefore(2), idFor(3), { status: 'skipped' })] })).toEqual([]);
  });

  test('deleted entries do not count as activity', () => {
    const flags = run({ diary: [diary(1, isoDaysBefore(9)), diary(2, isoDaysBefore(1), { deletedAt: NOW.toISOString() })] });
    expect(flags).toMatchObject([{ ruleId: 'no-data', sourceIds: [idFor(1)], values: { days: 9 } }]);
  });

  test('configurable threshold', () => {
    expect(rules(run({ diary: [diary(1, isoDaysBefore(3))], noDataDays: 3 }))).toEqual(['no-data']);
    expect(run({ diary: [diary(1, isoDaysBefore(3))], noDataDays: 4 })).toEqual([]);
    // A broken setting falls back to 7 rather than silencing the rule.
    expect(rules(run({ diary: [diary(1, isoDaysBefore(8))], noDataDays: NaN }))).toEqual(['no-data']);
  });

  test('never logged: quiet without a start date, fires 7 days after it', () => {
    expect(run({ diary: [] })).toEqual([]);
    expect(run({ diary: [], startedAt: isoDaysBefore(6) })).toEqual([]);
    expect(run({ diary: [], startedAt: isoDaysBefore(7) })).toMatchObject([{ ruleId: 'no-data', sourceIds: [] }]);
  });
});

describe('determinism and keys', () => {
  test('the same data evaluated later (or in another order) gives the same keys', () => {
    const assessments = [phq9(1, 5, 14), phq9(2, 22, 0, 2), peg(3, 5, 21), peg(4, 7, 14), peg(5, 7, 7)];
    const a = run({ assessments }).map(flagKey).sort();
    const b = evaluateRedFlags({ assessments: [...assessments].reverse(), diary: ACTIVE, practice: [], now: new Date(NOW.getTime() + 3600_000) }).map(flagKey).sort();
    expect(a).toEqual(b);
    expect(a).toEqual([
      `peg-worse-sustained:${idFor(4)},${idFor(5)}`, `phq9-high:${idFor(2)}`, `phq9-item9:${idFor(2)}`, `phq9-rise:${idFor(1)},${idFor(2)}`,
    ]);
  });

  test('since limits what may raise a flag, while older data still serves as history', () => {
    const assessments = [phq9(1, 22, 20), phq9(2, 5, 14), phq9(3, 10, 1)];
    const flags = run({ assessments, since: new Date(NOW.getTime() - 2 * 24 * 3600_000) });
    expect(rules(flags)).toEqual(['phq9-rise']);
  });
});
