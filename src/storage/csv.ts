/** CSV export of journal records for spreadsheets: RFC 4180, safe against formula injection. */
import type { JournalRecord, RecordKind } from '../domain/records';

/** Every column any kind uses, in one header; a record leaves other kinds' columns empty. */
export const CSV_COLUMNS = [
  'kind', 'id', 'at', 'createdAt', 'updatedAt', 'deletedAt', 'enteredBy', 'schemaVersion',
  // diary
  'painNow', 'bodyAreas', 'painQualities', 'triggers', 'triggerNote', 'helped',
  'sleepQuality', 'sleepHours', 'mood', 'fatigue', 'activity',
  // assessment
  'instrument', 'answers', 'score', 'functional',
  // practice log and practice item
  'practiceId', 'practiceName', 'name', 'category', 'status', 'minutes', 'dose', 'timesPerWeek',
  'helpfulness', 'instructions', 'archivedAt',
  // diary and practice log
  'note',
] as const;

/**
 * A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such
 * cells get a leading apostrophe, which spreadsheets show as text and do not evaluate.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: arrays joined with ';', formulas neutralised, quoted when needed (RFC 4180). */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = Array.isArray(value) ? value.map(String).join(';') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV text with a header row; only records of `kind` when given. Lines end in CRLF. */
export function exportCsv(records: readonly JournalRecord[], kind?: RecordKind): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const record of records) {
    if (kind !== undefined && record.kind !== kind) continue;
    const fields = record as unknown as Record<string, unknown>;
    lines.push(CSV_COLUMNS.map((c) => csvCell(fields[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
