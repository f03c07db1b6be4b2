/**
 * The unread count of the navigation's Messages tab. Layout loads this module after the first
 * idle moment, so the landing screen pays for neither it nor Yjs: the count shown is the total
 * stored in the read marks (read-marks.ts), and the messages document is opened to recount
 * only once it exists on this device (a device nobody has written to never opens it).
 */
import { liveQuery } from 'dexie';
import { docKeyOf } from '../../../storage/db';
import type { AppData } from '../../app-data';
import { recordMarks, TOTAL_ID, unreadOf } from './read-marks';
import './nav-badge.css';

/** A burst of changes (a catch-up after days offline) is counted once. */
const RECOUNT_DELAY_MS = 300;
/**
 * The recount opens the circle's documents (Yjs, several long tasks on a slow phone): not in
 * the first seconds, when the person is most likely to tap their way to another screen. The
 * stored total shows meanwhile, and a message arriving by sync opens the documents anyway.
 */
const RECOUNT_START_MS = 8_000;

/** Calls `onCount` with the circle's unread total now and whenever it changes; returns a stop function. */
export function watchUnread(app: Pick<AppData, 'db' | 'circleId' | 'circleDocs' | 'me'>, onCount: (n: number) => void, options: { startAfterMs?: number } = {}): () => void {
  const startAfterMs = options.startAfterMs ?? RECOUNT_START_MS;
  const { db, circleId } = app;
  const stops: Array<() => void> = [];
  let stopped = false;
  let started = false;

  const total = liveQuery(() => db.readMarks.get([circleId, TOTAL_ID])).subscribe({
    next: (row) => onCount(unreadOf(row)),
    error: (e: unknown) => console.error('unread count failed', e),
  });
  stops.push(() => total.unsubscribe());

  const exists = liveQuery(() => db.docMeta.get(docKeyOf(circleId, 'messages'))).subscribe({
    next: (meta) => {
      if (!meta || started) return;
      started = true;
      const later = setTimeout(() => {
        if ('requestIdleCallback' in globalThis) requestIdleCallback(() => void start(), { timeout: 5_000 });
        else void start();
      }, startAfterMs);
      stops.push(() => clearTimeout(later));
    },
    error: (e: unknown) => console.error('unread watch failed', e),
  });
  stops.push(() => exists.unsubscribe());

  async function start(): Promise<void> {
    try {
      const [docs, me] = await Promise.all([app.circleDocs(), app.me()]);
      if (stopped) return;
      const messages = docs.messages;
      const count = () => recordMarks(db, circleId, {
        threads: messages.all('thread'),
        messages: messages.all('message', { includeDeleted: true }),
      }, me, new Date()).catch((e: unknown) => console.error('unread count failed', e));
      let timer: ReturnType<typeof setTimeout> | undefined;
      stops.push(messages.onChange(() => {
        clearTimeout(timer);
        timer = setTimeout(() => void count(), RECOUNT_DELAY_MS);
      }));
      stops.push(() => clearTimeout(timer));
      await count();
    } catch (e) {
      console.error('messages failed to open for the unread count', e);
    }
  }

  return () => {
    stopped = true;
    for (const stop of stops) stop();
  };
}
