import type { InstrumentId } from '../records';
import { GAD2_DEF, scoreGad2 } from './gad2';
import { GAD7_DEF, scoreGad7 } from './gad7';
import { PEG_DEF, scorePeg } from './peg';
import { PHQ2_DEF, scorePhq2 } from './phq2';
import { PHQ9_DEF, scorePhq9 } from './phq9';
import type { InstrumentDef, ScoreOutcome } from './types';

export * from './types';
export { checkAnswers } from './answers';
export { PEG_DEF, scorePeg, pegTenths } from './peg';
export { PHQ9_DEF, PHQ9_ITEM9_INDEX, scorePhq9, phq9Band, phq9Item9Positive } from './phq9';
export { PHQ2_DEF, scorePhq2, phq2FromPhq9 } from './phq2';
export { GAD7_DEF, scoreGad7, gad7Band } from './gad7';
export { GAD2_DEF, scoreGad2, gad2FromGad7 } from './gad2';

/** Every instrument's definition, by id. */
export const INSTRUMENT_DEFS: Record<InstrumentId, InstrumentDef> = {
  peg: PEG_DEF,
  phq9: PHQ9_DEF,
  phq2: PHQ2_DEF,
  gad7: GAD7_DEF,
  gad2: GAD2_DEF,
};

const SCORERS: Record<InstrumentId, (answers: readonly unknown[]) => ScoreOutcome> = {
  peg: scorePeg,
  phq9: scorePhq9,
  phq2: scorePhq2,
  gad7: scoreGad7,
  gad2: scoreGad2,
};

/** True for a known instrument id. */
export function isInstrumentId(value: unknown): value is InstrumentId {
  return typeof value === 'string' && Object.hasOwn(INSTRUMENT_DEFS, value);
}

/** Scores answers for any instrument: {score, band|null, positiveScreen?}, or validation errors. */
export function scoreResponse(instrument: InstrumentId, answers: readonly unknown[]): ScoreOutcome {
  if (!isInstrumentId(instrument)) {
    return { ok: false, error: [{ field: 'instrument', code: 'unknownValue' }] };
  }
  if (!Array.isArray(answers)) {
    return { ok: false, error: [{ field: 'answers', code: answers === undefined ? 'required' : 'wrongType' }] };
  }
  return SCORERS[instrument](answers);
}

/** The instrument's definition (typed shortcut for INSTRUMENT_DEFS[id]). */
export function instrumentDef(instrument: InstrumentId): InstrumentDef {
  return INSTRUMENT_DEFS[instrument];
}
