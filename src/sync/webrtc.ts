// Live peer-to-peer sync with y-webrtc while two members are online together. y-webrtc
// is loaded on demand (it is most of the Yjs chunk) and signals through the relay's
// /signal endpoint. The room name is a hash of the document id and key epoch, so the
// signaling server learns neither; the room password comes from the document key.
//
// y-webrtc writes into the Y.Doc it is given, which would bypass storage. It gets a mirror
// doc instead: committed changes of the stored document flow into the mirror, and updates
// that peers put into the mirror go through the stored document's persisted path (with
// derived rows) under ORIGIN_PEER. They are never queued for the relay here: the device
// that made a change pushes it through its own outbox.

import * as Y from 'yjs';
import type { WebrtcProvider as YWebrtcProvider } from 'y-webrtc';
import { ORIGIN_PEER } from '../storage/doc-commit';
import type { SyncableDoc } from '../storage/syncable';
import { utf8 } from './codec-bytes';
import { type DocKey, deriveRoomPassword, sha256 } from './crypto';
import type { DocId } from './protocol';
import { relayEndpoints } from './endpoints';

/** What this module uses of y-webrtc; tests pass a stand-in. */
export interface WebrtcModule {
  WebrtcProvider: new (roomName: string, doc: Y.Doc, opts: { signaling: string[]; password: string; peerOpts: unknown; filterBcConns?: boolean }) => Pick<YWebrtcProvider, 'destroy' | 'awareness' | 'on' | 'off'>;
}

export interface LiveSyncOptions {
  /** The relay's http(s) origin; signaling is at /signal. */
  relayUrl: string;
  store: SyncableDoc;
  docId: DocId;
  /** The document key of the circle's current epoch. */
  docKey: DocKey;
  /** simple-peer options; the default has no STUN/TURN servers (same LAN, or a test's loopback). */
  peerOpts?: unknown;
  load?: () => Promise<WebrtcModule>;
}

export interface LiveSync {
  readonly roomName: string;
  /** y-webrtc's awareness (presence, typing), for the UI. */
  readonly awareness: YWebrtcProvider['awareness'];
  /** Peer updates that could not be stored (they arrive again through the relay). */
  readonly failedApplies: number;
  stop(): void;
}

const ROOM_LABEL = 'paceline/webrtc-room-name/v1\0';
/** Origin of updates the mirror takes from the stored document (never sent back to storage). */
const FROM_STORE = Symbol('paceline/webrtc-from-store');

/** The y-webrtc room of a document and key epoch: a hash, so signaling never sees the document id. */
export async function roomNameOf(docId: DocId, epoch: number): Promise<string> {
  const digest = await sha256(utf8(`${ROOM_LABEL}${docId}\0${epoch}`));
  return `paceline-${btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** The default loader: a dynamic import, so y-webrtc stays out of the landing bundle. */
export async function loadYWebrtc(): Promise<WebrtcModule> {
  return (await import('y-webrtc')) as unknown as WebrtcModule;
}

/** Starts live sync of one stored document with the peers in its room. */
export async function startLiveSync(opts: LiveSyncOptions): Promise<LiveSync> {
  if (opts.docKey.docId !== opts.docId) throw new RangeError('the document key belongs to another document');
  const [module, roomName, password] = await Promise.all([(opts.load ?? loadYWebrtc)(), roomNameOf(opts.docId, opts.docKey.epoch), deriveRoomPassword(opts.docKey)]);
  const mirror = new Y.Doc();
  Y.applyUpdate(mirror, Y.encodeStateAsUpdate(opts.store.doc), FROM_STORE);
  let failedApplies = 0;
  const offStore = opts.store.onChange((_origin, update) => {
    // null: memory was reset to storage after a failed write; the mirror already holds all of it.
    Y.applyUpdate(mirror, update ?? Y.encodeStateAsUpdate(opts.store.doc), FROM_STORE);
  });
  const fromPeer = (update: Uint8Array, origin: unknown) => {
    if (origin === FROM_STORE) return;
    void opts.store.applyRemoteUpdate(update, { origin: ORIGIN_PEER }).then((written) => {
      if (!written.ok) failedApplies += 1;
    });
  };
  mirror.on('update', fromPeer);
  const provider = new module.WebrtcProvider(roomName, mirror, {
    signaling: [relayEndpoints(opts.relayUrl).signal],
    password,
    peerOpts: opts.peerOpts ?? { config: { iceServers: [] } },
  });
  let stopped = false;
  return {
    roomName,
    awareness: provider.awareness,
    get failedApplies() {
      return failedApplies;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      offStore();
      mirror.off('update', fromPeer);
      provider.destroy();
      mirror.destroy();
    },
  };
}
