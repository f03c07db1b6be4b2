/** Deciding what a bulk import changes: validate everything first, then newer updatedAt wins. */
import type * as Y from 'yjs';
import { parseRecord } from '../domain/validate';
import type { JournalRecord, Result, ValidationError } from '../domain/records';
import type { StoreError } from './errors';
import { kindMap } from './journal-doc';

export interface ImportCounts {
  added: number;
  updated: number;
  unchanged: number;
}

/**
 * The records an import must write, and the counts to report. All-or-nothing: one invalid
 * record or a repeated id rejects the whole batch, with each problem's index and field.
 */
export function importChanges(doc: Y.Doc, records: readonly JournalRecord[]): Result<{ counts: ImportCounts; changed: JournalRecord[] }, StoreError> {
  const errors: ValidationError[] = [];
  const valid: JournalRecord[] = [];
  const seen = new Set<string>();
  records.forEach((candidate, index) => {
    const parsed = parseRecord(candidate);
    if (!parsed.ok) {
      for (const e of parsed.error) errors.push({ ...e, field: `${index}.${e.field}` });
      return;
    }
    if (seen.has(parsed.value.id)) {
      errors.push({ field: `${index}.id`, code: 'unknownValue', params: { reason: 'duplicate' } });
      return;
    }
    seen.add(parsed.value.id);
    valid.push(parsed.value);
  });
  if (errors.length > 0) {
    return { ok: false, error: { code: 'invalid-record', message: 'Some records are not valid; nothing was imported.', errors } };
  }
  const counts: ImportCounts = { added: 0, updated: 0, unchanged: 0 };
  const changed: JournalRecord[] = [];
  for (const record of valid) {
    const existing = kindMap(doc, record.kind).get(record.id);
    if (existing === undefined) {
      counts.added += 1;
      changed.push(record);
      continue;
    }
    // Compare on the stored updatedAt even if the stored value is otherwise not understood:
    // a newer app's record must not be overwritten by an older backup of it.
    const storedAt = (existing as { updatedAt?: unknown } | null)?.updatedAt;
    if (typeof storedAt !== 'string' || record.updatedAt > storedAt) {
      counts.updated += 1;
      changed.push(record);
    } else {
      counts.unchanged += 1;
    }
  }
  return { ok: true, value: { counts, changed } };
}
