import { checkAnswers, sumOf } from './answers';
import { NRS_0_10, loinc, type InstrumentDef, type ScoreOutcome } from './types';

/** PEG (Krebs et al., 2009): pain, enjoyment, general activity over the past week. */
export const PEG_DEF: InstrumentDef = {
  id: 'peg',
  itemCount: 3,
  scale: NRS_0_10,
  itemKeys: ['peg.item1', 'peg.item2', 'peg.item3'],
  stemKey: 'peg.stem',
  recallPeriod: 'past-week',
  scoreRange: { min: 0, max: 10 },
  scoreDecimals: 1,
  codes: {
    panel: loinc('91148-7'),
    total: loinc('91147-9'),
    items: [loinc('75893-8'), loinc('91145-3'), loinc('91146-1')],
  },
  // 30% from baseline; the absolute MID (1.0 point, lower end of the reported 1.0-1.75)
  // stands in when the baseline is 0 and a percentage is undefined.
  meaningfulChange: { kind: 'relative', fraction: 0.3, absoluteFallback: 1 },
  hasFunctionalItem: false,
  hasSeverityBands: false,
  suggestedCadenceDays: 7,
};

/**
 * Mean of three integers in tenths, rounded half away from zero, by integer arithmetic only
 * (sum*10/3 in floating point would invite 5.6666 -> 5.66999 surprises). With a divisor of 3
 * a tie never actually occurs, but the rule is stated so that it stays right if that changes.
 */
export function pegTenths(sum: number): number {
  const numerator = sum * 10;
  const divisor = 3;
  const sign = numerator < 0 ? -1 : 1;
  return sign * Math.floor((2 * Math.abs(numerator) + divisor) / (2 * divisor));
}

/** PEG score: mean of the 3 items, one decimal (half away from zero); no severity band. */
export function scorePeg(answers: readonly unknown[]): ScoreOutcome {
  const checked = checkAnswers(PEG_DEF, answers);
  if (!checked.ok) return checked;
  return { ok: true, value: { score: pegTenths(sumOf(checked.value)) / 10, band: null } };
}
