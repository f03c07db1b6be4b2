/**
 * Layout of the journal Y.Doc: a 'meta' map with schemaVersion, and one Y.Map per record kind
 * (named by `kind`) from record id to the record as plain JSON.
 */
import * as Y from 'yjs';
import { RECORD_KINDS, type JournalRecord, type RecordKind, type ValidationError } from '../domain/records';
import { parseRecord } from '../domain/validate';

/** The journal document structure this app writes and fully understands. */
export const JOURNAL_SCHEMA_VERSION = 1;

/** A stored value we keep in the document but leave out of derived tables. */
export interface RecordProblem {
  kind: string;
  id: string;
  reason: 'newer-version' | 'invalid';
  errors: ValidationError[];
}

export function metaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta');
}

export function kindMap(doc: Y.Doc, kind: RecordKind): Y.Map<unknown> {
  return doc.getMap(kind);
}

/** The document's schemaVersion, or undefined for a document nobody has initialised yet. */
export function docSchemaVersion(doc: Y.Doc): number | undefined {
  const v = metaMap(doc).get('schemaVersion');
  return typeof v === 'number' ? v : undefined;
}

/**
 * Migration steps, in order, each idempotent: two offline devices may both run one and their
 * updates merge. Step n takes a document from version n-1 to n.
 */
const STEPS: ReadonlyArray<{ to: number; run: (doc: Y.Doc) => void }> = [
  { to: 1, run: (doc) => metaMap(doc).set('schemaVersion', 1) },
];

/** Run the steps this document still needs; call inside doc.transact. Returns true if any ran. */
export function migrateJournalDoc(doc: Y.Doc): boolean {
  const from = docSchemaVersion(doc) ?? 0;
  let ran = false;
  for (const step of STEPS) {
    if (step.to > from) {
      step.run(doc);
      ran = true;
    }
  }
  return ran;
}

/** Validate a value found in the document under `kind`/`id`. */
export function checkStored(kind: RecordKind, id: string, value: unknown): { ok: true; record: JournalRecord } | { ok: false; problem: RecordProblem } {
  // No `now`: a record written on a device whose clock runs ahead is still a real entry.
  const parsed = parseRecord(value);
  if (!parsed.ok) {
    const newer = parsed.error.some((e) => e.code === 'newerVersion');
    return { ok: false, problem: { kind, id, reason: newer ? 'newer-version' : 'invalid', errors: parsed.error } };
  }
  const record = parsed.value;
  const errors: ValidationError[] = [];
  if (record.kind !== kind) errors.push({ field: 'kind', code: 'unknownValue' });
  if (record.id !== id) errors.push({ field: 'id', code: 'unknownValue' });
  if (errors.length > 0) return { ok: false, problem: { kind, id, reason: 'invalid', errors } };
  return { ok: true, record };
}

/** Every value stored in the document, valid or not. */
export function* storedEntries(doc: Y.Doc): Generator<{ kind: RecordKind; id: string; value: unknown }> {
  for (const kind of RECORD_KINDS) {
    for (const [id, value] of kindMap(doc, kind).entries()) yield { kind, id, value };
  }
}

/** Scan the document for values that are kept but not understood (never silently dropped). */
export function findProblems(doc: Y.Doc): RecordProblem[] {
  const problems: RecordProblem[] = [];
  for (const { kind, id, value } of storedEntries(doc)) {
    const checked = checkStored(kind, id, value);
    if (!checked.ok) problems.push(checked.problem);
  }
  return problems;
}

/** Plain JSON copy, so the doc never holds objects a caller can still mutate. */
export function toPlain(record: JournalRecord): Record<string, unknown> {
  return JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
}
