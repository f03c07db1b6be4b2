import type { InstrumentId, Result } from '../records';

/** Answer scale of an instrument's items. */
export type AnswerScale =
  | { kind: 'nrs-0-10'; min: 0; max: 10 }
  | { kind: 'frequency-0-3'; min: 0; max: 3 };

export const NRS_0_10: AnswerScale = { kind: 'nrs-0-10', min: 0, max: 10 };
export const FREQUENCY_0_3: AnswerScale = { kind: 'frequency-0-3', min: 0, max: 3 };

/** Severity bands used by PHQ-9 and GAD-7 (ids; the UI translates them). */
export type SeverityBand = 'minimal' | 'mild' | 'moderate' | 'moderately-severe' | 'severe';

/** Code systems: LOINC, or our own until a code is verified or where none exists. */
export const LOINC_SYSTEM = 'http://loinc.org';
export const LOCAL_CODE_SYSTEM = 'urn:paceline:code';

export interface ClinicalCode {
  system: typeof LOINC_SYSTEM | typeof LOCAL_CODE_SYSTEM;
  code: string;
  /** False where CLINICAL.md says "verify": export must use a local code system until checked. */
  verified: boolean;
}

export interface InstrumentCodes {
  panel: ClinicalCode | null;
  total: ClinicalCode | null;
  /** One entry per item; null where CLINICAL.md gives no code. */
  items: readonly (ClinicalCode | null)[];
}

/** What counts as a clinically meaningful change (CLINICAL.md); null where none is given. */
export type MeaningfulChange =
  | { kind: 'relative'; fraction: number; absoluteFallback: number }
  | { kind: 'absolute'; points: number };

export interface InstrumentDef {
  id: InstrumentId;
  itemCount: number;
  scale: AnswerScale;
  /** i18n key stems per item ('peg.item1'); the UI owns the wording and its anchors. */
  itemKeys: readonly string[];
  /** i18n key of the question stem shown above the items. */
  stemKey: string;
  recallPeriod: 'past-week' | 'last-2-weeks';
  scoreRange: { min: number; max: number };
  /** Decimals of the score: PEG is a mean with one decimal, the others integer totals. */
  scoreDecimals: 0 | 1;
  codes: InstrumentCodes;
  meaningfulChange: MeaningfulChange | null;
  /** PHQ-9's unscored "how difficult" item (answers 0-3). */
  hasFunctionalItem: boolean;
  hasSeverityBands: boolean;
  /** Screens (PHQ-2, GAD-2): total at or above this is positive. */
  positiveScreenAt?: number;
  /** Suggested cadence in days, where CLINICAL.md or the product gives one. */
  suggestedCadenceDays?: number;
}

export interface ScoreResult {
  score: number;
  band: SeverityBand | null;
  /** Only for screening instruments (PHQ-2, GAD-2). */
  positiveScreen?: boolean;
}

export type ScoreOutcome = Result<ScoreResult>;

export function loinc(code: string, verified = true): ClinicalCode {
  return { system: LOINC_SYSTEM, code, verified };
}

export function localCode(code: string): ClinicalCode {
  return { system: LOCAL_CODE_SYSTEM, code, verified: true };
}
