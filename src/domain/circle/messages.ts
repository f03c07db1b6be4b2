/** The messages document: asynchronous threads between the members of a circle. */
import { newId } from '../ids';
import type { IsoTime, Result, Ulid } from '../records';
import { LIMITS } from '../validate-fields';
import type { MemberRef } from './member-ref';
import { checkKind, checkMemberRef, checkNotBefore, checkSchemaVersion, compareNumbers, compareText, msOf, parseShape } from './shape-checks';

export const MESSAGES_SCHEMA_VERSION = 1 as const;

/** Longest subject and message text. */
export const MESSAGE_LIMITS = { subject: LIMITS.name, text: 4000 } as const;

export interface Thread {
  kind: 'thread';
  id: Ulid;
  subject: string;
  createdBy: MemberRef;
  createdAt: IsoTime;
  schemaVersion: number;
}

export interface Message {
  kind: 'message';
  id: Ulid;
  threadId: Ulid;
  text: string;
  by: MemberRef;
  /** When it was written, by the writer's clock. */
  at: IsoTime;
  editedAt?: IsoTime;
  /** Deleted messages stay stored for audit; lists leave them out. */
  deletedAt?: IsoTime;
  schemaVersion: number;
}

/** Validates a stored thread; never throws. */
export function parseThread(value: unknown): Result<Thread> {
  return parseShape<Thread>(value, (c, obj) => {
    checkKind(c, 'thread');
    c.ulid('id', true);
    c.string('subject', MESSAGE_LIMITS.subject, true);
    checkMemberRef(c, obj, 'createdBy', true);
    c.time('createdAt', true);
    checkSchemaVersion(c, obj, MESSAGES_SCHEMA_VERSION);
  });
}

/** Validates a stored message; never throws. */
export function parseMessage(value: unknown): Result<Message> {
  return parseShape<Message>(value, (c, obj) => {
    checkKind(c, 'message');
    c.ulid('id', true);
    c.ulid('threadId', true);
    c.string('text', MESSAGE_LIMITS.text, true);
    checkMemberRef(c, obj, 'by', true);
    c.time('at', true);
    c.time('editedAt');
    c.time('deletedAt');
    checkNotBefore(c, obj, 'editedAt', 'at');
    checkSchemaVersion(c, obj, MESSAGES_SCHEMA_VERSION);
  });
}

/** A new thread with the subject as typed (trimmed). */
export function createThread(subject: string, createdBy: MemberRef, now: Date): Result<Thread> {
  return parseThread({
    kind: 'thread', id: newId(now.getTime()), subject: subject.trim(), createdBy,
    createdAt: now.toISOString(), schemaVersion: MESSAGES_SCHEMA_VERSION,
  });
}

/** A new message in a thread; the text is kept as typed (line breaks and all) but may not be blank. */
export function createMessage(threadId: Ulid, text: string, by: MemberRef, now: Date): Result<Message> {
  return parseMessage({
    kind: 'message', id: newId(now.getTime()), threadId, text, by,
    at: now.toISOString(), schemaVersion: MESSAGES_SCHEMA_VERSION,
  });
}

export interface ThreadSummary {
  thread: Thread;
  /** The latest message not deleted, or null for a thread with none. */
  lastMessage: Message | null;
  /** Messages not deleted. */
  count: number;
  /** Messages by others, not deleted, that this device has not shown since they arrived. */
  unread: number;
  /** The later of the thread's creation and its last message. */
  lastActivityAt: IsoTime;
}

/**
 * Per thread: last message, count and unread count, newest activity first (ties by thread id,
 * newer first). `lastReadAt` holds when this device last showed each thread (its own clock).
 * A message from a device that was offline carries its writer's older `at`; pass `receivedAt`
 * (when this device stored each message) so that it still counts as unread when it arrives.
 * `me` may list all of one person's devices, so that what they wrote on their tablet is not
 * unread on their phone. Messages of threads not (yet) present are left out.
 */
export function threadSummaries(
  threads: readonly Thread[], messages: readonly Message[], lastReadAt: Readonly<Record<Ulid, IsoTime>>,
  me: MemberRef | ReadonlySet<MemberRef>, receivedAt?: ReadonlyMap<Ulid, IsoTime>,
): ThreadSummary[] {
  const mine = typeof me === 'string' ? (by: MemberRef) => by === me : (by: MemberRef) => me.has(by);
  const acc = new Map<Ulid, { summary: ThreadSummary; lastMs: number; activityMs: number; readMs: number }>();
  for (const thread of threads) {
    const readAt = Object.hasOwn(lastReadAt, thread.id) ? lastReadAt[thread.id] : undefined;
    const createdMs = msOf(thread.createdAt);
    acc.set(thread.id, {
      summary: { thread, lastMessage: null, count: 0, unread: 0, lastActivityAt: thread.createdAt },
      lastMs: Number.NEGATIVE_INFINITY, activityMs: createdMs, readMs: msOf(readAt),
    });
  }
  for (const m of messages) {
    const entry = acc.get(m.threadId);
    if (entry === undefined || m.deletedAt !== undefined) continue;
    const { summary } = entry;
    summary.count += 1;
    const ms = msOf(m.at);
    const seenMs = Math.max(ms, msOf(receivedAt?.get(m.id)));
    if (!mine(m.by) && seenMs > entry.readMs) summary.unread += 1;
    const last = summary.lastMessage;
    if (last === null || (compareNumbers(ms, entry.lastMs) || compareText(m.id, last.id)) > 0) {
      summary.lastMessage = m;
      entry.lastMs = ms;
      if (ms > entry.activityMs) { entry.activityMs = ms; summary.lastActivityAt = m.at; }
    }
  }
  return [...acc.values()]
    .sort((a, b) => compareNumbers(b.activityMs, a.activityMs) || compareText(b.summary.thread.id, a.summary.thread.id))
    .map((e) => e.summary);
}

/** Unread messages across all threads (the badge count). */
export function totalUnread(summaries: readonly ThreadSummary[]): number {
  return summaries.reduce((sum, s) => sum + s.unread, 0);
}
