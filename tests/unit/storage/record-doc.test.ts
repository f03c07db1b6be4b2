import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { Table } from 'dexie';
import type { Result, ValidationError } from '../../../src/domain/records';
import { PacelineDB } from '../../../src/storage/db';
import { enableSharing, listPending } from '../../../src/storage/sync-store';
import { ORIGIN_PEER, ORIGIN_SYNC } from '../../../src/storage/doc-commit';
import {
  openRecordDoc, touchedBy, type RecordChange, type RecordDoc, type RecordDocOptions, type RecordDocSpec, type Touched,
} from '../../../src/storage/record-doc';
import { CIRCLE, freshName, snapshot, unwrap } from './test-db';

// A dummy document: goals and notes, with a tiny parser that keeps only the fields it knows.
interface Goal { id: string; kind: 'goal'; title: string; target: number; baseline?: number; updatedAt: string; updatedBy: string; deletedAt?: string }
interface Note { id: string; kind: 'note'; text: string; updatedAt: string; updatedBy: string; deletedAt?: string }
type Rec = Goal | Note;
type Kind = Rec['kind'];

function parse(kind: Kind, id: string, value: unknown): Result<Rec, ValidationError[]> {
  if (typeof value !== 'object' || value === null) return { ok: false, error: [{ field: 'id', code: 'wrongType' }] };
  const v = value as Record<string, unknown>;
  if (typeof v.schemaVersion === 'number' && v.schemaVersion > 1) return { ok: false, error: [{ field: 'schemaVersion', code: 'newerVersion' }] };
  const errors: ValidationError[] = [];
  const need = (field: string, type: 'string' | 'number', optional = false) => {
    if (v[field] === undefined ? !optional : typeof v[field] !== type) errors.push({ field, code: v[field] === undefined ? 'required' : 'wrongType' });
  };
  need('updatedAt', 'string'); need('updatedBy', 'string'); need('deletedAt', 'string', true);
  const common = { id, updatedAt: v.updatedAt as string, updatedBy: v.updatedBy as string, ...(v.deletedAt !== undefined && { deletedAt: v.deletedAt as string }) };
  if (kind === 'goal') {
    need('title', 'string'); need('target', 'number'); need('baseline', 'number', true);
    if (errors.length > 0) return { ok: false, error: errors };
    return { ok: true, value: { ...common, kind, title: v.title as string, target: v.target as number, ...(v.baseline !== undefined && { baseline: v.baseline as number }) } };
  }
  need('text', 'string');
  if (errors.length > 0) return { ok: false, error: errors };
  return { ok: true, value: { ...common, kind, text: v.text as string } };
}

const SPEC: RecordDocSpec<Kind, Rec> = { kinds: ['goal', 'note'], schemaVersion: 1, parse };

/** Derived rows for tests: one settings row per valid, non-deleted goal, keyed by its id. */
function derivingSpec(apply = vi.fn()): RecordDocSpec<Kind, Rec> & { calls: RecordChange<Kind, Rec>[][] } {
  const calls: RecordChange<Kind, Rec>[][] = [];
  return {
    ...SPEC,
    calls,
    derive: {
      version: 1,
      tables: (db) => [db.settings as unknown as Table],
      apply: async (db, _circleId, changes) => {
        calls.push([...changes]);
        apply(changes);
        for (const c of changes) {
          if (c.kind !== 'goal') continue;
          if (c.record && !c.record.deletedAt) await db.settings.put({ key: `goal/${c.id}`, value: c.record.kind === 'goal' ? c.record.title : null });
          else await db.settings.delete(`goal/${c.id}`);
        }
      },
    },
  };
}

const T0 = '2026-11-20T09:00:00.000Z';
const T1 = '2026-11-21T09:00:00.000Z';
const GOAL_ID = '01JGOA1000000000000000000A';
const GOAL2_ID = '01JGOA1000000000000000000B';
const NOTE_ID = '01JN0TE000000000000000000A';

function goal(extra: Partial<Goal> = {}): Goal {
  return { id: GOAL_ID, kind: 'goal', title: 'Walk to the shop', target: 8, baseline: 2, updatedAt: T0, updatedBy: 'clinician-1', ...extra };
}
function note(extra: Partial<Note> = {}): Note {
  return { id: NOTE_ID, kind: 'note', text: 'Start slowly', updatedAt: T0, updatedBy: 'clinician-1', ...extra };
}

const opened: Array<{ db: PacelineDB; store: RecordDoc<Kind, Rec> }> = [];
async function openStore(name = freshName('record-doc'), spec: RecordDocSpec<Kind, Rec> = SPEC, options: RecordDocOptions = {}) {
  const db = new PacelineDB(name);
  const store = await openRecordDoc(db, CIRCLE, 'plan', spec, options);
  opened.push({ db, store });
  return { db, store, name };
}
afterEach(async () => {
  for (const { db, store } of opened.splice(0)) {
    await store.close().catch(() => undefined);
    db.close();
  }
});

/** A Y.Doc with the same content as `doc`, to make updates another device would send. */
function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

/** The update `change` makes on a copy of `doc`. */
function updateOn(doc: Y.Doc, change: (copy: Y.Doc) => void): Uint8Array {
  const copy = copyOf(doc);
  const sv = Y.encodeStateVector(copy);
  copy.transact(() => change(copy));
  return Y.encodeStateAsUpdate(copy, sv);
}

function recordMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(fields)) map.set(k, v);
  return map;
}

function touched(doc: Y.Doc, update: Uint8Array): Touched {
  return unwrap(touchedBy(doc, update));
}

describe('record doc', () => {
  it('keeps each record as a nested map of fields, and reopens from the Dexie log with the same records', async () => {
    const { db, store, name } = await openStore();
    unwrap(await store.put(goal()));
    unwrap(await store.put(note()));
    unwrap(await store.put(goal({ id: GOAL2_ID, title: 'Sleep through' })));
    const patched = unwrap(await store.patch('goal', GOAL_ID, { target: 9, baseline: undefined, updatedAt: T1 }));
    expect(patched).toEqual({ id: GOAL_ID, kind: 'goal', title: 'Walk to the shop', target: 9, updatedAt: T1, updatedBy: 'clinician-1' });
    const removed = unwrap(await store.remove('goal', GOAL2_ID, { by: 'clinician-2', at: new Date(T1) }));
    expect(removed).toMatchObject({ deletedAt: T1, updatedAt: T1, updatedBy: 'clinician-2' });

    const stored = store.doc.getMap('goal').get(GOAL_ID);
    expect(stored).toBeInstanceOf(Y.Map);
    expect((stored as Y.Map<unknown>).toJSON()).toEqual({ title: 'Walk to the shop', target: 9, updatedAt: T1, updatedBy: 'clinician-1' });
    expect(store.all('goal').map((r) => r.id)).toEqual([GOAL_ID]);
    expect(store.all('goal', { includeDeleted: true }).map((r) => r.id)).toEqual([GOAL_ID, GOAL2_ID]);

    const before = { goals: store.all('goal', { includeDeleted: true }), notes: store.all('note', { includeDeleted: true }) };
    await store.close();
    db.close();
    const again = await openStore(name);
    expect({ goals: again.store.all('goal', { includeDeleted: true }), notes: again.store.all('note', { includeDeleted: true }) }).toEqual(before);
    expect(again.store.get('note', NOTE_ID)).toEqual(note());
    expect(again.store.doc.getMap('meta').get('schemaVersion')).toBe(1);
    expect(again.store.problems()).toEqual([]);

    const restored = unwrap(await again.store.restore('goal', GOAL2_ID, { by: 'clinician-1', at: T1 }));
    expect(restored.deletedAt).toBeUndefined();
    expect(again.store.all('goal').map((r) => r.id)).toEqual([GOAL_ID, GOAL2_ID]);
  });

  it('put writes only the fields that differ, deletes removed fields, and keeps fields it does not read', async () => {
    const { store } = await openStore();
    unwrap(await store.put(goal()));
    // A newer app added a field this one does not read.
    unwrap(await store.applyRemoteUpdate(updateOn(store.doc, (d) => (d.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).set('colour', 'teal'))));
    const mirror = copyOf(store.doc);
    const updates: Uint8Array[] = [];
    store.onChange((_origin, update) => { if (update) updates.push(update); });
    const { baseline: _dropped, ...withoutBaseline } = goal();
    const saved = unwrap(await store.put({ ...withoutBaseline, target: 7, updatedAt: T1 }));
    expect(saved).toEqual({ ...withoutBaseline, target: 7, updatedAt: T1 });
    expect(updates).toHaveLength(1);
    expect(touched(mirror, updates[0]!).records).toEqual([{ kind: 'goal', id: GOAL_ID, change: 'edited', fields: ['baseline', 'target', 'updatedAt'] }]);
    expect((store.doc.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).get('colour')).toBe('teal');
    // The same record again changes nothing and stores nothing.
    unwrap(await store.put({ ...withoutBaseline, target: 7, updatedAt: T1 }));
    expect(updates).toHaveLength(1);
  });

  it('concurrent edits of different fields of one record on two devices both survive the merge', async () => {
    const a = await openStore();
    const b = await openStore();
    unwrap(await a.store.put(goal()));
    unwrap(await b.store.applyRemoteUpdate(Y.encodeStateAsUpdate(a.store.doc)));
    // Both offline: A renames the goal, B raises its target. Then each sends what the other lacks.
    unwrap(await a.store.patch('goal', GOAL_ID, { title: 'Walk to the park' }));
    unwrap(await b.store.patch('goal', GOAL_ID, { target: 10 }));
    const fromA = Y.encodeStateAsUpdate(a.store.doc, Y.encodeStateVector(b.store.doc));
    const fromB = Y.encodeStateAsUpdate(b.store.doc, Y.encodeStateVector(a.store.doc));
    unwrap(await a.store.applyRemoteUpdate(fromB));
    unwrap(await b.store.applyRemoteUpdate(fromA));
    const merged = goal({ title: 'Walk to the park', target: 10 });
    expect(a.store.get('goal', GOAL_ID)).toEqual(merged);
    expect(b.store.get('goal', GOAL_ID)).toEqual(merged);
  });

  it('a value that fails validation is reported by problems(), kept, and can be repaired by patch', async () => {
    const { db, store, name } = await openStore();
    unwrap(await store.put(goal()));
    const broken = '01JBR0KEN00000000000000000';
    const newer = '01JNEWER000000000000000000';
    const plain = '01JPLA1N000000000000000000';
    unwrap(await store.applyRemoteUpdate(updateOn(store.doc, (d) => {
      d.getMap('goal').set(broken, recordMap({ title: 'x', target: 'lots', updatedAt: T0, updatedBy: 'p' }));
      d.getMap('goal').set(newer, recordMap({ title: 'x', target: 1, updatedAt: T0, updatedBy: 'p', schemaVersion: 2 }));
      d.getMap('note').set(plain, { text: 'a whole JSON value, not a map of fields' });
    })));
    const problems = store.problems().map((p) => [p.kind, p.id, p.reason]).sort();
    expect(problems).toEqual([['goal', broken, 'invalid'], ['goal', newer, 'newer-version'], ['note', plain, 'invalid']].sort());
    expect(store.get('goal', broken)).toBeUndefined();
    expect(store.all('goal').map((r) => r.id)).toEqual([GOAL_ID]);
    expect((store.doc.getMap('goal').get(broken) as Y.Map<unknown>).get('target')).toBe('lots');
    // A value that is not a map of fields is never overwritten.
    const before = await snapshot(db);
    expect(await store.put(note({ id: plain }))).toMatchObject({ ok: false, error: { code: 'invalid-record' } });
    expect(await snapshot(db)).toEqual(before);
    expect(store.doc.getMap('note').get(plain)).toEqual({ text: 'a whole JSON value, not a map of fields' });

    await store.close();
    db.close();
    const again = await openStore(name);
    expect(again.store.problems()).toHaveLength(3);
    unwrap(await again.store.patch('goal', broken, { target: 4 }));
    expect(again.store.get('goal', broken)).toMatchObject({ target: 4 });
    expect(again.store.problems()).toHaveLength(2);
  });

  it('refuses an invalid record or patch without touching the doc or the database', async () => {
    const { db, store } = await openStore();
    unwrap(await store.put(goal()));
    const before = await snapshot(db);
    const sv = Y.encodeStateVector(store.doc);
    const bad = await store.put({ ...goal({ id: GOAL2_ID }), target: 'high' } as unknown as Goal);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-record', errors: [{ field: 'target', code: 'wrongType' }] } });
    expect(await store.patch('goal', GOAL_ID, { title: undefined })).toMatchObject({ ok: false, error: { code: 'invalid-record', errors: [{ field: 'title', code: 'required' }] } });
    expect(await store.patch('goal', GOAL_ID, { id: GOAL2_ID } as never)).toMatchObject({ ok: false, error: { code: 'invalid-record' } });
    expect(await store.patch('goal', GOAL2_ID, { target: 1 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await store.remove('note', NOTE_ID, { by: 'x', at: T1 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(Y.encodeStateVector(store.doc)).toEqual(sv);
    expect(await snapshot(db)).toEqual(before);
  });

  it('a document from a newer app opens read-only, refuses writes, and still receives updates', async () => {
    const { store, name } = await openStore();
    unwrap(await store.put(goal()));
    unwrap(await store.applyRemoteUpdate(updateOn(store.doc, (d) => d.getMap('meta').set('schemaVersion', 2))));
    expect(store.readOnly).toBe(true);
    for (const attempt of [
      store.put(note()),
      store.patch('goal', GOAL_ID, { target: 3 }),
      store.remove('goal', GOAL_ID, { by: 'x', at: T1 }),
    ]) {
      const result = await attempt;
      expect(result).toMatchObject({ ok: false, error: { code: 'read-only' } });
      if (!result.ok) expect(result.error.message).toMatch(/newer version of Paceline.*update/);
    }
    unwrap(await store.applyRemoteUpdate(updateOn(store.doc, (d) => d.getMap('note').set(NOTE_ID, recordMap({ text: 'hi', updatedAt: T0, updatedBy: 'p' })))));
    expect(store.get('note', NOTE_ID)?.id).toBe(NOTE_ID);
    const again = await openStore(name);
    expect(again.store.readOnly).toBe(true);
    expect(again.store.doc.getMap('meta').get('schemaVersion')).toBe(2);
  });

  it('a remote update is persisted (a reopen sees it) and onChange fires with its origin and update', async () => {
    const { store, name } = await openStore();
    const seen: Array<[unknown, Uint8Array | null]> = [];
    store.onChange((origin, update) => seen.push([origin, update]));
    const update = updateOn(store.doc, (d) => d.getMap('goal').set(GOAL_ID, recordMap({ title: 'Garden', target: 6, updatedAt: T0, updatedBy: 'c' })));
    unwrap(await store.applyRemoteUpdate(update));
    expect(seen).toEqual([[ORIGIN_SYNC, update]]);
    const live = updateOn(store.doc, (d) => (d.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).set('target', 7));
    unwrap(await store.applyRemoteUpdate(live, { origin: ORIGIN_PEER }));
    expect(seen[1]?.[0]).toBe(ORIGIN_PEER);
    const again = await openStore(name);
    expect(again.store.get('goal', GOAL_ID)).toMatchObject({ title: 'Garden', target: 7 });
  });

  it('derived rows commit with the update (local and remote), roll back with it, and are rebuilt for a new derivation', async () => {
    const spec = derivingSpec();
    const { db, store, name } = await openStore(undefined, spec);
    unwrap(await store.put(goal()));
    expect(spec.calls.at(-1)).toEqual([{ kind: 'goal', id: GOAL_ID, record: goal(), previous: null }]);
    expect(await db.settings.get(`goal/${GOAL_ID}`)).toEqual({ key: `goal/${GOAL_ID}`, value: 'Walk to the shop' });
    unwrap(await store.applyRemoteUpdate(updateOn(store.doc, (d) => {
      (d.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).set('title', 'Walk to the park');
      d.getMap('goal').set(GOAL2_ID, recordMap({ title: 'Swim', target: 3, updatedAt: T0, updatedBy: 'c' }));
    })));
    expect(spec.calls.at(-1)?.map((c) => [c.id, c.record?.kind === 'goal' && c.record.title, 'previous' in c])).toEqual([
      [GOAL_ID, 'Walk to the park', false], [GOAL2_ID, 'Swim', false],
    ]);
    expect((await db.settings.toArray()).map((r) => r.value).sort()).toEqual(['Swim', 'Walk to the park']);

    // The derived write fails: nothing of the change stays, in memory or on disk.
    const before = await snapshot(db);
    const spy = vi.spyOn(db.settings, 'delete').mockImplementation(() => { throw new Error('disk said no'); });
    const result = await store.remove('goal', GOAL_ID, { by: 'c', at: T1 });
    spy.mockRestore();
    expect(result).toMatchObject({ ok: false, error: { code: 'storage-failed' } });
    expect(store.get('goal', GOAL_ID)?.deletedAt).toBeUndefined();
    expect(await snapshot(db)).toEqual(before);
    unwrap(await store.remove('goal', GOAL_ID, { by: 'c', at: T1 }));
    expect((await db.settings.toArray()).map((r) => r.value)).toEqual(['Swim']);

    // A new derivation version rebuilds from every record on open.
    await db.settings.clear();
    await store.close();
    const spec2 = derivingSpec();
    spec2.derive!.version = 2;
    const again = await openStore(name, spec2);
    expect(spec2.calls).toHaveLength(1);
    expect((await again.db.settings.toArray()).map((r) => r.value)).toEqual(['Swim']);
    expect((await again.db.docMeta.get(`${CIRCLE}/plan`))?.derivedVersion).toBe(2);
  });

  it('a failed commit (full disk) leaves memory at the committed state, and the store keeps working', async () => {
    const { db, store } = await openStore();
    unwrap(await store.put(goal()));
    const spy = vi.spyOn(db.docUpdates, 'add').mockImplementation(() => { throw new DOMException('quota', 'QuotaExceededError'); });
    expect(await store.patch('goal', GOAL_ID, { target: 1 })).toMatchObject({ ok: false, error: { code: 'storage-full' } });
    spy.mockRestore();
    expect(store.get('goal', GOAL_ID)).toEqual(goal());
    unwrap(await store.patch('goal', GOAL_ID, { target: 1 }));
    expect(store.get('goal', GOAL_ID)?.target).toBe(1);
  });

  it('while shared, local writes queue a pending row and received ones do not; another tab sees committed writes', async () => {
    const { db, store, name } = await openStore();
    expect(await enableSharing(db, CIRCLE, 'plan')).toBe(true);
    const tab2 = await openStore(name);
    const seen = new Promise<void>((resolve) => { const off = tab2.store.onChange(() => { off(); resolve(); }); });
    const pendingBefore = (await listPending(db, `${CIRCLE}/plan`)).length;
    unwrap(await store.put(goal()));
    await seen;
    expect(tab2.store.get('goal', GOAL_ID)).toEqual(goal());
    unwrap(await store.applyRemoteUpdate(updateOn(store.doc, (d) => d.getMap('note').set(NOTE_ID, recordMap({ text: 'hi', updatedAt: T0, updatedBy: 'p' })))));
    expect((await listPending(db, `${CIRCLE}/plan`)).length).toBe(pendingBefore + 1);
    // A record of a kind the spec does not have is refused (a caller outside the types).
    expect(await store.put({ ...note(), kind: 'other' } as never)).toMatchObject({ ok: false, error: { code: 'invalid-record' } });
  });

  it('migrates an older document on open with its idempotent steps, unless told not to', async () => {
    const { db, store, name } = await openStore();
    unwrap(await store.put(goal({ baseline: undefined })));
    await store.close();
    db.close();
    // Version 2 fills in a missing baseline.
    const migrate = vi.fn((doc: Y.Doc) => {
      let ran = false;
      for (const value of doc.getMap('goal').values()) {
        if (value instanceof Y.Map && !value.has('baseline')) { value.set('baseline', 0); ran = true; }
      }
      return ran;
    });
    const v2 = { ...SPEC, schemaVersion: 2, migrate };
    const reader = await openStore(name, v2, { migrate: false });
    const rows = await reader.db.docUpdates.count();
    expect(reader.store.get('goal', GOAL_ID)?.kind === 'goal' && reader.store.get('goal', GOAL_ID)).not.toHaveProperty('baseline');
    expect(migrate).not.toHaveBeenCalled();
    await reader.store.close();
    expect(await reader.db.docUpdates.count()).toBe(rows);

    const writer = await openStore(name, v2);
    expect(migrate).toHaveBeenCalledTimes(1);
    expect(writer.store.get('goal', GOAL_ID)).toMatchObject({ baseline: 0 });
    expect(writer.store.doc.getMap('meta').get('schemaVersion')).toBe(2);
    expect(await writer.db.docUpdates.count()).toBe(rows + 1);
  });
});

describe('touchedBy', () => {
  async function base() {
    const { store } = await openStore();
    unwrap(await store.put(goal()));
    unwrap(await store.put(note()));
    return store.doc;
  }

  it('reports added records in several kinds, without changing the live doc', async () => {
    const doc = await base();
    const sv = Y.encodeStateVector(doc);
    const json = doc.toJSON();
    const update = updateOn(doc, (d) => {
      d.getMap('goal').set(GOAL2_ID, recordMap({ title: 'Swim', target: 3, updatedAt: T0, updatedBy: 'c' }));
      d.getMap('note').set('01JN0TE000000000000000000B', recordMap({ text: 'more', updatedAt: T0, updatedBy: 'c' }));
    });
    expect(touched(doc, update)).toEqual({
      kinds: ['goal', 'note'],
      records: [
        { kind: 'goal', id: GOAL2_ID, change: 'added', fields: null },
        { kind: 'note', id: '01JN0TE000000000000000000B', change: 'added', fields: null },
      ],
      incomplete: false,
      completesEarlier: false,
    });
    expect(Y.encodeStateVector(doc)).toEqual(sv);
    expect(doc.toJSON()).toEqual(json);
  });

  it('reports edited and deleted fields by name', async () => {
    const doc = await base();
    const update = updateOn(doc, (d) => {
      const g = d.getMap('goal').get(GOAL_ID) as Y.Map<unknown>;
      g.set('target', 9);
      g.delete('baseline');
      (d.getMap('note').get(NOTE_ID) as Y.Map<unknown>).set('text', 'Rest first');
    });
    expect(touched(doc, update).records).toEqual([
      { kind: 'goal', id: GOAL_ID, change: 'edited', fields: ['baseline', 'target'] },
      { kind: 'note', id: NOTE_ID, change: 'edited', fields: ['text'] },
    ]);
    // A field deletion alone is a change too.
    const onlyDelete = updateOn(doc, (d) => (d.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).delete('baseline'));
    expect(touched(doc, onlyDelete).records).toEqual([{ kind: 'goal', id: GOAL_ID, change: 'edited', fields: ['baseline'] }]);
    // An edit inside a field that holds a Yjs type (shared free text) names that field.
    const withText = copyOf(doc);
    (withText.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).set('notes', new Y.Text('Walk'));
    const typing = updateOn(withText, (d) => ((d.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).get('notes') as Y.Text).insert(4, ' daily'));
    expect(touched(withText, typing).records).toEqual([{ kind: 'goal', id: GOAL_ID, change: 'edited', fields: ['notes'] }]);
  });

  it('reports whole records replaced or deleted, meta changes and names this app does not know', async () => {
    const doc = await base();
    const update = updateOn(doc, (d) => {
      d.getMap('goal').set(GOAL_ID, recordMap({ title: 'New', target: 1, updatedAt: T1, updatedBy: 'c' }));
      d.getMap('note').delete(NOTE_ID);
      d.getMap('meta').set('schemaVersion', 5);
      d.getMap('secrets').set('k', 1);
    });
    const t = touched(doc, update);
    expect(t.kinds).toEqual(['goal', 'meta', 'note', 'secrets']);
    expect(t.records).toEqual([
      { kind: 'goal', id: GOAL_ID, change: 'replaced', fields: null },
      { kind: 'meta', id: 'schemaVersion', change: 'replaced', fields: null },
      { kind: 'note', id: NOTE_ID, change: 'deleted', fields: null },
      { kind: 'secrets', id: 'k', change: 'added', fields: null },
    ]);
  });

  it('an update the doc already has touches nothing; one with missing dependencies is incomplete', async () => {
    const doc = await base();
    expect(touched(doc, Y.encodeStateAsUpdate(doc))).toEqual({ kinds: [], records: [], incomplete: false, completesEarlier: false });
    // Two successive edits on another device; the second arrives first.
    const other = copyOf(doc);
    const sv0 = Y.encodeStateVector(other);
    (other.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).set('target', 9);
    const sv1 = Y.encodeStateVector(other);
    (other.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).set('title', 'Later');
    const first = Y.encodeStateAsUpdate(other, sv0);
    const second = Y.encodeStateAsUpdate(other, sv1);
    // The second's structs wait for the first; its delete set (never trimmed by state vector)
    // still removes the values both edits replace, at once: that is listed.
    expect(touched(doc, second)).toEqual({
      kinds: ['goal'], records: [{ kind: 'goal', id: GOAL_ID, change: 'edited', fields: ['target', 'title'] }], incomplete: true, completesEarlier: false,
    });
    // Edits that replace nothing, the second arriving first: nothing known yet, incomplete.
    const adder = copyOf(doc);
    (adder.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).set('extra', 1);
    const svAdded = Y.encodeStateVector(adder);
    (adder.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).set('more', 2);
    expect(touched(doc, Y.encodeStateAsUpdate(adder, svAdded))).toEqual({ kinds: [], records: [], incomplete: true, completesEarlier: false });
    // A doc holding the second back: the first completes it, and both edits are listed.
    const holding = copyOf(doc);
    Y.applyUpdate(holding, second);
    expect(touched(holding, first)).toEqual({
      kinds: ['goal'], records: [{ kind: 'goal', id: GOAL_ID, change: 'edited', fields: ['target', 'title'] }], incomplete: false, completesEarlier: true,
    });
  });

  it('a malformed update is an error value, and the doc is unchanged', async () => {
    const doc = await base();
    const json = doc.toJSON();
    const good = updateOn(doc, (d) => d.getMap('goal').set(GOAL2_ID, recordMap({ title: 'Swim', target: 3, updatedAt: T0, updatedBy: 'c' })));
    for (const bad of [good.slice(0, Math.floor(good.length / 2)), new Uint8Array([255, 255, 255, 255, 255, 1, 2, 3]), new Uint8Array([1])]) {
      const result = touchedBy(doc, bad);
      expect(result).toMatchObject({ ok: false, error: { code: 'malformed-update' } });
    }
    expect(doc.toJSON()).toEqual(json);
  });

  it('the store method judges against its live doc', async () => {
    const { store } = await openStore();
    unwrap(await store.put(goal()));
    const update = updateOn(store.doc, (d) => (d.getMap('goal').get(GOAL_ID) as Y.Map<unknown>).set('title', 'x'));
    expect(unwrap(store.touchedBy(update)).records).toEqual([{ kind: 'goal', id: GOAL_ID, change: 'edited', fields: ['title'] }]);
  });
});
