/**
 * Layout of a record document (plan, circle, messages, alerts): a 'meta' map with
 * schemaVersion, and one Y.Map per record kind from record id to a NESTED Y.Map of the
 * record's fields (field name -> plain JSON value). A field is the unit of merge: two people
 * who edit different fields of one record offline both keep their edit.
 */
import * as Y from 'yjs';
import type { Result, ValidationError } from '../domain/records';
import type { RecordProblem } from './journal-doc';

export type { RecordProblem };

/** A record's stored fields as plain JSON. */
export type Fields = Record<string, unknown>;

export type ParseRecord<K extends string, R> = (kind: K, id: string, value: unknown) => Result<R, ValidationError[]>;

export function metaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta');
}

export function kindMap(doc: Y.Doc, kind: string): Y.Map<unknown> {
  return doc.getMap(kind);
}

/** The document's schemaVersion, or undefined for a document nobody has initialised yet. */
export function docSchemaVersion(doc: Y.Doc): number | undefined {
  const v = metaMap(doc).get('schemaVersion');
  return typeof v === 'number' ? v : undefined;
}

/** Run the document's migration steps (idempotent) and stamp the version; call inside doc.transact. True if anything ran. */
export function migrateRecordDoc(doc: Y.Doc, schemaVersion: number, migrate?: (doc: Y.Doc) => boolean): boolean {
  let ran = migrate ? migrate(doc) : false;
  if ((docSchemaVersion(doc) ?? 0) < schemaVersion) {
    metaMap(doc).set('schemaVersion', schemaVersion);
    ran = true;
  }
  return ran;
}

/** Plain JSON copy, so the doc never holds objects a caller can still mutate (undefined fields vanish). */
export function toPlain(value: unknown): Fields {
  return JSON.parse(JSON.stringify(value)) as Fields;
}

/** Copy of a stored JSON value: the doc hands out its own objects, which a caller must not mutate. */
function clonePlain(value: unknown): unknown {
  if (value instanceof Y.AbstractType) return value.toJSON() as unknown;
  if (Array.isArray(value)) return value.map(clonePlain);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Fields = {};
    for (const [k, v] of Object.entries(value)) out[k] = clonePlain(v);
    return out;
  }
  return value;
}

/** The fields of a stored record as plain JSON (a field holding a Yjs type reads as its JSON). */
export function readFields(map: Y.Map<unknown>): Fields {
  const out: Fields = {};
  for (const [k, v] of map.entries()) out[k] = clonePlain(v);
  return out;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Fields)[k], (b as Fields)[k]));
}

export type Checked<R> = { ok: true; record: R } | { ok: false; problem: RecordProblem };

/**
 * Validate fields found under `kind`/`id`. The record's id and kind are its place in the
 * document, not fields: parse sees them added (over any stored field of the same name).
 */
export function checkFields<K extends string, R extends { id: string; kind: K }>(parse: ParseRecord<K, R>, kind: K, id: string, fields: Fields): Checked<R> {
  const parsed = parse(kind, id, { ...fields, id, kind });
  if (!parsed.ok) {
    const newer = parsed.error.some((e) => e.code === 'newerVersion');
    return { ok: false, problem: { kind, id, reason: newer ? 'newer-version' : 'invalid', errors: parsed.error } };
  }
  const errors: ValidationError[] = [];
  if (parsed.value.kind !== kind) errors.push({ field: 'kind', code: 'unknownValue' });
  if (parsed.value.id !== id) errors.push({ field: 'id', code: 'unknownValue' });
  return errors.length > 0 ? { ok: false, problem: { kind, id, reason: 'invalid', errors } } : { ok: true, record: parsed.value };
}

/** A record's fields as stored: plain JSON without id and kind (its key and its map name). */
export function fieldsOf(record: unknown): Fields {
  const { id: _id, kind: _kind, ...fields } = toPlain(record);
  return fields;
}

/** Validate whatever is stored under `kind`/`id` (a record is a Y.Map; anything else is not understood). */
export function checkStored<K extends string, R extends { id: string; kind: K }>(parse: ParseRecord<K, R>, kind: K, id: string, value: unknown): Checked<R> {
  if (!(value instanceof Y.Map)) return { ok: false, problem: { kind, id, reason: 'invalid', errors: [{ field: 'id', code: 'wrongType' }] } };
  return checkFields(parse, kind, id, readFields(value as Y.Map<unknown>));
}

/** Values kept in the document but not understood, over every kind (never silently dropped). */
export function findProblems<K extends string, R extends { id: string; kind: K }>(doc: Y.Doc, kinds: readonly K[], parse: ParseRecord<K, R>): RecordProblem[] {
  const problems: RecordProblem[] = [];
  for (const kind of kinds) {
    for (const [id, value] of kindMap(doc, kind).entries()) {
      const checked = checkStored(parse, kind, id, value);
      if (!checked.ok) problems.push(checked.problem);
    }
  }
  return problems;
}

/** What one write does to a record's nested map: fields to set and fields to delete. */
export interface FieldDiff {
  set: Fields;
  del: string[];
}

export function isEmptyDiff(diff: FieldDiff): boolean {
  return diff.del.length === 0 && Object.keys(diff.set).length === 0;
}

/** Stored fields after a diff. */
export function applyDiff(fields: Fields, diff: FieldDiff): Fields {
  const out: Fields = { ...fields, ...diff.set };
  for (const k of diff.del) delete out[k];
  return out;
}

/**
 * The diff that makes `stored` read as `target`. Fields that only the stored value has are
 * deleted if this app understands them (`known`); others are kept (a newer app's fields).
 */
export function diffFields(stored: Fields, target: Fields, known: ReadonlySet<string>): FieldDiff {
  const set: Fields = {};
  for (const [k, v] of Object.entries(target)) if (!jsonEqual(stored[k], v)) set[k] = v;
  const del = Object.keys(stored).filter((k) => !(k in target) && known.has(k));
  return { set, del };
}

/** Write a diff into a record's nested map (call inside doc.transact). */
export function writeDiff(map: Y.Map<unknown>, diff: FieldDiff): void {
  for (const k of diff.del) map.delete(k);
  for (const [k, v] of Object.entries(diff.set)) map.set(k, v);
}

/** A new nested map holding `fields`. */
export function newRecordMap(fields: Fields): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(fields)) map.set(k, v);
  return map;
}
