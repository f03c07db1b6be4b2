// A caregiver with diary access writes only entries marked as entered by the caregiver;
// the receiving device refuses an update that adds or edits a patient's entry.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PacelineDB } from '../../../src/storage/db';
import { openJournalStore } from '../../../src/storage/journal-store';
import { CIRCLE, diary, freshName, unwrap } from './test-db';

const CARER = { role: 'caregiver' as const, memberRef: Buffer.from(new Uint8Array(32).fill(3)).toString('base64url') };

async function updateOf(doc: Y.Doc, write: () => Promise<unknown>): Promise<Uint8Array> {
  const before = Y.encodeStateVector(doc);
  await write();
  return Y.encodeStateAsUpdate(doc, before);
}

/** What the tablet has that the phone lacks (its structure stamp, say, pushed before its first entry). */
const missing = (from: Y.Doc, to: Y.Doc) => Y.encodeStateAsUpdate(from, Y.encodeStateVector(to));

describe("the caregiver's journal scope, checked on receipt", () => {
  it('accepts caregiver-marked entries, refuses edits of the patient’s entries and unmarked ones', async () => {
    const [phone, tablet] = await Promise.all([openJournalStore(new PacelineDB(freshName('phone')), CIRCLE), openJournalStore(new PacelineDB(freshName('carer')), CIRCLE)]);
    const own = diary('2026-11-20T08:00:00.000Z', 5);
    unwrap(await phone.put(own));
    unwrap(await tablet.applyRemoteUpdate(Y.encodeStateAsUpdate(phone.doc)));
    // The tablet stamped its journal when it opened it empty: a stamp of the same version is in scope.
    const stamp = missing(tablet.doc, phone.doc);
    expect(phone.remoteScope!(stamp, CARER, [])).toBe(true);
    unwrap(await phone.applyRemoteUpdate(stamp));

    const marked = await updateOf(tablet.doc, () => tablet.put({ ...diary('2026-11-21T08:00:00.000Z', 6), enteredBy: 'caregiver' }));
    expect(phone.remoteScope!(marked, CARER, [])).toBe(true);
    const unmarked = await updateOf(tablet.doc, () => tablet.put(diary('2026-11-21T09:00:00.000Z', 7)));
    expect(phone.remoteScope!(unmarked, CARER, [marked])).toBe(false);
    const edited = await updateOf(tablet.doc, () => tablet.put({ ...own, painNow: 9, enteredBy: 'caregiver', updatedAt: '2026-11-22T08:00:00.000Z' }));
    expect(phone.remoteScope!(edited, CARER, [marked, unmarked])).toBe(false);
    // The patient's own devices write anything.
    expect(phone.remoteScope!(unmarked, { ...CARER, role: 'patient' }, [marked])).toBe(true);
    await Promise.all([phone.close(), tablet.close()]);
  });
});
