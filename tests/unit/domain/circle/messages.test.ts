import { describe, expect, test } from 'vitest';
import {
  MESSAGE_LIMITS, createMessage, createThread, parseMessage, parseThread, threadSummaries, totalUnread, type Message, type Thread,
} from '../../../../src/domain/circle/messages';
import { CAREGIVER, CLINICIAN, HOUR_MS, NOW, PATIENT, PATIENT_TABLET, idFor, isoAt } from './helpers';

function thread(n: number, hoursAgo: number, extra: Partial<Thread> = {}): Thread {
  return { kind: 'thread', id: idFor(n), subject: `Thread ${n}`, createdBy: PATIENT, createdAt: isoAt(-hoursAgo * HOUR_MS), schemaVersion: 1, ...extra };
}
function message(n: number, threadN: number, by: string, hoursAgo: number, extra: Partial<Message> = {}): Message {
  return { kind: 'message', id: idFor(n), threadId: idFor(threadN), text: `Message ${n}`, by, at: isoAt(-hoursAgo * HOUR_MS), schemaVersion: 1, ...extra };
}

describe('parseThread and parseMessage', () => {
  test('accept valid shapes and keep unknown keys', () => {
    expect(parseThread({ ...thread(1, 1), pinned: true })).toEqual({ ok: true, value: { ...thread(1, 1), pinned: true } });
    expect(parseMessage(message(2, 1, PATIENT, 1, { editedAt: NOW.toISOString(), deletedAt: NOW.toISOString() })).ok).toBe(true);
  });

  test.each([
    ['a blank subject', { subject: ' ' }, { field: 'subject', code: 'required' }],
    ['a long subject', { subject: 's'.repeat(MESSAGE_LIMITS.subject + 1) }, { field: 'subject', code: 'tooLong', params: { max: MESSAGE_LIMITS.subject } }],
    ['a bad creator', { createdBy: PATIENT.toLowerCase() + 'x' }, { field: 'createdBy', code: 'wrongType', params: { expected: 'memberRef' } }],
    ['a newer schema', { schemaVersion: 2 }, { field: 'schemaVersion', code: 'newerVersion', params: { max: 1, found: 2 } }],
  ])('thread: refuses %s', (_name, extra, error) => {
    expect(parseThread(thread(1, 1, extra as Partial<Thread>))).toEqual({ ok: false, error: [error] });
  });

  test.each([
    ['a blank text', { text: '\n  ' }, { field: 'text', code: 'required' }],
    ['a text past the limit', { text: 'x'.repeat(MESSAGE_LIMITS.text + 1) }, { field: 'text', code: 'tooLong', params: { max: MESSAGE_LIMITS.text } }],
    ['a thread id that is not a ULID', { threadId: 'general' }, { field: 'threadId', code: 'wrongType', params: { expected: 'ulid' } }],
    ['an edit before writing', { editedAt: isoAt(-2 * HOUR_MS) }, { field: 'editedAt', code: 'outOfRange', params: { min: isoAt(-HOUR_MS) } }],
    ['a bad deletion time', { deletedAt: 'yesterday' }, { field: 'deletedAt', code: 'badTime' }],
    ['a wrong kind', { kind: 'thread' }, { field: 'kind', code: 'unknownValue', params: { value: 'thread' } }],
  ])('message: refuses %s', (_name, extra, error) => {
    expect(parseMessage(message(2, 1, PATIENT, 1, extra as Partial<Message>))).toEqual({ ok: false, error: [error] });
  });

  test('a text of exactly the limit is accepted', () => {
    expect(parseMessage(message(2, 1, PATIENT, 1, { text: 'x'.repeat(MESSAGE_LIMITS.text) })).ok).toBe(true);
  });

  test('createThread trims the subject; createMessage keeps the text as typed', () => {
    const t = createThread('  Knee pain after walks ', PATIENT, NOW);
    expect(t).toMatchObject({ ok: true, value: { subject: 'Knee pain after walks', createdAt: NOW.toISOString() } });
    if (!t.ok) return;
    const m = createMessage(t.value.id, 'Line one\nLine two ', PATIENT, NOW);
    expect(m).toMatchObject({ ok: true, value: { threadId: t.value.id, text: 'Line one\nLine two ', by: PATIENT, at: NOW.toISOString() } });
    expect(createMessage(t.value.id, '   ', PATIENT, NOW)).toEqual({ ok: false, error: [{ field: 'text', code: 'required' }] });
  });
});

describe('threadSummaries', () => {
  const threads = [thread(1, 48), thread(2, 24), thread(3, 2)];
  const messages = [
    message(10, 1, PATIENT, 40),
    message(11, 1, CLINICIAN, 30),
    message(12, 1, CLINICIAN, 1),
    message(13, 2, CAREGIVER, 20),
    message(14, 2, PATIENT, 10, { deletedAt: NOW.toISOString() }),
  ];

  test('last message, count and unread per thread, newest activity first', () => {
    const summaries = threadSummaries(threads, messages, { [idFor(1)]: isoAt(-20 * HOUR_MS) }, PATIENT);
    expect(summaries.map((s) => [s.thread.id, s.lastMessage?.id ?? null, s.count, s.unread, s.lastActivityAt])).toEqual([
      [idFor(1), idFor(12), 3, 1, isoAt(-HOUR_MS)],
      [idFor(3), null, 0, 0, isoAt(-2 * HOUR_MS)],
      [idFor(2), idFor(13), 1, 1, isoAt(-20 * HOUR_MS)],
    ]);
    expect(totalUnread(summaries)).toBe(2);
  });

  test('my own messages are never unread, on any of my devices', () => {
    const mine = [message(20, 3, PATIENT, 1), message(21, 3, PATIENT_TABLET, 1)];
    expect(threadSummaries([thread(3, 2)], mine, {}, PATIENT)[0]?.unread).toBe(1);
    expect(threadSummaries([thread(3, 2)], mine, {}, new Set([PATIENT, PATIENT_TABLET]))[0]?.unread).toBe(0);
  });

  test('never read: every message by others is unread; read after the last: none', () => {
    expect(totalUnread(threadSummaries(threads, messages, {}, PATIENT))).toBe(3);
    const allRead = Object.fromEntries(threads.map((t) => [t.id, NOW.toISOString()]));
    expect(totalUnread(threadSummaries(threads, messages, allRead, PATIENT))).toBe(0);
  });

  test('a message read at exactly its time is read', () => {
    const s = threadSummaries([thread(2, 24)], [message(13, 2, CAREGIVER, 20)], { [idFor(2)]: isoAt(-20 * HOUR_MS) }, PATIENT);
    expect(s[0]?.unread).toBe(0);
  });

  test('a message arriving late from an offline device is unread when its arrival is given', () => {
    const late = message(30, 2, CAREGIVER, 12);
    const read = { [idFor(2)]: isoAt(-HOUR_MS) };
    expect(threadSummaries([thread(2, 24)], [late], read, PATIENT)[0]?.unread).toBe(0);
    expect(threadSummaries([thread(2, 24)], [late], read, PATIENT, new Map([[late.id, NOW.toISOString()]]))[0]?.unread).toBe(1);
  });

  test('deleted messages and messages of unknown threads are left out', () => {
    const s = threadSummaries([thread(2, 24)], [message(14, 2, CAREGIVER, 1, { deletedAt: NOW.toISOString() }), message(15, 99, CAREGIVER, 1)], {}, PATIENT);
    expect(s).toEqual([{ thread: thread(2, 24), lastMessage: null, count: 0, unread: 0, lastActivityAt: thread(2, 24).createdAt }]);
  });

  test('ties: the same time orders messages by id and threads by id, newer first', () => {
    const same = [message(41, 1, CLINICIAN, 1), message(40, 1, CLINICIAN, 1)];
    expect(threadSummaries([thread(1, 5)], same, {}, PATIENT)[0]?.lastMessage?.id).toBe(idFor(41));
    const twins = [thread(5, 3), thread(6, 3)];
    expect(threadSummaries(twins, [], {}, PATIENT).map((s) => s.thread.id)).toEqual([idFor(6), idFor(5)]);
  });

  test('no threads, no summaries', () => {
    expect(threadSummaries([], messages, {}, PATIENT)).toEqual([]);
    expect(totalUnread([])).toBe(0);
  });
});
