/**
 * Whether a document is shared (its syncDocs row exists) decides whether a local write
 * also writes a pending outbox row. Open documents keep that flag in memory so the save
 * path never reads it; this module tells them when it changes, in this tab at once and in
 * other tabs through a BroadcastChannel.
 */

type Listener = (shared: boolean) => void;

const local = new Map<string, Set<Listener>>();

const keyOf = (dbName: string, docKey: string) => `${dbName}\n${docKey}`;
const channelName = (dbName: string) => `paceline:${dbName}:sharing`;

interface SharingMessage {
  docKey: string;
  shared: boolean;
}

function isSharingMessage(value: unknown): value is SharingMessage {
  const v = value as Partial<SharingMessage> | null;
  return typeof v === 'object' && v !== null && typeof v.docKey === 'string' && typeof v.shared === 'boolean';
}

/** Calls `listener` whenever sharing of a document changes (this tab or another); returns a stop function. */
export function watchSharing(dbName: string, docKey: string, listener: Listener): () => void {
  const key = keyOf(dbName, docKey);
  let set = local.get(key);
  if (!set) local.set(key, (set = new Set()));
  set.add(listener);
  let channel: BroadcastChannel | null = null;
  if (typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel(channelName(dbName));
    channel.onmessage = (event: MessageEvent) => {
      // Other tabs run our code too, but a message is still outside input: check its shape.
      if (isSharingMessage(event.data) && event.data.docKey === docKey) listener(event.data.shared);
    };
  }
  return () => {
    set.delete(listener);
    if (set.size === 0) local.delete(key);
    channel?.close();
  };
}

/** Tells open documents, here and in other tabs, that sharing changed; call after the change committed. */
export function announceSharing(dbName: string, docKey: string, shared: boolean): void {
  for (const listener of local.get(keyOf(dbName, docKey)) ?? []) listener(shared);
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(channelName(dbName));
  channel.postMessage({ docKey, shared } satisfies SharingMessage);
  channel.close();
}
