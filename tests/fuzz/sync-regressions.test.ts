// Bugs the convergence fuzz (sync-convergence.fuzz.test.ts) found, each pinned down as a
// deterministic test against the real relay, named after the seed that exposed it.
import { afterEach, expect, it } from 'vitest';
import { PacelineDB } from '../../src/storage/db';
import { openJournalStore, type JournalStore } from '../../src/storage/journal-store';
import { getMembership } from '../../src/storage/key-store';
import { readMessage } from '../../src/sync/codec';
import type { WebSocketConstructor } from '../../src/sync/connection';
import type { DeviceKeys } from '../../src/sync/crypto';
import { addMember, createCircle, exportDocKeys, joinCircle, shareDocuments } from '../../src/sync/identity';
import { RelayProvider } from '../../src/sync/relay-provider';
import type { SyncIssue } from '../../src/sync/sync-status';
import { WebSocket } from '../../sync-server/ws';
import { startTestRelay } from '../helpers/relay-server';
import { freshName } from '../unit/storage/test-db';
import { CIRCLE, eventually } from '../unit/sync/client-fixtures';
import { deviceFromSeed } from '../unit/sync/fixtures';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function provider(db: PacelineDB, device: DeviceKeys, relayUrl: string, Socket: typeof WebSocket = WebSocket): RelayProvider {
  return new RelayProvider({ db, relayUrl, device, WebSocket: Socket as unknown as WebSocketConstructor, batchMs: 5, retryMs: 50, backoff: { baseMs: 20, maxMs: 200 } });
}

/** Every issue a provider's status reports, in order. */
function issuesOf(p: RelayProvider): SyncIssue[] {
  const issues: SyncIssue[] = [];
  let last: SyncIssue | null = null;
  p.status.subscribe(() => {
    const issue = p.status.getSnapshot().lastIssue;
    if (issue && issue !== last) issues.push(issue);
    last = issue;
  });
  return issues;
}

it('seed 2000: stop() waits for a membership version being stored, so closing the database right after it loses nothing and reports nothing', async () => {
  const relay = await startTestRelay();
  cleanups.push(() => relay.close());
  // The owner's phone publishes a circle in which it has added a second patient device.
  const ownerKeys = await deviceFromSeed(1);
  const ownerDb = new PacelineDB(freshName('owner'));
  const created = await createCircle(ownerDb, ownerKeys, CIRCLE, 1_700_000_000_000);
  if (!created.ok) throw new Error(created.error);
  await shareDocuments(ownerDb, CIRCLE, ['journal']);
  const ownerStore = await openJournalStore(ownerDb, CIRCLE);
  const owner = provider(ownerDb, ownerKeys, relay.url);
  await owner.addDoc(ownerStore);
  const keys = await deviceFromSeed(2);
  await addMember(ownerDb, CIRCLE, { devicePk: keys.publicKey, role: 'patient' });
  await owner.refreshCircle(CIRCLE);
  owner.start();
  cleanups.push(async () => {
    await owner.stop();
    await ownerStore.close();
    ownerDb.close();
  });
  await eventually(async () => (await relay.store.loadCircle(CIRCLE))?.links.length === 2, 'the owner to publish both versions');

  // The second device joins; its first connection receives the chain, and the app closes
  // (provider stopped, store and database closed) the moment that frame has arrived.
  const db = new PacelineDB(freshName('tablet'));
  const pinned = await getMembership(ownerDb, CIRCLE);
  const joined = await joinCircle(db, { circleId: CIRCLE, ownerPk: pinned!.ownerPk, keys: await exportDocKeys(ownerDb, CIRCLE, ['journal']) });
  if (!joined.ok) throw new Error(joined.error);
  await shareDocuments(db, CIRCLE, ['journal']);
  const store: JournalStore = await openJournalStore(db, CIRCLE);
  let membershipArrived: () => void = () => {};
  const arrived = new Promise<void>((resolve) => { membershipArrived = resolve; });
  const Socket = class extends WebSocket {
    constructor(url: string) {
      super(url);
      this.addEventListener('message', (event) => {
        const read = readMessage(new Uint8Array(event.data as ArrayBuffer));
        // setImmediate: after the provider's own listener has queued the frame's handling.
        if (read.ok && read.value.type === 'membership') setImmediate(membershipArrived);
      });
    }
  } as unknown as typeof WebSocket;
  const tablet = provider(db, keys, relay.url, Socket);
  await tablet.addDoc(store);
  const issues = issuesOf(tablet);
  tablet.start();
  await arrived;
  await tablet.stop();
  await store.close();
  db.close();
  // Anything the provider still did after stop() resolved now fails on the closed database.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(issues.filter((i) => i.code !== 'relay-error')).toEqual([]);
});
