/**
 * Data access for the message screens of one circle: the messages document (live, through
 * RecordDoc.onChange), member names from the circle document, this device's read marks, and
 * the writes the components call. Components never touch storage directly.
 */
import { createEffect, createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import {
  createMessage, createThread, parseMessage,
  type Message, type Thread, type ThreadSummary, type ValidationError,
} from '../../../domain';
import type { CircleDocs, MessagesDoc } from '../../../storage/circle-docs';
import { docKeyOf } from '../../../storage/db';
import type { StoreError } from '../../../storage/errors';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';
import { readMarksOf, recordMarks, summarize, type MessagesSnapshot } from './read-marks';

/** Why a write failed, as something a form can show: field problems, or one message key. */
export type SendError =
  | { kind: 'fields'; errors: ValidationError[] }
  | { kind: 'message'; key: 'messages.errors.saveFailed' | 'messages.errors.storageFull' | 'messages.errors.readOnly' };

export type SendResult<T> = { ok: true; value: T } | { ok: false; error: SendError };

export interface MessagesData {
  circleId: string;
  /** True once the documents are open (or known not to exist yet on this device); stays true. */
  ready: Accessor<boolean>;
  failed: Accessor<boolean>;
  /** The circle named (?circle=) is not one this device belongs to: nothing to read, nowhere to write. */
  unknownCircle: Accessor<boolean>;
  /** The document was written by a newer app: read, but do not write. */
  readOnly: Accessor<boolean>;
  me: Accessor<string | undefined>;
  /** Threads with last message and unread count, newest activity first. */
  summaries: Accessor<ThreadSummary[]>;
  thread(id: string): Thread | undefined;
  /** A thread's messages not deleted, oldest first. */
  messagesOf(threadId: string): Message[];
  /** A member's name from the circle's member profiles, if it has one. */
  nameOf(ref: string): string | undefined;
  /** Validates both, then writes the thread and its first message. */
  startThread(subject: string, text: string): Promise<SendResult<Thread>>;
  reply(threadId: string, text: string): Promise<SendResult<Message>>;
  edit(message: Message, text: string): Promise<SendResult<Message>>;
  remove(message: Message): Promise<SendResult<Message>>;
  restore(message: Message): Promise<SendResult<Message>>;
  /** Marks a thread read on this device as it is now (and stores the new unread total). */
  markRead(threadId: string): Promise<void>;
  /** Calls `listener` with every message that arrives from another member while the screen is open. */
  onArrival(listener: (message: Message) => void): void;
}

function storeErrorToSend(error: StoreError): SendError {
  switch (error.code) {
    case 'invalid-record': return { kind: 'fields', errors: error.errors };
    case 'storage-full': return { kind: 'message', key: 'messages.errors.storageFull' };
    case 'read-only': return { kind: 'message', key: 'messages.errors.readOnly' };
    default: return { kind: 'message', key: 'messages.errors.saveFailed' };
  }
}

const SAVE_FAILED = { ok: false, error: { kind: 'message', key: 'messages.errors.saveFailed' } } as const satisfies SendResult<never>;

/** Stands in for the thread id while a subject that failed validation has no thread. */
const NO_THREAD = '00000000000000000000000000';

const byTime = (a: Message, b: Message) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The message screens' data for `circleId` (a clinician's patient) or this device's circle. Call inside a component. */
export function createMessages(circleId?: string): MessagesData {
  const app = useAppData();
  const id = circleId ?? app.circleId;
  const [docs, setDocs] = createSignal<CircleDocs>();
  const [me, setMe] = createSignal<string>();
  const [failed, setFailed] = createSignal(false);
  // Bumped by every committed change of either document (this tab, another tab, a remote device).
  const [version, setVersion] = createSignal(0);
  const arrivalListeners = new Set<(m: Message) => void>();
  let disposed = false;
  const stops: Array<() => void> = [];
  onCleanup(() => {
    disposed = true;
    for (const stop of stops) stop();
  });

  // The documents (and Yjs) open once this device has a messages document, or for the first
  // write: an empty Messages screen neither loads them nor writes their first version.
  let opening: Promise<void> | undefined;
  function open(): Promise<void> {
    opening ??= Promise.all([app.circleDocs(id), app.me()]).then(([opened, key]) => {
      if (disposed) return;
      let known = new Set(opened.messages.all('message', { includeDeleted: true }).map((m) => m.id));
      stops.push(opened.messages.onChange(() => {
        const all = opened.messages.all('message', { includeDeleted: true });
        for (const m of all) if (!known.has(m.id) && m.by !== key && m.deletedAt === undefined) for (const l of arrivalListeners) l(m);
        known = new Set(all.map((m) => m.id));
        setVersion((v) => v + 1);
      }));
      stops.push(opened.circle.onChange(() => setVersion((v) => v + 1)));
      setMe(key);
      setDocs(opened);
    }, (e: unknown) => {
      console.error('messages failed to open', e);
      opening = undefined;
      setFailed(true);
    });
    return opening;
  }
  const member = createLiveQuery(async () => id === app.circleId || (await app.db.circles.get(id)) !== undefined, () => setFailed(true));
  const exists = createLiveQuery(async () => (await app.db.docMeta.get(docKeyOf(id, 'messages'))) !== undefined, () => setFailed(true));
  createEffect(() => {
    if (member() && exists()) void open();
  });

  const snapshot = createMemo((): MessagesSnapshot => {
    version();
    const d = docs();
    return d
      ? { threads: d.messages.all('thread'), messages: d.messages.all('message', { includeDeleted: true }) }
      : { threads: [], messages: [] };
  });
  const names = createMemo(() => {
    version();
    return new Map((docs()?.circle.all('member') ?? []).map((m) => [m.id, m.name]));
  });
  const marks = createLiveQuery(() => readMarksOf(app.db, id), () => setFailed(true));
  // Once ready, stays ready: the document appearing later (a first message arriving, another
  // screen opening it) must not take down a form someone is typing in while it opens.
  const ready = createMemo((was: boolean) => was || (member() === true && marks() !== undefined && (exists() === false || (docs() !== undefined && me() !== undefined))), false);

  const summaries = createMemo(() => {
    const key = me();
    const rows = marks();
    return key && rows ? summarize(snapshot(), rows, key) : [];
  });
  const threadsById = createMemo(() => new Map(snapshot().threads.map((t) => [t.id, t])));
  const messagesByThread = createMemo(() => {
    const out = new Map<string, Message[]>();
    for (const m of snapshot().messages) {
      if (m.deletedAt !== undefined) continue;
      let list = out.get(m.threadId);
      if (!list) out.set(m.threadId, (list = []));
      list.push(m);
    }
    for (const list of out.values()) list.sort(byTime);
    return out;
  });

  async function write<T>(run: (doc: MessagesDoc, key: string) => Promise<{ ok: true; value: T } | { ok: false; error: StoreError }>): Promise<SendResult<T>> {
    if (member() === false) return SAVE_FAILED;
    try {
      await open();
      const [opened, key] = await Promise.all([app.circleDocs(id), app.me()]);
      const result = await run(opened.messages, key);
      return result.ok ? result : { ok: false, error: storeErrorToSend(result.error) };
    } catch (e) {
      console.error('message write failed', e);
      return SAVE_FAILED;
    }
  }

  /** This device's key, which names the author; undefined if it cannot be read or made. */
  async function myKey(): Promise<string | undefined> {
    try {
      return me() ?? await app.me();
    } catch (e) {
      console.error('device key unavailable', e);
      return undefined;
    }
  }

  async function reply(threadId: string, text: string): Promise<SendResult<Message>> {
    const key = await myKey();
    if (key === undefined) return SAVE_FAILED;
    const built = createMessage(threadId, text, key, new Date());
    if (!built.ok) return { ok: false, error: { kind: 'fields', errors: built.error } };
    return write((doc) => doc.put(built.value));
  }

  return {
    circleId: id,
    ready,
    failed,
    unknownCircle: () => member() === false,
    readOnly: () => {
      version();
      return docs()?.messages.readOnly ?? false;
    },
    me,
    summaries,
    thread: (threadId) => threadsById().get(threadId),
    messagesOf: (threadId) => messagesByThread().get(threadId) ?? [],
    nameOf: (ref) => names().get(ref),
    async startThread(subject, text) {
      const key = await myKey();
      if (key === undefined) return SAVE_FAILED;
      const now = new Date();
      const thread = createThread(subject, key, now);
      const first = createMessage(thread.ok ? thread.value.id : NO_THREAD, text, key, now);
      // Both are checked before either is written, so every problem shows at once.
      if (!thread.ok || !first.ok) {
        return { ok: false, error: { kind: 'fields', errors: [...(thread.ok ? [] : thread.error), ...(first.ok ? [] : first.error)] } };
      }
      // The message first: until its thread is stored it is invisible (lists leave out messages
      // of absent threads), so a failure in between never shows a thread without its message.
      const sent = await write((doc) => doc.put(first.value));
      if (!sent.ok) return sent;
      return write((doc) => doc.put(thread.value));
    },
    reply,
    edit: (message, text) => {
      const revised = parseMessage({ ...message, text, editedAt: new Date().toISOString() });
      if (!revised.ok) return Promise.resolve({ ok: false, error: { kind: 'fields', errors: revised.error } });
      return write((doc) => doc.patch('message', message.id, { text, editedAt: revised.value.editedAt }));
    },
    remove: (message) => write((doc, key) => doc.remove('message', message.id, { by: key, at: new Date() })),
    restore: (message) => write((doc, key) => doc.restore('message', message.id, { by: key, at: new Date() })),
    async markRead(threadId) {
      const key = me();
      if (!key || !docs()) return;
      try {
        await recordMarks(app.db, id, snapshot(), key, new Date(), threadId);
      } catch (e) {
        // Read marks are a convenience: failing to store one must not stop anyone reading.
        console.error('read mark failed', e);
      }
    },
    onArrival(listener) {
      arrivalListeners.add(listener);
      onCleanup(() => arrivalListeners.delete(listener));
    },
  };
}
