// Helpers for the browser client's tests: a device with its own fake-indexeddb database,
// a circle it owns with the journal shared, a DocSync host without a socket, seeded
// randomness, and polling that lets fake-indexeddb run while timers are faked.
import * as Y from 'yjs';
import { PacelineDB } from '../../../src/storage/db';
import { openJournalStore, type JournalStore } from '../../../src/storage/journal-store';
import { CircleTrust } from '../../../src/sync/circle-trust';
import type { DeviceKeys } from '../../../src/sync/crypto';
import { DocSync, type DocSyncHost } from '../../../src/sync/doc-sync';
import { createCircle, shareDocuments } from '../../../src/sync/identity';
import { type ClientMessage, type DocId, docIdOf } from '../../../src/sync/protocol';
import { SyncStatusStore } from '../../../src/sync/sync-status';
import { diary, freshName } from '../storage/test-db';
import { CIRCLE } from './fixtures';

export { CIRCLE };
export const JOURNAL_ID: DocId = docIdOf(CIRCLE, 'journal');
export const JOURNAL_KEY = `${CIRCLE}/journal`;

/** A small seeded generator, uniform in [0, 1) (the shared mulberry32 of the test fixtures). */
export { mulberry32 as seededRandom } from '../../helpers/fixtures';

/** Yields to IndexedDB (setImmediate is never faked here) until `check` holds. */
export async function waitFor(check: () => boolean | Promise<boolean>, what = 'condition', tries = 2000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits in real time (for tests against the real relay). */
export async function eventually(check: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface TestHost {
  host: DocSyncHost;
  status: SyncStatusStore;
  sent: ClientMessage[];
  pushes: ClientMessage[];
  setConnected(value: boolean): void;
}

/** A DocSync host with no socket: it records what would be sent. */
export function testHost(db: PacelineDB, device: DeviceKeys, options: { batchMs?: number; snapshotEvery?: number; now?: () => number } = {}): TestHost {
  const status = new SyncStatusStore();
  const sent: ClientMessage[] = [];
  const pushes: ClientMessage[] = [];
  let connected = false;
  const host: DocSyncHost = {
    db,
    device,
    status,
    batchMs: options.batchMs ?? 500,
    snapshotEvery: options.snapshotEvery ?? 1000,
    retryMs: 50,
    now: options.now ?? (() => Date.now()),
    isConnected: () => connected,
    send: (msg) => {
      if (!connected) return false;
      sent.push(msg);
      return true;
    },
    queuePush: (msg) => pushes.push(msg),
    circleUnknown: () => {},
    devicesChanged: () => {},
  };
  return { host, status, sent, pushes, setConnected: (value) => { connected = value; } };
}

export interface Patient {
  db: PacelineDB;
  name: string;
  device: DeviceKeys;
  store: JournalStore;
  trust: CircleTrust;
}

/** A patient device: its database, the circle it owns, the journal shared and open. */
export async function patientDevice(device: DeviceKeys, name = freshName('patient')): Promise<Patient> {
  const db = new PacelineDB(name);
  const created = await createCircle(db, device, CIRCLE, 1_700_000_000_000);
  if (!created.ok) throw new Error(created.error);
  await shareDocuments(db, CIRCLE, ['journal']);
  const store = await openJournalStore(db, CIRCLE);
  const trust = (await CircleTrust.load(db, CIRCLE)) as CircleTrust;
  return { db, name, device, store, trust };
}

/** Opens DocSync for the patient's journal. */
export async function openDocSync(p: Patient, host: DocSyncHost): Promise<DocSync> {
  const sync = await DocSync.open(host, p.store, JOURNAL_ID, p.trust);
  if (!sync) throw new Error('journal is not shared');
  return sync;
}

/**
 * An update another device would make: one diary entry on top of `base`'s state. The other
 * device in these tests is a caregiver's, so its entries are marked as the caregiver's (a
 * patient's device refuses a caregiver's update that writes anything else).
 */
export function foreignUpdate(base: Y.Doc | null, at: string, pain: number): { update: Uint8Array; id: string } {
  const other = new Y.Doc();
  if (base) Y.applyUpdate(other, Y.encodeStateAsUpdate(base));
  const sv = Y.encodeStateVector(other);
  const entry = { ...diary(at, pain), enteredBy: 'caregiver' as const };
  other.getMap('diary').set(entry.id, JSON.parse(JSON.stringify(entry)));
  const update = Y.encodeStateAsUpdate(other, sv);
  other.destroy();
  return { update, id: entry.id };
}
