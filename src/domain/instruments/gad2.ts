import { checkAnswers, sumOf } from './answers';
import { GAD7_DEF } from './gad7';
import { FREQUENCY_0_3, localCode, type InstrumentDef, type ScoreOutcome } from './types';

/** GAD-2: GAD-7 items 1-2 as an anxiety screen. */
export const GAD2_DEF: InstrumentDef = {
  id: 'gad2',
  itemCount: 2,
  scale: FREQUENCY_0_3,
  // Same wording as GAD-7 items 1-2, so the same keys.
  itemKeys: ['gad7.item1', 'gad7.item2'],
  stemKey: 'gad7.stem',
  recallPeriod: 'last-2-weeks',
  scoreRange: { min: 0, max: 6 },
  scoreDecimals: 0,
  codes: {
    // CLINICAL.md: no panel code; item codes plus a local code for the total.
    // Item codes are not given there, so they stay null rather than guessed.
    panel: null,
    total: localCode('gad2-total'),
    items: [null, null],
  },
  meaningfulChange: null,
  hasFunctionalItem: false,
  hasSeverityBands: false,
  positiveScreenAt: 3,
};

/** GAD-2 total 0-6; 3 or more is a positive screen. */
export function scoreGad2(answers: readonly unknown[]): ScoreOutcome {
  const checked = checkAnswers(GAD2_DEF, answers);
  if (!checked.ok) return checked;
  const total = sumOf(checked.value);
  return { ok: true, value: { score: total, band: null, positiveScreen: total >= 3 } };
}

/** GAD-2 derived from a full GAD-7's answers (its items 1-2). */
export function gad2FromGad7(gad7Answers: readonly unknown[]): ScoreOutcome {
  const checked = checkAnswers(GAD7_DEF, gad7Answers);
  if (!checked.ok) return checked;
  return scoreGad2(checked.value.slice(0, 2));
}
