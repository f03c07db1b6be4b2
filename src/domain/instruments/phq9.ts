import { checkAnswers, sumOf } from './answers';
import { FREQUENCY_0_3, loinc, type InstrumentDef, type ScoreOutcome, type SeverityBand } from './types';

const ITEMS = 9;

/** PHQ-9 (depression) over the last 2 weeks; item 9 asks about self-harm. */
export const PHQ9_DEF: InstrumentDef = {
  id: 'phq9',
  itemCount: ITEMS,
  scale: FREQUENCY_0_3,
  itemKeys: Array.from({ length: ITEMS }, (_, i) => `phq9.item${i + 1}`),
  stemKey: 'phq9.stem',
  recallPeriod: 'last-2-weeks',
  scoreRange: { min: 0, max: 27 },
  scoreDecimals: 0,
  codes: {
    panel: loinc('44249-1'),
    total: loinc('44261-6'),
    // CLINICAL.md gives only item 9's code; the others stay null rather than guessed.
    items: [null, null, null, null, null, null, null, null, loinc('44260-8')],
  },
  meaningfulChange: { kind: 'absolute', points: 5 },
  hasFunctionalItem: true,
  hasSeverityBands: true,
  suggestedCadenceDays: 14,
};

/** Index of item 9 in the answers array. */
export const PHQ9_ITEM9_INDEX = 8;

/** PHQ-9 band for a total 0-27: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe. */
export function phq9Band(total: number): SeverityBand {
  if (total >= 20) return 'severe';
  if (total >= 15) return 'moderately-severe';
  if (total >= 10) return 'moderate';
  if (total >= 5) return 'mild';
  return 'minimal';
}

/** PHQ-9 total 0-27 and its severity band. */
export function scorePhq9(answers: readonly unknown[]): ScoreOutcome {
  const checked = checkAnswers(PHQ9_DEF, answers);
  if (!checked.ok) return checked;
  const total = sumOf(checked.value);
  return { ok: true, value: { score: total, band: phq9Band(total) } };
}

/** True when PHQ-9 item 9 (thoughts of death or self-harm) is answered 1, 2 or 3. */
export function phq9Item9Positive(answers: readonly unknown[]): boolean {
  const a = answers[PHQ9_ITEM9_INDEX];
  return a === 1 || a === 2 || a === 3;
}
