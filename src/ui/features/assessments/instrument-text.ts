/**
 * How instruments read on screen: catalog keys for their texts and score formatting.
 * Scoring itself always comes from the domain (scoreResponse, phq9Band, gad7Band).
 */
import type { MessageKey } from '../../i18n/i18n';
import { gad7Band, instrumentDef, phq9Band, type SeverityBand } from '../../../domain/instruments/index';
import type { InstrumentId } from '../../../domain/records';

/** Catalog key of an instrument text given its domain key stem ('phq9.item9' -> 'assessments.phq9.item9'). */
export function textKey(stem: string): MessageKey {
  return `assessments.${stem}` as MessageKey;
}

export const titleKey = (id: InstrumentId): MessageKey => `assessments.titles.${id}` as MessageKey;
export const nameKey = (id: InstrumentId): MessageKey => `assessments.names.${id}` as MessageKey;
export const aboutKey = (id: InstrumentId): MessageKey => `assessments.about.${id}` as MessageKey;
export const bandKey = (band: SeverityBand): MessageKey => `assessments.result.bands.${band}` as MessageKey;

/** The 0-3 answer choices shared by the PHQ and GAD questionnaires. */
export const FREQUENCY_KEYS: readonly MessageKey[] = [
  'assessments.frequency.a0', 'assessments.frequency.a1', 'assessments.frequency.a2', 'assessments.frequency.a3',
];

export const FUNCTIONAL_KEYS: readonly MessageKey[] = [
  'assessments.phq9.functionalAnswers.a0', 'assessments.phq9.functionalAnswers.a1',
  'assessments.phq9.functionalAnswers.a2', 'assessments.phq9.functionalAnswers.a3',
];

/** PEG anchors: item 1 is about pain, items 2 and 3 about interference (CLINICAL.md). */
export function pegAnchorKeys(index: number): { low: MessageKey; high: MessageKey } {
  return index === 0
    ? { low: 'assessments.peg.anchors.painLow', high: 'assessments.peg.anchors.painHigh' }
    : { low: 'assessments.peg.anchors.interfereLow', high: 'assessments.peg.anchors.interfereHigh' };
}

/** The severity band of a stored total, for instruments that have bands. */
export function bandFor(id: InstrumentId, score: number): SeverityBand | null {
  if (id === 'phq9') return phq9Band(score);
  if (id === 'gad7') return gad7Band(score);
  return null;
}

/** Score as people read it: PEG always with one decimal (5.0, 5.7), the others whole numbers. */
export function formatScore(id: InstrumentId, score: number, formatNumber: (n: number, o?: Intl.NumberFormatOptions) => string): string {
  const decimals = instrumentDef(id).scoreDecimals;
  return formatNumber(score, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** The full questionnaire a positive screen leads to. */
export const FULL_VERSION: Partial<Record<InstrumentId, InstrumentId>> = { phq2: 'phq9', gad2: 'gad7' };
