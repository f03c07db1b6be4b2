import { checkAnswers, sumOf } from './answers';
import { FREQUENCY_0_3, loinc, type InstrumentDef, type ScoreOutcome, type SeverityBand } from './types';

const ITEMS = 7;

/** GAD-7 (anxiety) over the last 2 weeks. */
export const GAD7_DEF: InstrumentDef = {
  id: 'gad7',
  itemCount: ITEMS,
  scale: FREQUENCY_0_3,
  itemKeys: Array.from({ length: ITEMS }, (_, i) => `gad7.item${i + 1}`),
  stemKey: 'gad7.stem',
  recallPeriod: 'last-2-weeks',
  scoreRange: { min: 0, max: 21 },
  scoreDecimals: 0,
  codes: {
    panel: loinc('69737-5'),
    total: loinc('70274-6'),
    items: Array.from({ length: ITEMS }, () => null),
  },
  meaningfulChange: { kind: 'absolute', points: 4 },
  hasFunctionalItem: false,
  hasSeverityBands: true,
  suggestedCadenceDays: 14,
};

/** GAD-7 band for a total 0-21: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe. */
export function gad7Band(total: number): SeverityBand {
  if (total >= 15) return 'severe';
  if (total >= 10) return 'moderate';
  if (total >= 5) return 'mild';
  return 'minimal';
}

/** GAD-7 total 0-21 and its severity band. */
export function scoreGad7(answers: readonly unknown[]): ScoreOutcome {
  const checked = checkAnswers(GAD7_DEF, answers);
  if (!checked.ok) return checked;
  const total = sumOf(checked.value);
  return { ok: true, value: { score: total, band: gad7Band(total) } };
}
