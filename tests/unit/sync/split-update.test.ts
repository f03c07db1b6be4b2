// Splitting a state too large for one envelope into valid Yjs updates within a budget:
// together, in any order, they give exactly the document.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { splitState } from '../../../src/sync/split-update';
import { seededRandom } from './client-fixtures';

/** A document written by `clients` sessions: map entries, overwrites, deletions and text. */
function history(clients: number, entriesEach: number, seed = 1): Y.Doc {
  const rand = seededRandom(seed);
  const doc = new Y.Doc();
  for (let c = 0; c < clients; c++) {
    const session = new Y.Doc();
    session.clientID = 1000 + c;
    Y.applyUpdate(session, Y.encodeStateAsUpdate(doc));
    const map = session.getMap('diary');
    for (let i = 0; i < entriesEach; i++) {
      const key = `e${Math.floor(rand() * entriesEach * clients)}`;
      if (rand() < 0.1) map.delete(key);
      else map.set(key, { pain: Math.floor(rand() * 10), note: 'x'.repeat(Math.floor(rand() * 200)) });
    }
    session.getText('notes').insert(0, `session ${c} `.repeat(20));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(session, Y.encodeStateVector(doc)));
  }
  return doc;
}

/** The document rebuilt from pieces applied in the given order. */
function rebuild(pieces: Uint8Array[], base?: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  if (base) Y.applyUpdate(doc, base);
  for (const p of pieces) Y.applyUpdate(doc, p);
  return doc;
}

function expectSame(a: Y.Doc, b: Y.Doc): void {
  expect(b.getMap('diary').toJSON()).toEqual(a.getMap('diary').toJSON());
  expect(b.getText('notes').toString()).toEqual(a.getText('notes').toString());
  expect(Y.decodeStateVector(Y.encodeStateVector(b))).toEqual(Y.decodeStateVector(Y.encodeStateVector(a)));
  expect(b.store.pendingStructs).toBeNull();
  expect(b.store.pendingDs).toBeNull();
}

describe('splitState', () => {
  it('returns the whole state as one update when it fits', () => {
    const doc = history(3, 20);
    expect(splitState(doc, 1 << 20)).toEqual([Y.encodeStateAsUpdate(doc)]);
  });

  it('splits many clients and one huge client into pieces within the budget that rebuild the document in any order', () => {
    for (const doc of [history(30, 40), history(1, 1500, 2)]) {
      const whole = Y.encodeStateAsUpdate(doc).length;
      const budget = Math.ceil(whole / 5);
      const pieces = splitState(doc, budget);
      if (!pieces) throw new Error('not split');
      expect(pieces.length).toBeGreaterThan(4);
      expect(pieces.length).toBeLessThan(12);
      for (const p of pieces) expect(p.length).toBeLessThanOrEqual(budget);
      expectSame(doc, rebuild(pieces));
      expectSame(doc, rebuild([...pieces].reverse()));
    }
  });

  it('splits only what follows a state vector (one oversized change)', () => {
    const doc = history(4, 50, 3);
    const before = Y.encodeStateAsUpdate(doc);
    const since = Y.decodeStateVector(Y.encodeStateVector(doc));
    const session = new Y.Doc();
    session.clientID = 77;
    Y.applyUpdate(session, before);
    for (let i = 0; i < 600; i++) session.getMap('diary').set(`big${i}`, { note: 'y'.repeat(150) });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(session, Y.encodeStateVector(doc)));
    const change = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(since));
    const pieces = splitState(doc, Math.ceil(change.length / 3), since);
    if (!pieces) throw new Error('not split');
    expect(pieces.reduce((n, p) => n + p.length, 0)).toBeLessThan(change.length * 1.2);
    expectSame(doc, rebuild(pieces, before));
  });

  it('gives up (null) when a single struct is over the budget', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('big', 'z'.repeat(5000));
    doc.getMap('m').set('small', 1);
    expect(splitState(doc, 1000)).toBeNull();
  });
});
