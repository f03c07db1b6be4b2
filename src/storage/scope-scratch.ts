/**
 * The common step of the receiving side's scope checks (remote-scope.ts, journal-scope.ts):
 * apply an update to a scratch copy of the document, never to the live one, and look at
 * what it touches, before and after.
 */
import * as Y from 'yjs';
import { touchedBy, type RecordTouch } from './record-doc-touch';

export interface ScratchView {
  /** The document with the updates accepted earlier in the same delivery. */
  base: Y.Doc;
  /** `base` with the update applied. */
  after: Y.Doc;
  records: RecordTouch[];
}

/**
 * Runs `judge` on the update's effect; false when the update cannot be read or waits on parts
 * not received (its effect cannot be checked, so it is not applied), or when judging throws.
 */
export function judgeOnScratch(doc: Y.Doc, update: Uint8Array, earlier: readonly Uint8Array[], judge: (view: ScratchView) => boolean): boolean {
  const base = new Y.Doc();
  const after = new Y.Doc();
  try {
    Y.applyUpdate(base, Y.encodeStateAsUpdate(doc));
    for (const u of earlier) Y.applyUpdate(base, u);
    const touched = touchedBy(base, update);
    if (!touched.ok || touched.value.incomplete) return false;
    Y.applyUpdate(after, Y.encodeStateAsUpdate(base));
    Y.applyUpdate(after, update);
    return judge({ base, after, records: touched.value.records });
  } catch {
    return false;
  } finally {
    base.destroy();
    after.destroy();
  }
}
