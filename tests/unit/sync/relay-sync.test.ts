// The browser client against the REAL relay, in-process (no mocked sockets): devices with
// their own fake-indexeddb databases and the `ws` WebSocket converge after offline edits,
// resume from their cursors, keep their outbox across a reload, and never see what a
// non-member pushes.
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { type RunningServer, startServer } from '../../../sync-server/server';
import { createMemoryStore } from '../../../sync-server/storage/memory';
import type { RelayStore } from '../../../sync-server/storage/store';
import { WebSocket } from '../../../sync-server/ws';
import { PacelineDB } from '../../../src/storage/db';
import { getMembership } from '../../../src/storage/key-store';
import * as Y from 'yjs';
import { RECORD_KINDS } from '../../../src/domain/records';
import { openJournalStore, type JournalStore } from '../../../src/storage/journal-store';
import { getSyncDoc, listOutbox, listPending } from '../../../src/storage/sync-store';
import { readMessage } from '../../../src/sync/codec';
import type { DeviceKeys } from '../../../src/sync/crypto';
import { addMember, createCircle, exportDocKeys, joinCircle, shareDocuments } from '../../../src/sync/identity';
import { LIMITS, type Role } from '../../../src/sync/protocol';
import { type UpdateHeader, sealEnvelope } from '../../../src/sync/protocol-envelope';
import { RelayProvider } from '../../../src/sync/relay-provider';
import { fiveYears } from '../../helpers/fixtures';
import { RelayClient } from '../../helpers/relay-client';
import { tempDir } from '../../helpers/relay-server';
import { diary, freshName, unwrap } from '../storage/test-db';
import { CIRCLE, JOURNAL_ID, JOURNAL_KEY, eventually, foreignUpdate, seededRandom } from './client-fixtures';
import { deviceFromSeed } from './fixtures';

const STATIC = join(tmpdir(), 'paceline-no-app');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function relayOn(store: RelayStore | string, port = 0): Promise<RunningServer> {
  const where = typeof store === 'string' ? { dataDir: store } : { store };
  const server = await startServer({ port, host: '127.0.0.1', staticDir: STATIC, logLevel: 'silent', ...where });
  cleanups.push(() => server.close());
  return server;
}

const portOf = (server: RunningServer) => Number(new URL(server.url).port);

/** A relay on disk whose files a test copies aside (backUp) and later starts from again (restore), on the same port. */
async function restorableRelay(): Promise<{ relay: RunningServer; backUp(): Promise<RunningServer>; restore(): Promise<RunningServer> }> {
  const live = tempDir();
  const backup = tempDir();
  cleanups.push(() => { live.remove(); backup.remove(); });
  let current = await relayOn(live.dir);
  const port = portOf(current);
  return {
    relay: current,
    async backUp() {
      await current.close();
      cpSync(live.dir, backup.dir, { recursive: true });
      return (current = await relayOn(live.dir, port));
    },
    async restore() {
      await current.close();
      return (current = await relayOn(backup.dir, port));
    },
  };
}

/** Counts the update items a provider's socket received (a tap on a real socket). */
class Tap {
  items = 0;
  offers = 0;
  readonly Socket: typeof WebSocket;
  constructor() {
    const tap = this;
    this.Socket = class extends WebSocket {
      constructor(url: string) {
        super(url);
        this.addEventListener('message', (event) => {
          const read = readMessage(new Uint8Array(event.data as ArrayBuffer));
          if (read.ok && read.value.type === 'updates') tap.items += read.value.items.length;
          if (read.ok && read.value.type === 'snapshot-offer') tap.offers += 1;
        });
      }
    } as typeof WebSocket;
  }
}

interface Device {
  name: string;
  keys: DeviceKeys;
  db: PacelineDB;
  store: JournalStore;
  provider: RelayProvider;
}

async function openDevice(name: string, keys: DeviceKeys, relayUrl: string, options: { Socket?: typeof WebSocket; snapshotEvery?: number } = {}): Promise<Device> {
  const db = new PacelineDB(name);
  const store = await openJournalStore(db, CIRCLE);
  const provider = new RelayProvider({
    db,
    relayUrl,
    device: keys,
    WebSocket: options.Socket ?? WebSocket,
    batchMs: 20,
    retryMs: 50,
    snapshotEvery: options.snapshotEvery ?? 1000,
    backoff: { baseMs: 50, maxMs: 200 },
  });
  const added = await provider.addDoc(store);
  if (!added.ok) throw new Error(`addDoc: ${added.error}`);
  const device = { name, keys, db, store, provider };
  cleanups.push(() => closeDevice(device));
  return device;
}

async function closeDevice(d: Device): Promise<void> {
  await d.provider.stop();
  await d.store.close();
  d.db.close();
}

/** The patient's phone: owns the circle, journal shared. */
async function patient(relayUrl: string, keys: DeviceKeys, options: { Socket?: typeof WebSocket; snapshotEvery?: number } = {}): Promise<Device> {
  const name = freshName('phone');
  const db = new PacelineDB(name);
  unwrap(await createCircle(db, keys, CIRCLE, 1_700_000_000_000));
  await shareDocuments(db, CIRCLE, ['journal']);
  db.close();
  return openDevice(name, keys, relayUrl, options);
}

/** Another member's device: added by the owner, joined with the keys it was given. */
async function member(owner: Device, keys: DeviceKeys, role: Role, relayUrl: string, options: { Socket?: typeof WebSocket } = {}): Promise<Device> {
  unwrap(await addMember(owner.db, CIRCLE, { devicePk: keys.publicKey, role, journal: role === 'caregiver' }));
  await owner.provider.refreshCircle(CIRCLE);
  const name = freshName(role);
  const db = new PacelineDB(name);
  const pinned = await getMembership(owner.db, CIRCLE);
  unwrap(await joinCircle(db, { circleId: CIRCLE, ownerPk: pinned!.ownerPk, keys: await exportDocKeys(owner.db, CIRCLE, ['journal']) }));
  await shareDocuments(db, CIRCLE, ['journal']);
  db.close();
  return openDevice(name, keys, relayUrl, options);
}

const ids = (d: Device) => d.store.all('diary').map((r) => r.id).sort();

async function settled(...devices: Device[]): Promise<void> {
  await eventually(async () => {
    for (const d of devices) {
      if ((await listPending(d.db, JOURNAL_KEY)).length > 0 || (await listOutbox(d.db, JOURNAL_KEY)).length > 0) return false;
    }
    const first = JSON.stringify(ids(devices[0] as Device));
    if (!devices.every((d) => JSON.stringify(ids(d)) === first)) return false;
    // And every stored cursor is as far as the others (the relay said everything is durable).
    const cursors = await Promise.all(devices.map(async (d) => (await getSyncDoc(d.db, JOURNAL_KEY))?.cursor));
    return cursors.every((c) => c === cursors[0]);
  }, 'devices to converge with empty outboxes and the same cursor');
}

/**
 * A phone and a caregiver's tablet that shared one diary entry through a relay on disk, which
 * was then backed up (a restore later goes back to this point).
 */
async function sharedThenBackedUp(): Promise<{ disk: Awaited<ReturnType<typeof restorableRelay>>; relay: RunningServer; phone: Device; tablet: Device; first: ReturnType<typeof diary> }> {
  const disk = await restorableRelay();
  const phone = await patient(disk.relay.url, await deviceFromSeed(1));
  const tablet = await member(phone, await deviceFromSeed(2), 'caregiver', disk.relay.url);
  phone.provider.start();
  tablet.provider.start();
  const first = diary('2026-11-10T08:00:00.000Z', 3);
  unwrap(await phone.store.put(first));
  await settled(phone, tablet);
  return { disk, relay: await disk.backUp(), phone, tablet, first };
}

describe('the client against the real relay', () => {
  it('offline edits on all sides converge once everyone connects', async () => {
    const relay = await relayOn(createMemoryStore());
    const phone = await patient(relay.url, await deviceFromSeed(1));
    const tablet = await member(phone, await deviceFromSeed(2), 'caregiver', relay.url);
    const clinic = await member(phone, await deviceFromSeed(4), 'clinician', relay.url);
    // Everyone writes while offline (the clinician may not write the journal: it only reads).
    for (let i = 0; i < 3; i++) unwrap(await phone.store.put(diary(`2026-11-1${i}T08:00:00.000Z`, i + 2)));
    unwrap(await tablet.store.put({ ...diary('2026-11-15T08:00:00.000Z', 6), enteredBy: 'caregiver' }));
    phone.provider.start();
    tablet.provider.start();
    clinic.provider.start();
    await settled(phone, tablet, clinic);
    expect(ids(phone)).toHaveLength(4);
    // Derived rows were written for what arrived, like for local saves.
    expect(await clinic.db.records.count()).toBe(4);
    const status = phone.provider.status.getSnapshot();
    expect(status.connection.state).toBe('connected');
    expect(status.waiting).toBe(0);
    expect(status.lastSharedAt).not.toBeNull();
    const devices = status.circles[CIRCLE]?.devices ?? [];
    expect(devices.map((d) => d.role).sort()).toEqual(['caregiver', 'clinician', 'patient']);
    expect(devices.find((d) => d.role === 'caregiver')?.lastSeenAt).not.toBeNull();
  });

  it('live edits reach the others, and a reconnect resumes from the cursor', async () => {
    const relay = await relayOn(createMemoryStore());
    const tap = new Tap();
    const phone = await patient(relay.url, await deviceFromSeed(1));
    const tablet = await member(phone, await deviceFromSeed(2), 'caregiver', relay.url, { Socket: tap.Socket });
    phone.provider.start();
    tablet.provider.start();
    unwrap(await phone.store.put(diary('2026-11-10T08:00:00.000Z', 3)));
    await settled(phone, tablet);
    const cursor = (await getSyncDoc(tablet.db, JOURNAL_KEY))!.cursor;
    await tablet.provider.stop(false);
    for (let i = 0; i < 3; i++) {
      unwrap(await phone.store.put(diary(`2026-11-2${i}T08:00:00.000Z`, 5)));
      await phone.provider.flush();
    }
    await eventually(async () => (await listOutbox(phone.db, JOURNAL_KEY)).length === 0, 'phone pushes acked');
    const before = tap.items;
    tablet.provider.start();
    await settled(phone, tablet);
    // Only what came after the cursor was sent: the three new envelopes.
    expect(tap.items - before).toBe(3);
    expect((await getSyncDoc(tablet.db, JOURNAL_KEY))!.cursor).toBe(cursor + 3);
  });

  it('shows an update before the relay made it durable; when the relay then fails to store it, the cursor stayed behind and the devices end with what the relay holds', async () => {
    const inner = createMemoryStore();
    let failing = false;
    const store: RelayStore = { ...inner, commit: async (b) => (failing ? { ok: false, error: { code: 'unavailable', message: 'disk full' } } : inner.commit(b)) };
    const relay = await relayOn(store);
    const phone = await patient(relay.url, await deviceFromSeed(1));
    const tablet = await member(phone, await deviceFromSeed(2), 'patient', relay.url);
    phone.provider.start();
    tablet.provider.start();
    unwrap(await phone.store.put(diary('2026-11-10T08:00:00.000Z', 3)));
    await settled(phone, tablet);
    const cursor = (await getSyncDoc(tablet.db, JOURNAL_KEY))!.cursor;
    expect(cursor).toBe((await inner.loadDoc(JOURNAL_ID)).head);
    failing = true;
    const lost = diary('2026-11-11T08:00:00.000Z', 6);
    unwrap(await phone.store.put(lost));
    // Protocol 3: the tablet shows it at once, while the relay has not stored it.
    await eventually(async () => tablet.store.get('diary', lost.id) !== undefined, 'the tablet to show the entry sent before it was durable');
    // Every commit fails: the phone retries, the tablet subscribes again; its cursor never passes what is durable.
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 50));
      expect((await getSyncDoc(tablet.db, JOURNAL_KEY))!.cursor).toBe(cursor);
    }
    expect(await listOutbox(phone.db, JOURNAL_KEY)).toHaveLength(1);
    // Meanwhile the tablet writes too; then the disk works again.
    const fromTablet = diary('2026-11-12T08:00:00.000Z', 4);
    unwrap(await tablet.store.put(fromTablet));
    failing = false;
    await settled(phone, tablet);
    const head = (await inner.loadDoc(JOURNAL_ID)).head;
    expect(head).toBe(cursor + 2);
    for (const d of [phone, tablet]) {
      expect((await getSyncDoc(d.db, JOURNAL_KEY))!.cursor).toBe(head);
      expect(d.store.get('diary', lost.id)).toEqual(lost);
      expect(d.store.get('diary', fromTablet.id)).toEqual(fromTablet);
    }
  });

  it('the outbox survives a reload, and a relay restart, with the devSeq sequence intact', async () => {
    const store = createMemoryStore();
    let relay = await relayOn(store);
    const port = portOf(relay);
    const phone = await patient(relay.url, await deviceFromSeed(1));
    const tablet = await member(phone, await deviceFromSeed(2), 'caregiver', relay.url);
    tablet.provider.start();
    phone.provider.start();
    await settled(phone, tablet);
    // The relay goes away; the phone keeps writing, seals, then the tab is closed.
    await relay.close();
    const entry = diary('2026-11-21T08:00:00.000Z', 7);
    unwrap(await phone.store.put(entry));
    await phone.provider.flush();
    const sealed = await listOutbox(phone.db, JOURNAL_KEY);
    expect(sealed).toHaveLength(1);
    await closeDevice(phone);
    relay = await relayOn(store, port);
    const reopened = await openDevice(phone.name, phone.keys, relay.url);
    expect((await listOutbox(reopened.db, JOURNAL_KEY)).map((r) => r.devSeq)).toEqual(sealed.map((r) => r.devSeq));
    reopened.provider.start();
    await settled(reopened, tablet);
    expect(tablet.store.get('diary', entry.id)).toEqual(entry);
    expect(tablet.provider.status.getSnapshot().connection.state).toBe('connected');
  });

  it("a non-member's pushes never reach the members", async () => {
    const relay = await relayOn(createMemoryStore());
    const phone = await patient(relay.url, await deviceFromSeed(1));
    const tablet = await member(phone, await deviceFromSeed(2), 'caregiver', relay.url);
    phone.provider.start();
    tablet.provider.start();
    await settled(phone, tablet);
    // Someone with the document key (a leaked invitation) but not in the membership.
    const stranger = await deviceFromSeed(3);
    const key = await phone.provider.docSync(JOURNAL_ID)!.trust.docKey(JOURNAL_ID, 1);
    const forged = foreignUpdate(phone.store.doc, '2026-11-22T08:00:00.000Z', 10);
    const header: UpdateHeader = { type: 'update', circleId: CIRCLE, docId: JOURNAL_ID, keyEpoch: 1, devicePk: stranger.publicKey, devSeq: 1 };
    const sealed = await sealEnvelope(stranger, key!, header, forged.update);
    const client = await RelayClient.connect(relay.relayUrl, stranger);
    const answer = await client.push(sealed.ok ? sealed.value : (undefined as never));
    expect(answer).toMatchObject({ type: 'error', code: 'unknown-signer' });
    client.close();
    // A member's edit after it arrives; the stranger's never does.
    const later = diary('2026-11-23T08:00:00.000Z', 2);
    unwrap(await phone.store.put(later));
    await settled(phone, tablet);
    expect(tablet.store.get('diary', later.id)).toBeDefined();
    expect(tablet.store.get('diary', forged.id)).toBeUndefined();
    expect(phone.store.get('diary', forged.id)).toBeUndefined();
  });

  it('after enough acks a snapshot is uploaded, and a device joining later starts from it', async () => {
    const relay = await relayOn(createMemoryStore());
    const phone = await patient(relay.url, await deviceFromSeed(1), { snapshotEvery: 3 });
    phone.provider.start();
    for (let i = 0; i < 4; i++) {
      unwrap(await phone.store.put(diary(`2026-11-1${i}T08:00:00.000Z`, i)));
      await phone.provider.flush();
    }
    await eventually(async () => (await getSyncDoc(phone.db, JOURNAL_KEY))?.snapshot !== null, 'the snapshot to be acknowledged');
    const snap = (await getSyncDoc(phone.db, JOURNAL_KEY))!.snapshot!;
    expect(snap.coversSeq).toBeGreaterThanOrEqual(3);
    const tap = new Tap();
    const tablet = await member(phone, await deviceFromSeed(2), 'caregiver', relay.url, { Socket: tap.Socket });
    tablet.provider.start();
    await settled(phone, tablet);
    expect(tap.offers).toBe(1);
    expect((await getSyncDoc(tablet.db, JOURNAL_KEY))!.snapshot?.coversSeq).toBe(snap.coversSeq);
  });

  it('an up-to-date device confirms a new snapshot when it is offered live, and the relay drops the covered updates', async () => {
    const relay = await relayOn(createMemoryStore());
    const tap = new Tap();
    const phone = await patient(relay.url, await deviceFromSeed(1), { snapshotEvery: 3 });
    const tablet = await member(phone, await deviceFromSeed(2), 'caregiver', relay.url, { Socket: tap.Socket });
    phone.provider.start();
    tablet.provider.start();
    await settled(phone, tablet);
    for (let i = 0; i < 4; i++) {
      unwrap(await phone.store.put(diary(`2026-11-1${i}T08:00:00.000Z`, i)));
      await settled(phone, tablet);
    }
    await eventually(async () => (await getSyncDoc(phone.db, JOURNAL_KEY))?.snapshot !== null, 'the snapshot to be acknowledged');
    const snap = (await getSyncDoc(phone.db, JOURNAL_KEY))!.snapshot!;
    // The tablet was live and up to date: the relay offered it the snapshot, and it vouched for it.
    await eventually(async () => (await relay.store.loadDoc(JOURNAL_ID)).snapshot?.confirmedAt != null, 'the tablet to confirm the snapshot');
    expect(tap.offers).toBe(1);
    expect((await getSyncDoc(tablet.db, JOURNAL_KEY))!.snapshot?.coversSeq).toBe(snap.coversSeq);
    await relay.relay.committer.flushed();
    expect((await relay.store.loadDoc(JOURNAL_ID)).prunedThrough).toBe(snap.coversSeq);
    expect(await relay.store.readUpdates(JOURNAL_ID, 1, 1 << 20)).toEqual([]);
    // A device joining later starts from the snapshot and still gets every entry.
    const clinic = await member(phone, await deviceFromSeed(4), 'clinician', relay.url);
    clinic.provider.start();
    await settled(phone, tablet, clinic);
    expect(ids(clinic)).toHaveLength(4);
  });

  it('a relay restored from an older backup is noticed (cursor-ahead): devices catch up from zero and upload their state as a snapshot', async () => {
    const shared = await sharedThenBackedUp();
    const { disk, phone, tablet, first: before } = shared;
    let relay = shared.relay;
    const after = { ...diary('2026-11-11T08:00:00.000Z', 4), enteredBy: 'caregiver' as const };
    unwrap(await tablet.store.put(after));
    await settled(phone, tablet);
    const cursor = (await getSyncDoc(phone.db, JOURNAL_KEY))!.cursor;
    // The relay loses everything after the backup. The phone comes back only once the tablet
    // has caught up again: a snapshot is offered to devices that are live when it lands, and
    // a device still catching up from zero applies it instead (it cannot vouch for updates it
    // has not read), so this order is the one in which a confirmation must follow.
    await phone.provider.stop(false);
    relay = await disk.restore();
    await eventually(async () => {
      const row = await getSyncDoc(tablet.db, JOURNAL_KEY);
      return row!.cursor < cursor && tablet.provider.status.getSnapshot().docs[JOURNAL_ID]?.catchingUp === false;
    }, 'the tablet to notice the older relay and catch up from zero');
    phone.provider.start();
    await eventually(async () => (await getSyncDoc(phone.db, JOURNAL_KEY))!.snapshot !== null, 'a re-uploaded snapshot');
    expect((await getSyncDoc(phone.db, JOURNAL_KEY))!.cursor).toBeLessThan(cursor);
    // The phone uploaded its state (the caregiver's tablet, with limited rights on the journal,
    // uploads none); the tablet found it equal to its own state and confirmed it.
    await eventually(async () => (await relay.store.loadDoc(JOURNAL_ID)).snapshot?.confirmedAt != null, 'a second device to confirm the snapshot');
    // A device joining now gets both entries, though the relay lost the update that carried one.
    const clinic = await member(phone, await deviceFromSeed(4), 'clinician', relay.url);
    clinic.provider.start();
    await eventually(() => clinic.store.get('diary', after.id) !== undefined && clinic.store.get('diary', before.id) !== undefined, 'the clinician to see both entries');
  }, 20_000);

  it('a relay restored from an older backup and written to past a device\'s cursor before it comes back: the cursor\'s hash does not match, and it catches up from zero', async () => {
    const shared = await sharedThenBackedUp();
    const { disk, phone, tablet, first: before } = shared;
    let relay = shared.relay;
    // Acknowledged at seq k, then lost with the restore below.
    const lost = diary('2026-11-11T08:00:00.000Z', 4);
    unwrap(await phone.store.put(lost));
    await settled(phone, tablet);
    const k = (await getSyncDoc(phone.db, JOURNAL_KEY))!.cursor;
    expect((await getSyncDoc(phone.db, JOURNAL_KEY))!.cursorHash).toHaveLength(32);
    await phone.provider.stop(false);
    relay = await disk.restore();
    // The tablet notices the older relay and catches up; its next entry takes seq k again.
    await eventually(async () => (await getSyncDoc(tablet.db, JOURNAL_KEY))!.cursor < k && tablet.provider.status.getSnapshot().docs[JOURNAL_ID]?.catchingUp === false, 'the tablet to catch up from zero');
    const fresh = { ...diary('2026-11-12T08:00:00.000Z', 6), enteredBy: 'caregiver' as const };
    unwrap(await tablet.store.put(fresh));
    await eventually(async () => (await relay.store.loadDoc(JOURNAL_ID)).head >= k, 'the relay to reach seq k again');
    // The phone's cursor k is not past the head now; only the hash tells that seq k is another update.
    phone.provider.start();
    await eventually(() => phone.store.get('diary', fresh.id) !== undefined, 'the phone to get the entry at the reused seq');
    await eventually(async () => (await getSyncDoc(phone.db, JOURNAL_KEY))!.snapshot !== null, 'the phone to upload its state again');
    const clinic = await member(phone, await deviceFromSeed(4), 'clinician', relay.url);
    clinic.provider.start();
    await eventually(() => [before, lost, fresh].every((e) => clinic.store.get('diary', e.id) !== undefined), 'the clinician to see all three entries');
  }, 20_000);

  it('a relay restored from a backup that lacks membership versions: a device holding them publishes them again and is served', async () => {
    const disk = await restorableRelay();
    let relay = disk.relay;
    const phone = await patient(relay.url, await deviceFromSeed(1));
    phone.provider.start();
    const before = diary('2026-11-10T08:00:00.000Z', 3);
    unwrap(await phone.store.put(before));
    await phone.provider.flush();
    await eventually(async () => (await listOutbox(phone.db, JOURNAL_KEY)).length === 0, 'the first entry to be acknowledged');
    relay = await disk.backUp();
    // The clinician is added after the backup: the restored relay will not know them.
    const clinic = await member(phone, await deviceFromSeed(4), 'clinician', relay.url);
    clinic.provider.start();
    await eventually(() => clinic.store.get('diary', before.id) !== undefined, 'the clinician to read the first entry');
    await phone.provider.stop(false);
    relay = await disk.restore();
    expect((await relay.store.loadCircle(CIRCLE))!.links).toHaveLength(1);
    phone.provider.start();
    const after = diary('2026-11-11T08:00:00.000Z', 5);
    unwrap(await phone.store.put(after));
    await eventually(() => clinic.store.get('diary', after.id) !== undefined, 'the clinician to be served again');
    expect((await relay.store.loadCircle(CIRCLE))!.links.length).toBeGreaterThan(1);
  }, 20_000);

  it('a relay restored from a backup that lacks acknowledged pushes: the device renumbers its outbox (seq-gap with the expected devSeq) and shares again', async () => {
    const shared = await sharedThenBackedUp();
    const { disk, phone, tablet, first } = shared;
    let relay = shared.relay;
    // Acknowledged as devSeq n, then lost with the restore below.
    const lost = diary('2026-11-11T08:00:00.000Z', 4);
    unwrap(await phone.store.put(lost));
    await settled(phone, tablet);
    const n = (await getSyncDoc(phone.db, JOURNAL_KEY))!.nextDevSeq - 1;
    relay = await disk.restore();
    // The devices notice the lost seqs (cursor-ahead) and re-upload their state as a snapshot first.
    await eventually(async () => (await getSyncDoc(phone.db, JOURNAL_KEY))!.snapshot !== null, 'a re-uploaded snapshot');
    // The next push is devSeq n + 1; the relay has the phone's devSeqs up to n - 1 and answers seq-gap, expecting n.
    const later = diary('2026-11-12T08:00:00.000Z', 5);
    unwrap(await phone.store.put(later));
    await eventually(() => tablet.store.get('diary', later.id) !== undefined, 'the edit after the restore to reach the tablet');
    await settled(phone, tablet);
    // Renumbered to n, then the whole state as n + 1 (the relay lost what the first devSeq n carried).
    expect((await getSyncDoc(phone.db, JOURNAL_KEY))!.nextDevSeq).toBe(n + 2);
    expect((await relay.store.loadDevice(JOURNAL_ID, phone.keys.publicKey)).lastDevSeq).toBe(n + 1);
    expect(phone.provider.status.getSnapshot().waiting).toBe(0);
    // A device joining now reads everything from the relay.
    const clinic = await member(phone, await deviceFromSeed(4), 'clinician', relay.url);
    clinic.provider.start();
    await eventually(() => [first, lost, later].every((e) => clinic.store.get('diary', e.id) !== undefined), 'the clinician to see all three entries');
  }, 20_000);

  it('a device whose store was restored from an older copy: its reused devSeqs conflict, it renumbers after the relay\'s and gets back its own later pushes', async () => {
    const relay = await relayOn(createMemoryStore());
    const keys = await deviceFromSeed(1);
    const phone = await patient(relay.url, keys);
    phone.provider.start();
    const acked = async () => eventually(async () => (await listOutbox(phone.db, JOURNAL_KEY)).length === 0 && (await listPending(phone.db, JOURNAL_KEY)).length === 0, 'the phone\'s pushes to be acknowledged');
    const e1 = diary('2026-11-10T08:00:00.000Z', 1);
    unwrap(await phone.store.put(e1));
    await phone.provider.flush();
    await acked();
    // The older copy: every table as it is now (e1 only).
    const older = new PacelineDB(freshName('restored'));
    await older.open();
    for (const table of phone.db.tables) await older.table(table.name).bulkPut(await table.toArray());
    older.close();
    const e2 = diary('2026-11-11T08:00:00.000Z', 2);
    const e3 = diary('2026-11-12T08:00:00.000Z', 3);
    for (const e of [e2, e3]) {
      unwrap(await phone.store.put(e));
      await phone.provider.flush();
      await acked();
    }
    const relayLast = (await relay.store.loadDevice(JOURNAL_ID, keys.publicKey)).lastDevSeq;
    await closeDevice(phone);
    // The device comes back with the older store: it writes again from its old devSeq.
    const restored = await openDevice(older.name, keys, relay.url);
    const e4 = diary('2026-11-13T08:00:00.000Z', 4);
    unwrap(await restored.store.put(e4));
    // Sealed as devSeq 2 before connecting: the catch-up then takes e2 (own key, devSeq 2) for an echo.
    await restored.provider.flush();
    expect((await listOutbox(restored.db, JOURNAL_KEY)).map((o) => o.devSeq)).toEqual([2]);
    restored.provider.start();
    await eventually(() => [e1, e2, e3, e4].every((e) => restored.store.get('diary', e.id) !== undefined), 'the restored device to hold all four entries');
    await eventually(async () => (await listOutbox(restored.db, JOURNAL_KEY)).length === 0 && (await listPending(restored.db, JOURNAL_KEY)).length === 0 && (await relay.store.loadDevice(JOURNAL_ID, keys.publicKey)).lastDevSeq > relayLast, 'the new entry to be acknowledged');
    expect(restored.provider.status.getSnapshot().docs[JOURNAL_ID]?.lastIssue ?? null).toBeNull();
    const clinic = await member(restored, await deviceFromSeed(4), 'clinician', relay.url);
    clinic.provider.start();
    await eventually(() => [e1, e2, e3, e4].every((e) => clinic.store.get('diary', e.id) !== undefined), 'the clinician to read all four entries');
  }, 20_000);

  it('a journal over the snapshot limit: no snapshot and no issue; when the relay loses it, the state goes out again as split pushes', async () => {
    const disk = await restorableRelay();
    let relay = disk.relay;
    const phone = await patient(relay.url, await deviceFromSeed(1), { snapshotEvery: 2 });
    phone.provider.start();
    await eventually(async () => (await relay.store.loadCircle(CIRCLE)) !== null, 'the circle to be published');
    await phone.provider.stop(false);
    relay = await disk.backUp();
    // Diary notes of random letters (nothing compresses them): well over LIMITS.maxSnapshotBytes.
    const random = seededRandom(77);
    const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
    const entries = Array.from({ length: 2_400 }, (_, i) => diary(new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString(), i % 11, { note: letters(1_900) }));
    unwrap(await phone.store.importRecords(entries));
    expect(Y.encodeStateAsUpdate(phone.store.doc).length).toBeGreaterThan(LIMITS.maxSnapshotBytes);
    phone.provider.start();
    await eventually(async () => (await listOutbox(phone.db, JOURNAL_KEY)).length === 0 && (await listPending(phone.db, JOURNAL_KEY)).length === 0, 'the first share to be acknowledged', 30_000);
    unwrap(await phone.store.put(diary('2026-11-20T08:00:00.000Z', 4)));
    await phone.provider.flush();
    await eventually(async () => (await listOutbox(phone.db, JOURNAL_KEY)).length === 0, 'the next entry to be acknowledged');
    expect((await relay.store.loadDoc(JOURNAL_ID)).snapshot).toBeNull();
    expect(phone.provider.status.getSnapshot().docs[JOURNAL_ID]?.lastIssue ?? null).toBeNull();
    // The relay loses the whole journal: the phone shares its state again, within the update limit.
    await phone.provider.stop(false);
    relay = await disk.restore();
    phone.provider.start();
    await eventually(async () => (await relay.store.loadDoc(JOURNAL_ID)).head > 1 && (await listOutbox(phone.db, JOURNAL_KEY)).length === 0 && (await listPending(phone.db, JOURNAL_KEY)).length === 0, 'the state to be shared again', 30_000);
    const clinic = await member(phone, await deviceFromSeed(4), 'clinician', relay.url);
    clinic.provider.start();
    await eventually(() => clinic.store.all('diary').length === entries.length + 1, 'the clinician to read every entry', 30_000);
  }, 90_000);

  it('five years of diary shared at once: the first push is split within the update limit, and a second device ends identical', async () => {
    const relay = await relayOn(createMemoryStore());
    const keys = await deviceFromSeed(1);
    const name = freshName('phone');
    const db = new PacelineDB(name);
    unwrap(await createCircle(db, keys, CIRCLE, 1_700_000_000_000));
    // Years of entries written before sharing was switched on.
    const store = await openJournalStore(db, CIRCLE);
    const years = fiveYears(7, new Date('2026-11-22T20:00:00Z'));
    expect(unwrap(await store.importRecords(years.records)).added).toBe(5868);
    const stateBytes = Y.encodeStateAsUpdate(store.doc).length;
    await store.close();
    expect(stateBytes).toBeGreaterThan(LIMITS.maxUpdateBytes);
    await shareDocuments(db, CIRCLE, ['journal']);
    db.close();
    const phone = await openDevice(name, keys, relay.url);
    await phone.provider.flush();
    const sealed = await listOutbox(phone.db, JOURNAL_KEY);
    expect(sealed.length).toBeGreaterThan(1);
    for (const entry of sealed) expect(entry.envelope.length).toBeLessThan(LIMITS.maxUpdateBytes);
    const tablet = await member(phone, await deviceFromSeed(2), 'caregiver', relay.url);
    phone.provider.start();
    tablet.provider.start();
    await eventually(async () => (await listOutbox(phone.db, JOURNAL_KEY)).length === 0, 'every piece acknowledged', 60_000);
    await eventually(async () => (await tablet.db.records.count()) === 5868, 'the tablet to hold the five years', 60_000);
    const everything = (d: Device) => RECORD_KINDS.flatMap((k) => d.store.all(k, { includeDeleted: true })).sort((a, b) => a.id.localeCompare(b.id));
    expect(everything(tablet)).toEqual(everything(phone));
    expect(everything(tablet)).toHaveLength(5868);
    expect(await tablet.db.records.count()).toBe(5868);
    expect(phone.provider.status.getSnapshot().docs[JOURNAL_ID]?.lastIssue).toBeNull();
  }, 60_000);

  it('stops, and says so, when the relay does not accept the device key', async () => {
    const relay = await relayOn(createMemoryStore());
    const phone = await patient(relay.url, await deviceFromSeed(1));
    await closeDevice(phone);
    // A public key whose private half is another device's: the auth proof cannot verify.
    const mismatched = { publicKey: (await deviceFromSeed(1)).publicKey, privateKey: (await deviceFromSeed(9)).privateKey };
    const impostor = await openDevice(phone.name, mismatched, relay.url);
    impostor.provider.start();
    await eventually(() => impostor.provider.status.getSnapshot().connection.state === 'error', 'the stop');
    expect(impostor.provider.status.getSnapshot().connection).toEqual({ state: 'error', issue: { code: 'unauthorized' } });
  });
});
