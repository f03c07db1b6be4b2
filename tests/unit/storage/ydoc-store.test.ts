import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PacelineDB } from '../../../src/storage/db';
import { appendUpdate, commitCompaction, compactDoc, loadDoc, planCompaction } from '../../../src/storage/ydoc-store';
import { openJournalStore } from '../../../src/storage/journal-store';
import { CIRCLE, diary, freshName, openFresh, unwrap } from './test-db';

const KEY = `${CIRCLE}/journal`;

/** Appends n small edits (as a writer would) and returns the doc they build. */
async function writeEdits(db: PacelineDB, n: number, start = 0): Promise<void> {
  const doc = await loadDoc(db, KEY);
  doc.on('update', (u: Uint8Array) => {
    void db.transaction('rw', [db.docUpdates, db.docMeta], () => appendUpdate(db, CIRCLE, 'journal', u, 1));
  });
  for (let i = start; i < start + n; i++) doc.getMap('diary').set(`k${i}`, { i, text: `edit ${i}` });
  // Let the fire-and-forget appends finish.
  await db.transaction('r', db.docUpdates, () => undefined);
}

describe('update log', () => {
  it('compaction keeps the content identical and leaves one row', async () => {
    const db = new PacelineDB(freshName());
    await writeEdits(db, 50);
    expect(await db.docUpdates.count()).toBe(50);
    const before = (await loadDoc(db, KEY)).getMap('diary').toJSON();
    expect(await compactDoc(db, KEY, 10)).toBe(true);
    expect(await db.docUpdates.count()).toBe(1);
    expect((await loadDoc(db, KEY)).getMap('diary').toJSON()).toEqual(before);
    expect((await db.docMeta.get(KEY))?.updateCount).toBe(1);
    expect((await db.docMeta.get(KEY))?.compactedAt).toBeTypeOf('number');
    db.close();
  });

  it('does not compact under the threshold', async () => {
    const db = new PacelineDB(freshName());
    await writeEdits(db, 5);
    expect(await compactDoc(db, KEY, 10)).toBe(false);
    expect(await db.docUpdates.count()).toBe(5);
    db.close();
  });

  it('rows appended while a compaction merges survive it', async () => {
    const db = new PacelineDB(freshName());
    await writeEdits(db, 20);
    const plan = await planCompaction(db, KEY);
    expect(plan?.seqs).toHaveLength(20);
    // Another tab writes between the read and the commit of the compaction.
    await writeEdits(db, 3, 100);
    expect(await commitCompaction(db, plan!)).toBe(true);
    expect(await db.docUpdates.count()).toBe(4);
    const map = (await loadDoc(db, KEY)).getMap('diary');
    expect(map.size).toBe(23);
    expect(map.get('k101')).toEqual({ i: 101, text: 'edit 101' });
    db.close();
  });

  it('a compaction whose rows another tab already compacted does nothing', async () => {
    const db = new PacelineDB(freshName());
    await writeEdits(db, 10);
    const first = await planCompaction(db, KEY);
    const second = await planCompaction(db, KEY);
    expect(await commitCompaction(db, first!)).toBe(true);
    expect(await commitCompaction(db, second!)).toBe(false);
    expect(await db.docUpdates.count()).toBe(1);
    expect((await loadDoc(db, KEY)).getMap('diary').size).toBe(10);
    db.close();
  });

  it('the journal store compacts its log past the threshold, and reopens the same', async () => {
    const name = freshName();
    const { db, store } = await openFresh({ compactThreshold: 8 }, name);
    const ids: string[] = [];
    for (let d = 1; d <= 20; d++) {
      const e = diary(`2026-10-${String(d).padStart(2, '0')}T09:00:00.000Z`, d % 11);
      ids.push(e.id);
      unwrap(await store.put(e));
    }
    await store.close();
    expect(await db.docUpdates.count()).toBeLessThanOrEqual(9);
    const reopened = await openJournalStore(new PacelineDB(name), CIRCLE);
    expect(reopened.all('diary').map((r) => r.id)).toEqual(ids);
    await reopened.close();
    db.close();
  });

  it('loadDoc applies the whole log in one transaction', async () => {
    const db = new PacelineDB(freshName());
    await writeEdits(db, 12);
    const doc = new Y.Doc();
    let transactions = 0;
    doc.on('afterTransaction', () => { transactions += 1; });
    await loadDoc(db, KEY, doc);
    expect(transactions).toBe(1);
    expect(doc.getMap('diary').size).toBe(12);
    db.close();
  });
});
