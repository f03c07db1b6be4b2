// Unread counts of message threads with two members on two devices (each its own
// fake-indexeddb database and messages document), exchanging updates as the relay would:
// what the other wrote is unread until the thread is shown, a message written offline long
// ago is still unread when it arrives late, and the badge total is one stored row.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMessage, createThread, type Message, type Thread } from '../../../src/domain/circle/messages';
import { PacelineDB } from '../../../src/storage/db';
import { openCircleDocs, type CircleDocs } from '../../../src/storage/circle-docs';
import {
  nextThreadMarks, readMarksOf, recordMarks, summarize, TOTAL_ID, unreadOf, type MessagesSnapshot,
} from '../../../src/ui/features/messages/read-marks';
import { CIRCLE, freshName, unwrap } from '../storage/test-db';

const ANA = `${'A'.repeat(42)}A`; // the patient, on the device under test
const BEN = `${'B'.repeat(42)}A`; // her physiotherapist, on his own device

interface Device { db: PacelineDB; docs: CircleDocs; me: string }
const open: Device[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) {
    await d.docs.close();
    d.db.close();
  }
});

async function device(me: string, role: 'patient' | 'clinician'): Promise<Device> {
  const db = new PacelineDB(freshName(role));
  const docs = await openCircleDocs(db, CIRCLE, role);
  const d = { db, docs, me };
  open.push(d);
  return d;
}

/** Delivers everything `from` has that `to` lacks, as the relay would. */
async function deliver(from: Device, to: Device): Promise<void> {
  const update = Y.encodeStateAsUpdate(from.docs.messages.doc, Y.encodeStateVector(to.docs.messages.doc));
  unwrap(await to.docs.messages.applyRemoteUpdate(update));
}

const at = (iso: string) => new Date(iso);

async function startThread(d: Device, subject: string, text: string, when: string): Promise<{ thread: Thread; message: Message }> {
  const thread = unwrap(createThread(subject, d.me, at(when)));
  const message = unwrap(createMessage(thread.id, text, d.me, at(when)));
  unwrap(await d.docs.messages.put(thread));
  unwrap(await d.docs.messages.put(message));
  return { thread, message };
}

async function reply(d: Device, threadId: string, text: string, when: string): Promise<Message> {
  const message = unwrap(createMessage(threadId, text, d.me, at(when)));
  unwrap(await d.docs.messages.put(message));
  return message;
}

function snapshotOf(d: Device): MessagesSnapshot {
  return { threads: d.docs.messages.all('thread'), messages: d.docs.messages.all('message', { includeDeleted: true }) };
}

/** Counts on `d` at `now` (showing `shown`), then reads the stored total back. */
async function count(d: Device, now: string, shown?: string): Promise<number> {
  const total = await recordMarks(d.db, CIRCLE, snapshotOf(d), d.me, at(now), shown);
  expect(unreadOf(await d.db.readMarks.get([CIRCLE, TOTAL_ID]))).toBe(total);
  return total;
}

async function unreadIn(d: Device, threadId: string): Promise<number | undefined> {
  const marks = await readMarksOf(d.db, CIRCLE);
  return summarize(snapshotOf(d), marks, d.me).find((s) => s.thread.id === threadId)?.unread;
}

describe('unread messages between two members', () => {
  it('what the other member wrote is unread until the thread is shown; own messages never are', async () => {
    const ana = await device(ANA, 'patient');
    const ben = await device(BEN, 'clinician');
    const { thread } = await startThread(ana, 'My knee exercises', 'The squats hurt more this week.', '2025-03-03T09:00:00Z');
    expect(await count(ana, '2025-03-03T09:00:01Z')).toBe(0);

    await deliver(ana, ben);
    expect(await count(ben, '2025-03-03T10:00:00Z')).toBe(1);
    await reply(ben, thread.id, 'Try half the depth for a week.', '2025-03-03T10:05:00Z');
    await reply(ben, thread.id, 'And ice afterwards.', '2025-03-03T10:06:00Z');
    await deliver(ben, ana);

    expect(await count(ana, '2025-03-03T11:00:00Z')).toBe(2);
    expect(await unreadIn(ana, thread.id)).toBe(2);
    // Ana opens the thread.
    expect(await count(ana, '2025-03-03T11:00:05Z', thread.id)).toBe(0);
    expect(await unreadIn(ana, thread.id)).toBe(0);
    // Ben's device still has Ana's first message unread: marks are per device.
    expect(await count(ben, '2025-03-03T11:00:06Z')).toBe(1);
  });

  it('a message written offline days ago is unread when it arrives after the thread was read', async () => {
    const ana = await device(ANA, 'patient');
    const ben = await device(BEN, 'clinician');
    const { thread } = await startThread(ana, 'Sleep', 'I wake up at 3 every night.', '2025-03-01T08:00:00Z');
    await deliver(ana, ben);
    // Ben answers on Monday from a clinic laptop that is offline until Thursday.
    await reply(ben, thread.id, 'Keep the sleep diary for two weeks.', '2025-03-03T09:00:00Z');
    // Meanwhile Ana reads the thread on Wednesday (her own message only).
    expect(await count(ana, '2025-03-05T12:00:00Z', thread.id)).toBe(0);
    // Thursday: Ben's Monday message arrives, older than Ana's read mark.
    await deliver(ben, ana);
    expect(await count(ana, '2025-03-06T08:00:00Z')).toBe(1);
    expect(await unreadIn(ana, thread.id)).toBe(1);
    // Counting again later keeps its arrival time: still unread, once.
    expect(await count(ana, '2025-03-07T08:00:00Z')).toBe(1);
    expect(await count(ana, '2025-03-07T08:01:00Z', thread.id)).toBe(0);
  });

  it('a writer whose clock runs ahead does not leave a message unread once shown', async () => {
    const ana = await device(ANA, 'patient');
    const ben = await device(BEN, 'clinician');
    const { thread } = await startThread(ana, 'Medication', 'Can I take it with food?', '2025-03-03T09:00:00Z');
    await deliver(ana, ben);
    // Ben's clock is ten minutes fast.
    await reply(ben, thread.id, 'Yes, with food is better.', '2025-03-03T09:20:00Z');
    await deliver(ben, ana);
    expect(await count(ana, '2025-03-03T09:10:00Z', thread.id)).toBe(0);
    // A second fast message arriving right after is still new to Ana.
    await reply(ben, thread.id, 'Take it at breakfast.', '2025-03-03T09:19:00Z');
    await deliver(ben, ana);
    expect(await count(ana, '2025-03-03T09:10:30Z')).toBe(1);
  });

  it('deleted messages do not count; newest activity first across threads', async () => {
    const ana = await device(ANA, 'patient');
    const ben = await device(BEN, 'clinician');
    const first = await startThread(ben, 'Appointment', 'See you on the 12th.', '2025-03-03T09:00:00Z');
    const second = await startThread(ben, 'Exercises', 'New video attached in the plan.', '2025-03-03T09:30:00Z');
    await deliver(ben, ana);
    expect(await count(ana, '2025-03-03T10:00:00Z')).toBe(2);
    unwrap(await ben.docs.messages.remove('message', second.message.id, { by: BEN, at: '2025-03-03T10:01:00Z' }));
    await deliver(ben, ana);
    expect(await count(ana, '2025-03-03T10:02:00Z')).toBe(1);
    const summaries = summarize(snapshotOf(ana), await readMarksOf(ana.db, CIRCLE), ANA);
    expect(summaries.map((s) => s.thread.subject)).toEqual(['Exercises', 'Appointment']);
    expect(summaries[0]?.lastMessage).toBeNull();
    expect(summaries[1]?.lastMessage?.text).toBe('See you on the 12th.');
    expect(first.thread.id).toBe(summaries[1]?.thread.id);
  });

  it('marking a thread read keeps the other threads unread, and the total row follows', async () => {
    const ana = await device(ANA, 'patient');
    const ben = await device(BEN, 'clinician');
    const a = await startThread(ben, 'One', 'First.', '2025-03-03T09:00:00Z');
    await startThread(ben, 'Two', 'Second.', '2025-03-03T09:01:00Z');
    await deliver(ben, ana);
    expect(await count(ana, '2025-03-03T10:00:00Z', a.thread.id)).toBe(1);
    const rows = await readMarksOf(ana.db, CIRCLE);
    expect(rows.map((r) => r.threadId).sort()).toEqual([a.thread.id, TOTAL_ID].sort());
  });
});

describe('nextThreadMarks', () => {
  const thread: Thread = unwrap(createThread('T', BEN, at('2025-03-01T00:00:00Z')));
  const old: Message = unwrap(createMessage(thread.id, 'old', BEN, at('2025-03-01T00:00:00Z')));
  const snap: MessagesSnapshot = { threads: [thread], messages: [old] };

  it('leaves threads never shown without a row', () => {
    expect(nextThreadMarks(CIRCLE, [], snap, at('2025-03-02T00:00:00Z'))).toEqual({ marks: [], changed: [] });
  });

  it('takes a bare mark (no receive times) as knowing the messages present, not as all unread', () => {
    const bare = { circleId: CIRCLE, threadId: thread.id, lastReadAt: '2025-03-01T12:00:00Z' };
    const { changed } = nextThreadMarks(CIRCLE, [bare], snap, at('2025-03-05T00:00:00Z'));
    expect(changed[0]?.received?.[old.id]).toBe(Date.parse(old.at));
    expect(summarize(snap, changed, ANA)[0]?.unread).toBe(0);
  });

  it('does not mark a thread that is not there', () => {
    expect(nextThreadMarks(CIRCLE, [], snap, at('2025-03-02T00:00:00Z'), '01JNOTATHREAD0000000000000').changed).toEqual([]);
  });

  it('reads a malformed total as zero', () => {
    expect(unreadOf(undefined)).toBe(0);
    expect(unreadOf({ unread: -3 })).toBe(0);
    expect(unreadOf({ unread: 'x' })).toBe(0);
    expect(unreadOf({ unread: 4 })).toBe(4);
  });
});
