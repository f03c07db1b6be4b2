import { checkAnswers, sumOf } from './answers';
import { PHQ9_DEF } from './phq9';
import { FREQUENCY_0_3, loinc, type InstrumentDef, type ScoreOutcome } from './types';

/** PHQ-2: PHQ-9 items 1-2 as a depression screen. */
export const PHQ2_DEF: InstrumentDef = {
  id: 'phq2',
  itemCount: 2,
  scale: FREQUENCY_0_3,
  // Same wording as PHQ-9 items 1-2, so the same keys: the texts can never drift apart.
  itemKeys: ['phq9.item1', 'phq9.item2'],
  stemKey: 'phq9.stem',
  recallPeriod: 'last-2-weeks',
  scoreRange: { min: 0, max: 6 },
  scoreDecimals: 0,
  codes: {
    // CLINICAL.md: "(verify)" - export under a local code system until checked.
    panel: loinc('55757-9', false),
    total: loinc('55758-7', false),
    items: [null, null],
  },
  meaningfulChange: null,
  hasFunctionalItem: false,
  hasSeverityBands: false,
  positiveScreenAt: 3,
};

/** PHQ-2 total 0-6; 3 or more is a positive screen (offer the full PHQ-9). */
export function scorePhq2(answers: readonly unknown[]): ScoreOutcome {
  const checked = checkAnswers(PHQ2_DEF, answers);
  if (!checked.ok) return checked;
  const total = sumOf(checked.value);
  return { ok: true, value: { score: total, band: null, positiveScreen: total >= 3 } };
}

/** PHQ-2 derived from a full PHQ-9's answers (its items 1-2). */
export function phq2FromPhq9(phq9Answers: readonly unknown[]): ScoreOutcome {
  const checked = checkAnswers(PHQ9_DEF, phq9Answers);
  if (!checked.ok) return checked;
  return scorePhq2(checked.value.slice(0, 2));
}
