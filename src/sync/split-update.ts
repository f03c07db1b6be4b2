// Splitting a document's state into several valid Yjs updates, each within a byte budget,
// so that a state larger than one envelope may carry (years of diary imported before
// sharing was switched on) still goes out, as consecutive pushes. Applied in any order,
// the pieces together give exactly the state (Yjs keeps a piece whose dependencies have
// not arrived yet as pending, and integrates it when they do).
//
// A piece holds the structs of some Yjs clients within a clock range, plus the document's
// whole delete set. Whole clients are cut with encodeStateAsUpdate against a state vector
// that covers every other client; a single client too large for one piece (an import writes
// everything under one client id) is cut by clock, from a copy of the document truncated
// with createDocFromSnapshot.

import * as Y from 'yjs';

/** The structs of `client` with clocks in [from, to). */
interface ClockRange {
  client: number;
  from: number;
  to: number;
}

const weight = (ranges: readonly ClockRange[]) => ranges.reduce((n, r) => n + r.to - r.from, 0);

/** Cuts ranges (in order) into at most `parts` runs of about equal clock weight; a range may be cut in two. */
function cut(ranges: readonly ClockRange[], parts: number): ClockRange[][] {
  const size = Math.max(1, Math.ceil(weight(ranges) / parts));
  const runs: ClockRange[][] = [];
  let run: ClockRange[] = [];
  let filled = 0;
  for (const { client, from: start, to } of ranges) {
    for (let from = start; from < to; ) {
      const take = Math.min(to - from, size - filled);
      run.push({ client, from, to: from + take });
      from += take;
      filled += take;
      if (filled === size) {
        runs.push(run);
        run = [];
        filled = 0;
      }
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * The document's structs from state vector `since` on (all of them by default) and its whole
 * delete set, as updates of at most `budget` bytes each; null when one struct, or the delete
 * set, does not fit the budget on its own.
 */
export function splitState(doc: Y.Doc, budget: number, since?: Map<number, number>): Uint8Array[] | null {
  const base = since ?? new Map<number, number>();
  const whole = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(base));
  if (whole.length <= budget) return [whole];
  const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
  const ranges: ClockRange[] = [...sv]
    .filter(([client, clock]) => clock > (base.get(client) ?? 0))
    .sort(([a], [b]) => a - b)
    .map(([client, clock]) => ({ client, from: base.get(client) ?? 0, to: clock }));
  // Truncation needs a document that keeps deleted content (createDocFromSnapshot's rule).
  let copy: Y.Doc | null = null;

  const encode = (run: readonly ClockRange[]): Uint8Array => {
    // What a receiver of this piece is taken to hold: everything but the run.
    const held = new Map(sv);
    for (const r of run) held.set(r.client, r.from);
    const target = Y.encodeStateVector(held);
    if (run.every((r) => r.to === sv.get(r.client))) return Y.encodeStateAsUpdate(doc, target);
    if (!copy) {
      copy = new Y.Doc({ gc: false });
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    }
    const upTo = new Map(sv);
    for (const r of run) upTo.set(r.client, r.to);
    const truncated = Y.createDocFromSnapshot(copy, Y.createSnapshot(Y.createDeleteSetFromStructStore(copy.store), upTo));
    const piece = Y.encodeStateAsUpdate(truncated, target);
    truncated.destroy();
    return piece;
  };

  const pieces: Uint8Array[] = [];
  const fill = (run: readonly ClockRange[]): boolean => {
    const piece = encode(run);
    if (piece.length <= budget) {
      pieces.push(piece);
      return true;
    }
    // Too big: halve by clock weight, down to single structs.
    if (weight(run) <= 1) return false;
    return cut(run, 2).every(fill);
  };
  // A first guess at the number of pieces saves encoding the big ones only to halve them.
  const guess = Math.max(2, Math.ceil(whole.length / (budget * 0.8)));
  const ok = cut(ranges, guess).every(fill);
  (copy as Y.Doc | null)?.destroy();
  return ok ? pieces : null;
}
