// The y-webrtc live provider, as far as Node can test it: room name and password
// derivation, the options y-webrtc gets, lazy loading, and the mirror-doc wiring that
// stores peers' updates through the persisted path. The browser test with real peers
// lives with the e2e tests.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listPending } from '../../../src/storage/sync-store';
import { deriveRoomPassword } from '../../../src/sync/crypto';
import { relayEndpoints } from '../../../src/sync/endpoints';
import { docIdOf } from '../../../src/sync/protocol';
import { type WebrtcModule, roomNameOf, startLiveSync } from '../../../src/sync/webrtc';
import { diary, unwrap } from '../storage/test-db';
import { CIRCLE, JOURNAL_ID, JOURNAL_KEY, foreignUpdate, patientDevice, waitFor } from './client-fixtures';
import { deviceFromSeed, docKey } from './fixtures';

/** Stands in for y-webrtc: records what it was given, and plays a peer writing into its doc. */
function fakeWebrtc() {
  const made: Array<{ roomName: string; doc: Y.Doc; opts: { signaling: string[]; password: string; peerOpts: unknown }; destroyed: boolean }> = [];
  let loads = 0;
  class WebrtcProvider {
    awareness = {} as never;
    private readonly entry: (typeof made)[number];
    constructor(roomName: string, doc: Y.Doc, opts: { signaling: string[]; password: string; peerOpts: unknown }) {
      this.entry = { roomName, doc, opts, destroyed: false };
      made.push(this.entry);
    }
    destroy() { this.entry.destroyed = true; }
    on() {}
    off() {}
  }
  const load = async (): Promise<WebrtcModule> => {
    loads += 1;
    return { WebrtcProvider } as unknown as WebrtcModule;
  };
  return { made, load, loads: () => loads };
}

describe('room name and password', () => {
  it('the room is a hash of document and epoch: stable, distinct, and without the ids in it', async () => {
    const name = await roomNameOf(JOURNAL_ID, 1);
    expect(name).toBe(await roomNameOf(JOURNAL_ID, 1));
    expect(name).toMatch(/^paceline-[A-Za-z0-9_-]{43}$/);
    expect(name).not.toContain(CIRCLE);
    const others = await Promise.all([roomNameOf(JOURNAL_ID, 2), roomNameOf(docIdOf(CIRCLE, 'plan'), 1)]);
    expect(new Set([name, ...others]).size).toBe(3);
  });

  it('devices holding the same key derive the same password; another epoch gives another', async () => {
    const [a, b, next] = await Promise.all([docKey(JOURNAL_ID, 1), docKey(JOURNAL_ID, 1), docKey(JOURNAL_ID, 2)]);
    expect(await deriveRoomPassword(a)).toBe(await deriveRoomPassword(b));
    expect(await deriveRoomPassword(a)).not.toBe(await deriveRoomPassword(next));
  });

  it('signals at /signal on the relay origin, wss behind https', () => {
    expect(relayEndpoints('http://127.0.0.1:8787/')).toEqual({ relay: 'ws://127.0.0.1:8787/relay', signal: 'ws://127.0.0.1:8787/signal', relayId: 'ws://127.0.0.1:8787' });
    expect(relayEndpoints('https://clinic.example.org').signal).toBe('wss://clinic.example.org/signal');
  });
});

describe('live sync wiring', () => {
  it('gives y-webrtc the room, password, signaling and peer options, and loads it only when started', async () => {
    const p = await patientDevice(await deviceFromSeed(1));
    const fake = fakeWebrtc();
    const key = (await p.trust.docKey(JOURNAL_ID, 1))!;
    expect(fake.loads()).toBe(0);
    const live = await startLiveSync({ relayUrl: 'http://127.0.0.1:8787', store: p.store, docId: JOURNAL_ID, docKey: key, load: fake.load });
    expect(fake.loads()).toBe(1);
    expect(fake.made[0]).toMatchObject({
      roomName: await roomNameOf(JOURNAL_ID, 1),
      opts: { signaling: ['ws://127.0.0.1:8787/signal'], password: await deriveRoomPassword(key), peerOpts: { config: { iceServers: [] } } },
    });
    const custom = await startLiveSync({ relayUrl: 'http://x', store: p.store, docId: JOURNAL_ID, docKey: key, load: fake.load, peerOpts: { config: { iceServers: [{ urls: 'stun:lan' }] } } });
    expect(fake.made[1]?.opts.peerOpts).toEqual({ config: { iceServers: [{ urls: 'stun:lan' }] } });
    live.stop();
    custom.stop();
    expect(fake.made.every((m) => m.destroyed)).toBe(true);
    await p.store.close();
  });

  it("stores a peer's update with derived rows and never queues it for the relay; local changes reach the peers", async () => {
    const p = await patientDevice(await deviceFromSeed(1));
    const fake = fakeWebrtc();
    const live = await startLiveSync({ relayUrl: 'http://127.0.0.1:8787', store: p.store, docId: JOURNAL_ID, docKey: (await p.trust.docKey(JOURNAL_ID, 1))!, load: fake.load });
    const mirror = fake.made[0]!.doc;
    const pending = (await listPending(p.db, JOURNAL_KEY)).length;
    // A peer's update arrives in the room's doc with y-webrtc's own origin.
    const { update, id } = foreignUpdate(p.store.doc, '2026-11-20T08:00:00.000Z', 5);
    Y.applyUpdate(mirror, update, { room: 'peer' });
    await waitFor(() => p.store.get('diary', id) !== undefined, 'the peer update to be stored');
    await waitFor(async () => (await p.db.records.get(id)) !== undefined, 'its derived row');
    expect((await listPending(p.db, JOURNAL_KEY)).length).toBe(pending);
    // A local save shows up in the room's doc for y-webrtc to send.
    const mine = diary('2026-11-20T09:00:00.000Z', 3);
    unwrap(await p.store.put(mine));
    expect(mirror.getMap('diary').get(mine.id)).toEqual(JSON.parse(JSON.stringify(mine)));
    live.stop();
    unwrap(await p.store.put(diary('2026-11-20T10:00:00.000Z', 3)));
    expect(live.failedApplies).toBe(0);
    await p.store.close();
  });

  it('keeps y-webrtc out of the landing bundle: only a type import and a dynamic import name it', () => {
    const source = readFileSync(resolve(import.meta.dirname, '../../../src/sync/webrtc.ts'), 'utf8');
    const mentions = source.split('\n').filter((line) => line.includes("'y-webrtc'"));
    expect(mentions.every((line) => /^import type /.test(line) || line.includes("import('y-webrtc')"))).toBe(true);
  });
});
