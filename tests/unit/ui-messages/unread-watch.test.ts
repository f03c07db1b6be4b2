// The navigation badge's watcher: it never opens the messages document on a device that has
// none, shows the stored total at once, and recounts when a message arrives.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMessage, createThread } from '../../../src/domain/circle/messages';
import { PacelineDB } from '../../../src/storage/db';
import { openCircleDocs, type CircleDocs } from '../../../src/storage/circle-docs';
import { TOTAL_ID } from '../../../src/ui/features/messages/read-marks';
import { watchUnread } from '../../../src/ui/features/messages/unread-watch';
import { CIRCLE, freshName, unwrap } from '../storage/test-db';

const ANA = `${'A'.repeat(42)}A`;
const BEN = `${'B'.repeat(42)}A`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function anaDevice() {
  const db = new PacelineDB(freshName('ana'));
  let docs: Promise<CircleDocs> | undefined;
  let opens = 0;
  const app = {
    db,
    circleId: CIRCLE,
    circleDocs: () => {
      opens += 1;
      docs ??= openCircleDocs(db, CIRCLE, 'patient');
      return docs;
    },
    me: async () => ANA,
  };
  cleanups.push(async () => {
    if (docs) await (await docs).close();
    db.close();
  });
  return { db, app, opens: () => opens };
}

describe('watchUnread', () => {
  it('shows the stored total and leaves the messages document closed when there is none', async () => {
    const { db, app, opens } = anaDevice();
    await db.readMarks.put({ circleId: CIRCLE, threadId: TOTAL_ID, lastReadAt: '2025-03-03T09:00:00Z', unread: 3 } as never);
    const seen: number[] = [];
    const stop = watchUnread(app, (n) => seen.push(n));
    cleanups.push(stop);
    await until(() => seen.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.at(-1)).toBe(3);
    expect(opens()).toBe(0);
  });

  it('recounts when a message from another member arrives', async () => {
    const { app } = anaDevice();
    const seen: number[] = [];
    const stop = watchUnread(app, (n) => seen.push(n), { startAfterMs: 0 });
    cleanups.push(stop);
    // The messages screen opens the documents first (which creates them on this device).
    const docs = await app.circleDocs();
    const benDb = new PacelineDB(freshName('ben'));
    const ben = await openCircleDocs(benDb, CIRCLE, 'clinician');
    cleanups.push(async () => { await ben.close(); benDb.close(); });
    const thread = unwrap(createThread('Hello', BEN, new Date()));
    unwrap(await ben.messages.put(thread));
    unwrap(await ben.messages.put(unwrap(createMessage(thread.id, 'How are you today?', BEN, new Date()))));
    unwrap(await docs.messages.applyRemoteUpdate(Y.encodeStateAsUpdate(ben.messages.doc)));
    await until(() => seen.at(-1) === 1);
    stop();
  });
});
