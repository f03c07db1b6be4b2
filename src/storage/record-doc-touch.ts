/**
 * What a Yjs update changes in a record document, by top-level name, record id and field:
 * for receiving devices to refuse updates beyond the author's write scope (a caregiver's
 * update that edits a goal), and for the store to know which records need derived rows.
 */
import * as Y from 'yjs';
import type { Result } from '../domain/records';

/** How one key under a top-level name changed. */
export interface KeyChange {
  /** The key itself was written or deleted (the whole value). */
  whole: boolean;
  /** Fields changed inside the existing value (a record's nested map). */
  fields: Set<string>;
  /** Changed inside the existing value other than by field (the value is a sequence type). */
  inside: boolean;
}

/** Per top-level name, per key (null: a sequence edit of the top-level value itself). */
export type ChangedKeys = Map<string, Map<string | null, KeyChange>>;

/**
 * The keys a transaction changed, mapped to their place under the document's roots. Yjs
 * records a change on the type it happened in (a record's nested map for a field edit, the
 * kind map for a new, replaced or deleted record); walking up each type's parents names the
 * record and field. Changes inside a type created by the same transaction are covered by the
 * change that inserted that type.
 */
export function changedKeys(tr: Y.Transaction, doc: Y.Doc): ChangedKeys {
  const rootName = new Map<unknown, string>();
  for (const [name, type] of doc.share) rootName.set(type, name);
  const out: ChangedKeys = new Map();
  const entry = (root: string, key: string | null): KeyChange => {
    let keys = out.get(root);
    if (!keys) out.set(root, (keys = new Map()));
    let change = keys.get(key);
    if (!change) keys.set(key, (change = { whole: false, fields: new Set(), inside: false }));
    return change;
  };
  for (const [type, subs] of tr.changed) {
    // The path from the root down to `type`: the key of each nested type in its parent.
    const path: Array<string | null> = [];
    let t: Y.AbstractType<any> = type;
    let cut = false;
    while (t._item !== null) {
      const parent = t._item.parent;
      if (!(parent instanceof Y.AbstractType)) { cut = true; break; }
      path.unshift(t._item.parentSub);
      t = parent;
    }
    // Unreachable with integrated types; named so a scope check refuses rather than misses it.
    const root = cut ? UNRESOLVED_ROOT : rootName.get(t) ?? UNRESOLVED_ROOT;
    const key = path[0] ?? null;
    if (path.length === 0) {
      for (const sub of subs) {
        if (sub === null) entry(root, null).inside = true;
        else entry(root, sub).whole = true;
      }
    } else if (path.length === 1) {
      for (const sub of subs) {
        if (sub === null) entry(root, key).inside = true;
        else entry(root, key).fields.add(sub);
      }
    } else {
      const field = path[1] ?? null;
      if (field === null) entry(root, key).inside = true;
      else entry(root, key).fields.add(field);
    }
  }
  return out;
}

/** Root name reported for a change whose place in the document could not be found. */
export const UNRESOLVED_ROOT = '\u0000unresolved';

/** One record (or other top-level key) an update changes. */
export interface RecordTouch {
  /** Top-level name: a record kind, 'meta', or a name this app does not know. */
  kind: string;
  /** The key under it (a record id); null for a sequence edit of the top-level value itself. */
  id: string | null;
  /**
   * added: nothing before, a value after. replaced: a new value over an old one (also a
   * concurrent write that lost to the current value). deleted: gone after (also a value
   * written and deleted within the update). edited: fields inside the existing record.
   */
  change: 'added' | 'replaced' | 'deleted' | 'edited';
  /** For 'edited', the fields changed (set or deleted); null when the whole value changed or was edited other than by field. */
  fields: string[] | null;
}

export interface Touched {
  /** Top-level names the update changes, sorted. */
  kinds: string[];
  /** Sorted by kind, then id. */
  records: RecordTouch[];
  /**
   * Parts of this update (or of earlier ones the doc already holds back) wait for updates not
   * received yet: what they will change is not known and not listed. A scope check should not
   * accept the update as verified.
   */
  incomplete: boolean;
  /** The doc held back parts of earlier updates before this one: the list may include changes of theirs that this update completes. */
  completesEarlier: boolean;
}

export type TouchError = { code: 'malformed-update'; message: string };

/**
 * What `update` would change in `doc`, WITHOUT changing `doc`: the update is applied to a
 * scratch copy and the copy's transaction is read (so deletions, nested maps, duplicates that
 * change nothing and writes that lose to a concurrent value are judged by Yjs itself).
 * A malformed update gives an error value.
 */
export function touchedBy(doc: Y.Doc, update: Uint8Array): Result<Touched, TouchError> {
  const completesEarlier = hasPending(doc);
  // encodeStateAsUpdate carries the doc's held-back parts too: the copy is the doc as is.
  const scratch = new Y.Doc();
  try {
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
    let changed: ChangedKeys = new Map();
    const onAfter = (tr: Y.Transaction) => { changed = changedKeys(tr, scratch); };
    scratch.on('afterTransaction', onAfter);
    try {
      // One transaction, so one afterTransaction sees every change (held-back parts included).
      scratch.transact(() => Y.applyUpdate(scratch, update));
    } catch (err) {
      return { ok: false, error: { code: 'malformed-update', message: `The update could not be read: ${err instanceof Error ? err.message : String(err)}` } };
    } finally {
      scratch.off('afterTransaction', onAfter);
    }
    const records: RecordTouch[] = [];
    for (const [kind, keys] of changed) {
      for (const [id, change] of keys) {
        if (id === null || !change.whole) {
          records.push({ kind, id, change: 'edited', fields: id === null || change.inside ? null : [...change.fields].sort(compare) });
          continue;
        }
        const before = present(doc, kind, id);
        const after = present(scratch, kind, id);
        records.push({ kind, id, change: after ? (before ? 'replaced' : 'added') : 'deleted', fields: null });
      }
    }
    records.sort((a, b) => compare(a.kind, b.kind) || compare(a.id ?? '', b.id ?? ''));
    return { ok: true, value: { kinds: [...new Set(records.map((r) => r.kind))].sort(compare), records, incomplete: hasPending(scratch), completesEarlier } };
  } finally {
    scratch.destroy();
  }
}

/** Whether `doc` has a live value under a top-level name and key; reads only, never defines a root. */
function present(doc: Y.Doc, root: string, key: string): boolean {
  const item = doc.share.get(root)?._map.get(key);
  return item !== undefined && !item.deleted;
}

function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
