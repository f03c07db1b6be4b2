/**
 * What this device has read of a circle's message threads: local-only rows of the readMarks
 * table (never synced, so each device of a person keeps its own).
 *
 * A thread's row says when this device last showed the thread (`lastReadAt`, its own clock)
 * and when it first counted each message of the thread after that (`received`, epoch ms). A
 * message written on a device that was offline for a week carries its writer's old time; it
 * must still be unread when it arrives after the thread was read, which is the domain's
 * `receivedAt` (threadSummaries). Threads never shown have no row: everything the others
 * wrote in them is unread anyway.
 *
 * One more row per circle, under the reserved thread id TOTAL_ID, keeps the unread total for
 * the navigation badge, so that the landing screen reads one small row instead of opening the
 * messages document (and loading Yjs).
 */
import { threadSummaries, totalUnread, type Message, type Thread, type ThreadSummary } from '../../../domain/circle/messages';
import type { ReadMarkRow } from '../../../storage/circle-rows';
import { prefixRange, type PacelineDB } from '../../../storage/db';

/** The reserved thread id of the circle's unread total; '~' sorts after every ULID character and is never one. */
export const TOTAL_ID = '~unread';

/** A thread's read mark, with when this device first counted each of its messages. */
export interface ThreadMarkRow extends ReadMarkRow {
  /** Message id -> epoch ms this device first counted it (after the thread was first shown). */
  received?: Record<string, number>;
}

/** The circle's unread total; `lastReadAt` holds when it was counted. */
export interface TotalRow extends ReadMarkRow {
  threadId: typeof TOTAL_ID;
  unread: number;
}

export interface MessagesSnapshot {
  threads: readonly Thread[];
  /** Every message, deleted ones included (a restored one is not new). */
  messages: readonly Message[];
}

const msOf = (iso: string | undefined): number => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
};

/** The unread count a stored total row holds; 0 for none or a malformed one. */
export function unreadOf(row: unknown): number {
  const n = (row as Partial<TotalRow> | undefined)?.unread;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * The thread rows to write after counting `snapshot` at `now`, with `shown` (a thread id) on
 * screen. Pure. A message first counted in a thread already read gets a receive time after
 * the read mark even when this device's clock is behind the one that set it; a thread shown
 * is read up to the latest of now and every time of its messages, so that a message from a
 * writer whose clock runs ahead does not stay unread after the person saw it.
 */
export function nextThreadMarks(
  circleId: string, rows: readonly ThreadMarkRow[], snapshot: MessagesSnapshot, now: Date, shown?: string,
): { marks: ThreadMarkRow[]; changed: ThreadMarkRow[] } {
  const nowMs = now.getTime();
  const byThread = new Map<string, Message[]>();
  for (const m of snapshot.messages) {
    let list = byThread.get(m.threadId);
    if (!list) byThread.set(m.threadId, (list = []));
    list.push(m);
  }
  const marks = new Map(rows.filter((r) => r.threadId !== TOTAL_ID).map((r) => [r.threadId, r]));
  const changed: ThreadMarkRow[] = [];
  for (const row of marks.values()) {
    if (row.threadId === shown) continue;
    const after = msOf(row.lastReadAt) + 1;
    let received: Record<string, number> | null = null;
    for (const m of byThread.get(row.threadId) ?? []) {
      if (row.received && Object.hasOwn(row.received, m.id)) continue;
      received ??= { ...row.received };
      // A bare mark (written without receive times) knows nothing of arrivals: take each
      // message as arrived when written rather than making the whole thread unread.
      received[m.id] = row.received === undefined ? Math.max(0, msOf(m.at)) : Math.max(nowMs, after);
    }
    if (received) {
      const next = { ...row, received };
      marks.set(row.threadId, next);
      changed.push(next);
    }
  }
  if (shown !== undefined && snapshot.threads.some((t) => t.id === shown)) {
    const before = marks.get(shown);
    const received: Record<string, number> = { ...before?.received };
    let readMs = Math.max(nowMs, msOf(before?.lastReadAt));
    for (const m of byThread.get(shown) ?? []) {
      if (!Object.hasOwn(received, m.id)) received[m.id] = nowMs;
      if (m.deletedAt === undefined) readMs = Math.max(readMs, msOf(m.at), received[m.id]!);
    }
    const next: ThreadMarkRow = { circleId, threadId: shown, lastReadAt: new Date(readMs).toISOString(), received };
    marks.set(shown, next);
    changed.push(next);
  }
  return { marks: [...marks.values()], changed };
}

/** Thread summaries (domain threadSummaries) with this device's read marks. */
export function summarize(snapshot: MessagesSnapshot, marks: readonly ThreadMarkRow[], me: string): ThreadSummary[] {
  const lastReadAt: Record<string, string> = {};
  const receivedAt = new Map<string, string>();
  for (const row of marks) {
    if (row.threadId === TOTAL_ID) continue;
    lastReadAt[row.threadId] = row.lastReadAt;
    for (const [id, ms] of Object.entries(row.received ?? {})) {
      if (Number.isFinite(ms)) receivedAt.set(id, new Date(ms).toISOString());
    }
  }
  return threadSummaries(snapshot.threads, snapshot.messages, lastReadAt, me, receivedAt);
}

/** Every read mark of a circle (the total row included). */
export function readMarksOf(db: PacelineDB, circleId: string): Promise<ThreadMarkRow[]> {
  return db.readMarks.where('[circleId+threadId]').between(...prefixRange(circleId)).toArray();
}

/**
 * Counts a circle's unread messages now, records newly counted messages and, with `shown`,
 * marks that thread read; stores the total for the badge. One transaction, so two tabs
 * counting at once do not undo each other. Resolves with the total.
 */
export function recordMarks(db: PacelineDB, circleId: string, snapshot: MessagesSnapshot, me: string, now: Date, shown?: string): Promise<number> {
  return db.transaction('rw', db.readMarks, async () => {
    const rows = await readMarksOf(db, circleId);
    const { marks, changed } = nextThreadMarks(circleId, rows, snapshot, now, shown);
    const total = totalUnread(summarize(snapshot, marks, me));
    if (changed.length > 0) await db.readMarks.bulkPut(changed);
    const stored = rows.find((r) => r.threadId === TOTAL_ID);
    if (stored === undefined || unreadOf(stored) !== total) {
      const row: TotalRow = { circleId, threadId: TOTAL_ID, lastReadAt: now.toISOString(), unread: total };
      await db.readMarks.put(row);
    }
    return total;
  });
}
