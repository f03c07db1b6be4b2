/**
 * The fields of a sealed row that stay in clear: the primary key and every index key path
 * (each part of a compound one), because IndexedDB reads them from the stored object to
 * index and range-query it. Only values IndexedDB would index are copied, so a field that
 * holds something else (an object under an indexed name) is never exposed.
 */
import { cmp, type DBCoreTableSchema } from 'dexie';

export interface ClearPath {
  path: string;
  /** Some index over this path is multiEntry: an array's valid items are indexed one by one. */
  multiEntry: boolean;
}

export interface TablePlan {
  name: string;
  clear: ClearPath[];
  /** Keys are given beside values (no key path): sealing binds to the given key. */
  outbound: boolean;
  /** IndexedDB generates keys: unknown when a row is sealed (see row-cipher.ts). */
  autoIncrement: boolean;
  /** The key path IndexedDB writes a generated key to (inbound auto-increment tables). */
  autoPath: string | null;
  /** Primary key of a stored or plain value (inbound tables). */
  extractKey: (value: unknown) => unknown;
}

export function planTable(schema: DBCoreTableSchema): TablePlan {
  const paths = new Map<string, boolean>();
  const add = (keyPath: string | string[] | null, multiEntry: boolean) => {
    for (const p of keyPath === null ? [] : typeof keyPath === 'string' ? [keyPath] : keyPath) paths.set(p, (paths.get(p) ?? false) || multiEntry);
  };
  const pk = schema.primaryKey;
  add(pk.keyPath, false);
  for (const index of schema.indexes) add(index.keyPath, !!index.multiEntry);
  const extract = pk.extractKey;
  return {
    name: schema.name,
    clear: [...paths].map(([path, multiEntry]) => ({ path, multiEntry })),
    outbound: !!pk.outbound,
    autoIncrement: !!pk.autoIncrement,
    autoPath: pk.autoIncrement && typeof pk.keyPath === 'string' ? pk.keyPath : null,
    extractKey: (value) => (extract ? extract(value) : undefined),
  };
}

/** A new object with only the clear fields of `value` (an empty one for a non-object). */
export function clearCopy(plan: TablePlan, value: unknown): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (typeof value !== 'object' || value === null) return row;
  for (const { path, multiEntry } of plan.clear) {
    const v = indexable(getPath(value, path), multiEntry);
    if (v !== undefined) setPath(row, path, v);
  }
  return row;
}

/**
 * Throws unless every clear field of `stored` equals the same field of the opened value:
 * otherwise a changed clear field would list a row under an index entry its sealed content
 * does not have. Fills in a generated key, which the sealed value cannot contain.
 */
export function checkClear(plan: TablePlan, stored: object, value: unknown, fail: () => Error): void {
  for (const { path, multiEntry } of plan.clear) {
    const sv = getPath(stored, path);
    if (sv === undefined) continue;
    const dv = indexable(getPath(value, path), multiEntry);
    if (dv === undefined && path === plan.autoPath && typeof value === 'object' && value !== null) setPath(value, path, sv);
    else if (dv === undefined || cmp(sv, dv) !== 0) throw fail();
  }
}

/** What IndexedDB would index of `v`, or undefined. */
function indexable(v: unknown, multiEntry: boolean): unknown {
  if (isValidKey(v)) return v;
  return multiEntry && Array.isArray(v) ? v.filter((item) => isValidKey(item)) : undefined;
}

/** IndexedDB's "valid key": a number (not NaN), string, valid Date, binary, or array of keys. */
export function isValidKey(v: unknown, parents: unknown[] = []): boolean {
  if (typeof v === 'number') return !Number.isNaN(v);
  if (typeof v === 'string') return true;
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) {
    if (parents.includes(v)) return false;
    return v.every((item) => isValidKey(item, [...parents, v]));
  }
  if (ArrayBuffer.isView(v)) return true;
  const type = Object.prototype.toString.call(v);
  return type === '[object ArrayBuffer]' || (type === '[object Date]' && !Number.isNaN((v as Date).getTime()));
}

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: object, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (typeof cur[part] !== 'object' || cur[part] === null) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts.at(-1)!] = value;
}
