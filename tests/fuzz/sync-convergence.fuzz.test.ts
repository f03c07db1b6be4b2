// Seeded convergence fuzz: three or four patient devices of one circle (each its own
// fake-indexeddb database, journal store and RelayProvider with the `ws` WebSocket) write to
// the journal (new diary entries, practice items and logs, assessments; revisions; removals
// and restores) while a fault proxy (tests/helpers/fault-proxy.ts) drops, stalls, duplicates
// and cuts their connections to the REAL relay, delivers old frames of dead connections late,
// and takes devices offline. The relay is restarted on the same SQLite data directory a few
// times; half of the restarts are crashes: every connection is cut, and the commits that had
// not reached the disk yet are lost, although the relay (protocol 3) had already sent their
// updates to subscribers (each commit reaches the disk a few ms late, so a crash finds some),
// devices reload (provider and database closed and opened again), and some seeds add a
// device in the middle of it all. A third of the seeds are storms: far more faults, frames
// arriving up to 1.5 s late, and a snapshot every few acks. Then every fault is healed, and
// once everything has settled (outboxes empty, cursors at the relay's head):
//
// - every device holds the same document (state vector), the same records (plain JSON,
//   deleted ones included) and the same derived rows (records, weeks, latest scores);
// - a clinician device that joins at the end, and so reads everything from the relay
//   (snapshot and updates), holds the same records and rows;
// - every push the relay acknowledged (an 'ack' it sent, delivered or not) is stored under
//   the seq it named, and its change is in the document of the devices;
// - every record written anywhere is present, with a value that some device wrote, and a
//   record only one device ever wrote holds that device's last write;
// - the relay's per-device devSeq matches each device's, nothing was refused as forged or
//   withheld, and no side closed a connection for a protocol error.
//
// Choices (operations, devices, faults, waits) come from the seed; real sockets make the
// interleaving vary from run to run, so only the end state is asserted. A failure prints the
// seed, the proxy's counts, each device's sync state and the last events.
//
// More seeds:   FUZZ_SEEDS=1-200 npx vitest run --project unit tests/fuzz
// One seed:     FUZZ_SEED=1234 npx vitest run --project unit tests/fuzz
// Longer runs:  FUZZ_OPS=300 (operations per seed, default 60); FUZZ_VERBOSE=1 prints each run.
// A seed that exposed a real bug goes into REGRESSIONS below with a name saying what broke.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAssessment, createDiaryEntry, createPracticeItem, createPracticeLog, reviseRecord } from '../../src/domain/record-factory';
import {
  ACTIVITY_LEVELS, BODY_AREAS, PAIN_QUALITIES, PRACTICE_CATEGORIES, RECORD_KINDS, TRIGGERS,
  type DiaryEntry, type JournalRecord, type PracticeItem, type PracticeLog, type RecordKind, type Result,
} from '../../src/domain/records';
import { PacelineDB } from '../../src/storage/db';
import { openJournalStore, type JournalStore } from '../../src/storage/journal-store';
import { getMembership } from '../../src/storage/key-store';
import { listOutbox, listPending } from '../../src/storage/sync-store';
import { toHex } from '../../src/sync/codec-bytes';
import type { WebSocketConstructor } from '../../src/sync/connection';
import { type DeviceKeys, importDocKey } from '../../src/sync/crypto';
import { addMember, createCircle, exportDocKeys, joinCircle, shareDocuments } from '../../src/sync/identity';
import type { Role } from '../../src/sync/protocol';
import { type SealedEnvelope, envelopeHash, openEnvelope } from '../../src/sync/protocol-envelope';
import { RelayProvider } from '../../src/sync/relay-provider';
import type { SyncIssue } from '../../src/sync/sync-status';
import type { RunningServer } from '../../sync-server/server';
import { FaultProxy, type FaultRates, type ProxyStats } from '../helpers/fault-proxy';
import { Rng, seededUlid } from '../helpers/fixtures';
import { startTestRelay, tempDir } from '../helpers/relay-server';
import { openSqliteStoreOnThread } from '../../sync-server/storage/sqlite-thread';
import type { RelayStore } from '../../sync-server/storage/store';
import { CIRCLE, JOURNAL_ID, JOURNAL_KEY } from '../unit/sync/client-fixtures';
import { deviceFromSeed } from '../unit/sync/fixtures';

// ---- seeds --------------------------------------------------------------------------

const DEFAULT_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** Seeds that once exposed a real bug; each keeps its own name (and the operation count it failed with). */
const REGRESSIONS: Array<{ seed: number; ops?: number; title: string }> = [
  // Timing-dependent (about one run in four before the fix); sync-regressions.test.ts pins the same bug down deterministically.
  { seed: 2000, ops: 150, title: 'a device reloading while it stores a membership version: RelayProvider.stop() returned first, and the write hit the closed database (membership-rejected: storage-failed)' },
];

/** FUZZ_SEED=n, or FUZZ_SEEDS as a list of numbers and ranges: "1,5,10-20". */
function envSeeds(): number[] | null {
  const raw = process.env['FUZZ_SEEDS'] ?? process.env['FUZZ_SEED'];
  if (!raw) return null;
  const seeds: number[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) for (let s = Number(range[1]); s <= Number(range[2]); s++) seeds.push(s);
    else if (/^\d+$/.test(part)) seeds.push(Number(part));
    else throw new Error(`FUZZ_SEEDS: not a seed or range: "${part}"`);
  }
  return seeds;
}

const DEFAULT_OPS = Number(process.env['FUZZ_OPS'] ?? 60);

// ---- devices --------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const FIRST_DAY = Date.UTC(2026, 10, 1, 8, 0, 0);

/** Issues that never happen on an honest relay, whatever the network does. */
const BAD_ISSUES = new Set<SyncIssue['code']>(['rejected-update', 'updates-withheld', 'protocol-error', 'membership-rejected', 'storage-failed', 'change-too-large', 'missing-key', 'missing-membership', 'unauthorized', 'wrong-relay', 'version-unsupported']);
/** Close reasons that mean one side got the protocol wrong. */
const BAD_CLOSES = ['bad-frame', 'frame-too-large', 'unauthorized', 'too-slow', 'rate-limited', 'too-many-documents', 'protocol-version-unsupported', 'auth-timeout'];

interface Device {
  /** The proxy's name for it ('d0', ...): offline periods are per device. */
  name: string;
  index: number;
  role: Role;
  dbName: string;
  keys: DeviceKeys;
  db: PacelineDB;
  store: JournalStore;
  provider: RelayProvider;
  /** Every issue its status reported, in order. */
  issues: SyncIssue[];
  offlineTimer: ReturnType<typeof setTimeout> | null;
  open: boolean;
}

/**
 * The relay's SQLite store, each commit reaching it 0-15 ms late (in order): crash() loses
 * every commit that has not reached it yet, as a relay dying between fan-out and fsync would.
 */
interface CrashableStore {
  store: RelayStore;
  crash(): void;
  /** Updates in commits lost to crashes. */
  lostUpdates: number;
  /** Commits that have not reached the disk yet. */
  waiting: number;
}

async function openCrashable(dataDir: string, delays: Rng): Promise<CrashableStore> {
  const opened = await openSqliteStoreOnThread(dataDir);
  if (!opened.ok) throw new Error(`store: ${opened.error.message}`);
  const inner = opened.value;
  let dead = false;
  let queue: Promise<unknown> = Promise.resolve();
  const disk: CrashableStore = {
    lostUpdates: 0,
    waiting: 0,
    crash: () => { dead = true; },
    store: {
      ...inner,
      commit(batch) {
        const delay = delays.int(0, 15);
        disk.waiting++;
        const result = queue.then(async () => {
          await sleep(delay);
          disk.waiting--;
          if (!dead) return inner.commit(batch);
          disk.lostUpdates += batch.updates.length;
          return { ok: false as const, error: { code: 'unavailable' as const, message: 'the relay crashed before this commit reached the disk' } };
        });
        queue = result;
        return result;
      },
    },
  };
  return disk;
}

interface World {
  seed: number;
  rng: Rng;
  proxy: FaultProxy;
  relay: RunningServer;
  disk: CrashableStore;
  /** Commit delays: their own generator, so that timing does not shift the seed's choices. */
  delays: Rng;
  dataDir: string;
  snapshotEvery: number;
  devices: Device[];
  /** Every value each record id was given, by whom, in order. */
  writes: Map<string, Array<{ device: number; value: JournalRecord }>>;
  /** Acks the relay sent: durable pushes. */
  acks: Array<{ pk: string; devSeq: number; seq: number }>;
  /** Push envelopes seen from clients, by device:devSeq (several if one was ever sealed again). */
  pushes: Map<string, SealedEnvelope[]>;
  clock: number;
  log: string[];
}

async function openDevice(w: World, d: Omit<Device, 'db' | 'store' | 'provider' | 'open'> & Partial<Device>): Promise<Device> {
  const db = new PacelineDB(d.dbName);
  const store = await openJournalStore(db, CIRCLE);
  const provider = new RelayProvider({
    db,
    relayUrl: w.proxy.url,
    device: d.keys,
    WebSocket: w.proxy.socketFor(d.name) as unknown as WebSocketConstructor,
    batchMs: 5 + w.rng.int(0, 30),
    retryMs: 50,
    snapshotEvery: w.snapshotEvery,
    backoff: { baseMs: 20, maxMs: 200 },
  });
  const added = await provider.addDoc(store);
  if (!added.ok) throw new Error(`addDoc: ${added.error}`);
  const device = Object.assign(d, { db, store, provider, open: true }) as Device;
  let last: SyncIssue | null = null;
  provider.status.subscribe(() => {
    const issue = provider.status.getSnapshot().lastIssue;
    if (issue && issue !== last) device.issues.push(issue);
    last = issue;
  });
  return device;
}

async function closeDevice(d: Device): Promise<void> {
  if (!d.open) return;
  d.open = false;
  await d.provider.stop();
  await d.store.close();
  d.db.close();
}

/** The owner's phone creates the circle; the others are added as patient devices and join with its keys. */
async function setUp(w: World, count: number): Promise<void> {
  const ownerKeys = await deviceFromSeed(1);
  const ownerDb = `fuzz-${w.seed}-d0-${Date.now()}`;
  const db = new PacelineDB(ownerDb);
  const created = await createCircle(db, ownerKeys, CIRCLE, FIRST_DAY);
  if (!created.ok) throw new Error(created.error);
  await shareDocuments(db, CIRCLE, ['journal']);
  db.close();
  const owner = await openDevice(w, { name: 'd0', index: 0, role: 'patient', dbName: ownerDb, keys: ownerKeys, issues: [], offlineTimer: null });
  w.devices.push(owner);
  for (let i = 1; i < count; i++) w.devices.push(await addDevice(w, i, 'patient'));
}

async function addDevice(w: World, index: number, role: Role): Promise<Device> {
  const owner = w.devices[0] as Device;
  const keys = await deviceFromSeed(index + 1);
  const added = await addMember(owner.db, CIRCLE, { devicePk: keys.publicKey, role });
  if (!added.ok) throw new Error(added.error);
  await owner.provider.refreshCircle(CIRCLE);
  const dbName = `fuzz-${w.seed}-d${index}-${Date.now()}`;
  const db = new PacelineDB(dbName);
  const pinned = await getMembership(owner.db, CIRCLE);
  const joined = await joinCircle(db, { circleId: CIRCLE, ownerPk: pinned!.ownerPk, keys: await exportDocKeys(owner.db, CIRCLE, ['journal']) });
  if (!joined.ok) throw new Error(joined.error);
  await shareDocuments(db, CIRCLE, ['journal']);
  db.close();
  return openDevice(w, { name: `d${index}`, index, role, dbName, keys, issues: [], offlineTimer: null });
}

// ---- journal operations -----------------------------------------------------------------

const NOTES = ['Bad night, better after lunch.', 'Walked to the shop, "slow but fine".', 'Flare after housework, rested', 'Good day, gardening 20 min', '=not a formula', 'Dolor fuerte por la mañana'];

function unwrapNew<T extends JournalRecord>(r: Result<T>, rng: Rng, ms: number): T {
  if (!r.ok) throw new Error(`the factory refused generated fields: ${JSON.stringify(r.error)}`);
  // A seeded id instead of the factory's random one: the same seed writes the same records.
  return { ...r.value, id: seededUlid(rng, ms) };
}

function newDiary(rng: Rng, at: string, now: Date): DiaryEntry {
  const fields: Partial<DiaryEntry> & { painNow: number; at: string } = { painNow: rng.int(0, 10), at };
  if (rng.chance(0.5)) fields.bodyAreas = rng.some(BODY_AREAS, rng.int(1, 3));
  if (rng.chance(0.3)) fields.painQualities = rng.some(PAIN_QUALITIES, rng.int(1, 2));
  if (rng.chance(0.25)) fields.triggers = rng.some(TRIGGERS, rng.int(1, 2));
  if (rng.chance(0.7)) fields.sleepQuality = rng.int(0, 10);
  if (rng.chance(0.6)) fields.sleepHours = rng.int(8, 18) / 2;
  if (rng.chance(0.7)) fields.mood = rng.int(0, 10);
  if (rng.chance(0.5)) fields.fatigue = rng.int(0, 10);
  if (rng.chance(0.5)) fields.activity = rng.pick(ACTIVITY_LEVELS);
  if (rng.chance(0.2)) fields.note = rng.pick(NOTES);
  return unwrapNew(createDiaryEntry(fields, now, rng.chance(0.1) ? 'caregiver' : 'patient'), rng, now.getTime());
}

function newItem(rng: Rng, at: string, now: Date): PracticeItem {
  const name = rng.pick(['Walking', 'Breathing, 4-7-8', 'Stretching', 'Pacing plan', 'Sleep routine']);
  const fields = { at, name, category: rng.pick(PRACTICE_CATEGORIES), timesPerWeek: rng.int(1, 7), ...(rng.chance(0.7) ? { minutes: rng.int(5, 45) } : { dose: '3 sets of 10' }) };
  return unwrapNew(createPracticeItem(fields, now), rng, now.getTime());
}

function newLog(rng: Rng, at: string, now: Date, items: readonly PracticeItem[]): PracticeLog {
  const item = items.length > 0 ? rng.pick(items) : null;
  const status = rng.chance(0.7) ? 'done' : rng.chance(0.5) ? 'partly' : 'skipped';
  const fields: Partial<PracticeLog> = {
    at,
    practiceId: item?.id ?? '01JPRACT1CE0000000000000AA',
    practiceName: item?.name ?? 'Walking',
    category: item?.category ?? 'exercise',
    status,
  };
  if (status !== 'skipped') fields.minutes = rng.int(2, 40);
  if (rng.chance(0.4)) fields.helpfulness = rng.int(0, 10);
  return unwrapNew(createPracticeLog(fields, now), rng, now.getTime());
}

function newAssessment(rng: Rng, at: string, now: Date): JournalRecord {
  const fields = rng.chance(0.6)
    ? { at, instrument: 'peg' as const, answers: [rng.int(0, 10), rng.int(0, 10), rng.int(0, 10)] }
    : { at, instrument: 'phq2' as const, answers: [rng.int(0, 3), rng.int(0, 3)] };
  return unwrapNew(createAssessment(fields, now), rng, now.getTime());
}

/** Changes a person might make to a record of this kind. */
function changesFor(rng: Rng, record: JournalRecord): Record<string, unknown> {
  switch (record.kind) {
    case 'diary':
      return rng.chance(0.5) ? { painNow: rng.int(0, 10), note: rng.chance(0.5) ? rng.pick(NOTES) : undefined } : { mood: rng.int(0, 10), sleepHours: rng.chance(0.3) ? undefined : rng.int(8, 18) / 2 };
    case 'practice':
      return { status: 'done', minutes: rng.int(2, 40), helpfulness: rng.int(0, 10) };
    case 'practice-item':
      return { timesPerWeek: rng.int(1, 7), ...(rng.chance(0.3) ? { archivedAt: new Date(FIRST_DAY).toISOString() } : {}) };
    case 'assessment':
      return record.instrument === 'peg' ? { answers: [rng.int(0, 10), rng.int(0, 10), rng.int(0, 10)] } : { answers: [rng.int(0, 3), rng.int(0, 3)] };
  }
}

function remember(w: World, device: Device, written: Result<JournalRecord, unknown>, what: string): void {
  if (!written.ok) throw new Error(`${device.name} ${what}: ${JSON.stringify(written.error)}`);
  const list = w.writes.get(written.value.id) ?? [];
  list.push({ device: device.index, value: written.value });
  w.writes.set(written.value.id, list);
}

const allRecords = (store: JournalStore): JournalRecord[] =>
  RECORD_KINDS.flatMap((k) => store.all(k, { includeDeleted: true })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

type Action = 'diary' | 'practice' | 'item' | 'assessment' | 'revise' | 'remove' | 'restore' | 'offline' | 'reload' | 'pause';
const ACTIONS: Array<[Action, number]> = [
  ['diary', 26], ['practice', 14], ['item', 3], ['assessment', 6], ['revise', 16], ['remove', 7], ['restore', 5], ['offline', 9], ['reload', 3], ['pause', 6],
];

function pickAction(rng: Rng): Action {
  const total = ACTIONS.reduce((s, [, weight]) => s + weight, 0);
  let roll = rng.int(0, total - 1);
  for (const [action, weight] of ACTIONS) {
    if (roll < weight) return action;
    roll -= weight;
  }
  return 'pause';
}

async function step(w: World, d: Device, action: Action): Promise<void> {
  const rng = w.rng;
  w.clock += rng.int(3, 180) * 60_000;
  const now = new Date(w.clock);
  const at = new Date(w.clock - rng.int(0, 120) * 60_000).toISOString();
  const pickFrom = (kinds: readonly RecordKind[], deleted: boolean): JournalRecord | null => {
    const found = kinds.flatMap((k) => d.store.all(k, { includeDeleted: true })).filter((r) => (r.deletedAt !== undefined) === deleted);
    return found.length > 0 ? rng.pick(found) : null;
  };
  switch (action) {
    case 'diary':
      return remember(w, d, await d.store.put(newDiary(rng, at, now)), 'diary');
    case 'item':
      return remember(w, d, await d.store.put(newItem(rng, at, now)), 'item');
    case 'practice':
      return remember(w, d, await d.store.put(newLog(rng, at, now, d.store.all('practice-item') as PracticeItem[])), 'practice');
    case 'assessment':
      return remember(w, d, await d.store.put(newAssessment(rng, at, now)), 'assessment');
    case 'revise': {
      const record = pickFrom(RECORD_KINDS, false);
      if (!record) return;
      const revised = reviseRecord(record, changesFor(rng, record) as never, now);
      if (!revised.ok) throw new Error(`revision refused: ${JSON.stringify(revised.error)}`);
      return remember(w, d, await d.store.put(revised.value), 'revise');
    }
    case 'remove': {
      const record = pickFrom(['diary', 'practice', 'assessment'], false);
      if (record) remember(w, d, await d.store.remove(record.kind, record.id, now), 'remove');
      return;
    }
    case 'restore': {
      const record = pickFrom(RECORD_KINDS, true);
      if (record) remember(w, d, await d.store.restore(record.kind, record.id, now), 'restore');
      return;
    }
    case 'offline': {
      if (w.proxy.isOffline(d.name)) return;
      const ms = rng.int(50, 900);
      w.log.push(`${d.name} offline ${ms} ms`);
      w.proxy.setOffline(d.name, true);
      d.offlineTimer = setTimeout(() => {
        d.offlineTimer = null;
        w.proxy.setOffline(d.name, false);
      }, ms);
      return;
    }
    case 'reload': {
      // The app is closed and opened again: provider, store and database; the outbox must survive.
      w.log.push(`${d.name} reload`);
      await closeDevice(d);
      await openDevice(w, d);
      d.provider.start();
      return;
    }
    case 'pause':
      return sleep(rng.int(50, 250));
  }
}

/**
 * Closes the relay and starts it again on the same data directory. A crash cuts every
 * connection first (acks in flight are lost) and loses the commits not on disk yet (updates
 * the relay sent before they were durable); otherwise pending writes are made durable first.
 */
async function restartRelay(w: World, downMs: number, crash: boolean): Promise<void> {
  w.proxy.setUpstream(null);
  const lostBefore = w.disk.lostUpdates;
  if (crash) {
    // Crash while a commit is on its way to the disk, if one comes within half a second.
    for (let i = 0; i < 100 && w.disk.waiting === 0; i++) await sleep(5);
    w.proxy.killAll();
    w.disk.crash();
  }
  await w.relay.close();
  await w.disk.store.close();
  const lost = w.disk.lostUpdates - lostBefore;
  w.log.push(`relay ${crash ? `crash (${lost} update${lost === 1 ? '' : 's'} not on disk lost)` : 'restart'}, down ${downMs} ms`);
  await sleep(downMs);
  w.disk = await openCrashable(w.dataDir, w.delays);
  w.relay = await startTestRelay({ store: w.disk.store, relayId: w.proxy.relayId });
  w.proxy.setUpstream(w.relay.relayUrl);
}

// ---- settling and checking ----------------------------------------------------------------

const svHex = (d: Device) => toHex(Y.encodeStateVector(d.store.doc));

/** Why the devices have not settled yet, or null once they have: nothing waiting, every cursor at the relay's head, one state. */
async function unsettled(w: World, devices: readonly Device[]): Promise<string | null> {
  const head = (await w.relay.store.loadDoc(JOURNAL_ID)).head;
  for (const d of devices) {
    await d.provider.flush();
    const [pending, outbox] = [(await listPending(d.db, JOURNAL_KEY)).length, (await listOutbox(d.db, JOURNAL_KEY)).length];
    if (pending + outbox > 0) return `${d.name} has ${pending} pending and ${outbox} unacknowledged`;
    const cursor = d.provider.docSync(JOURNAL_ID)?.syncState.cursor;
    if (cursor !== head) return `${d.name}'s cursor is ${cursor}, the relay's head ${head}`;
    if (d.provider.status.getSnapshot().docs[JOURNAL_ID]?.catchingUp) return `${d.name} is catching up`;
  }
  const writers = devices.filter((d) => d.role === 'patient');
  const first = writers[0];
  const other = first && writers.find((d) => svHex(d) !== svHex(first));
  return first && other ? `diverged: ${other.name}'s state vector differs from ${first.name}'s; ${recordDiff(devices)}` : null;
}

/** Which records the devices disagree on (a few). */
function recordDiff(devices: readonly Device[]): string {
  const byDevice = devices.map((d) => new Map(allRecords(d.store).map((r) => [r.id, JSON.stringify(sortKeys(r))])));
  const ids = new Set(byDevice.flatMap((m) => [...m.keys()]));
  const differing = [...ids].filter((id) => new Set(byDevice.map((m) => m.get(id) ?? 'missing')).size > 1);
  const lines = differing.slice(0, 5).map((id) => `${id}: ${devices.map((d, i) => `${d.name} ${byDevice[i]?.has(id) ? (byDevice[i]?.get(id) === byDevice[0]?.get(id) ? 'same' : 'other value') : 'missing'}`).join(', ')}`);
  return `${differing.length} records differ${lines.length > 0 ? ` (${lines.join('; ')})` : ''}`;
}

/** Waits until the devices settle; fails early when they are caught up but hold different states. */
async function waitSettled(w: World, devices: readonly Device[], timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let divergedSince: number | null = null;
  let reason: string | null = 'not checked';
  while (Date.now() < end) {
    reason = await unsettled(w, devices);
    if (reason === null) return;
    if (!reason.startsWith('diverged')) divergedSince = null;
    else if (divergedSince === null) divergedSince = Date.now();
    else if (Date.now() - divergedSince > 3_000) throw new Error(`caught up (cursors at the relay head, outboxes empty) but not converged: ${reason}`);
    await sleep(25);
  }
  throw new Error(`the devices did not settle within ${timeoutMs} ms: ${reason}`);
}

async function derivedRows(db: PacelineDB): Promise<Record<string, unknown[]>> {
  const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort().map((s) => JSON.parse(s) as unknown);
  return { records: sorted(await db.records.toArray()), weeks: sorted(await db.weeks.toArray()), latestScores: sorted(await db.latestScores.toArray()) };
}

/** True when applying `update` to a copy of `doc` changes nothing: the doc already holds it. */
function holds(state: Uint8Array, updates: readonly Uint8Array[]): { ok: true } | { ok: false; index: number } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const before = toHex(Y.encodeStateAsUpdate(doc));
  for (let i = 0; i < updates.length; i++) {
    Y.applyUpdate(doc, updates[i] as Uint8Array);
    if (toHex(Y.encodeStateAsUpdate(doc)) !== before) {
      doc.destroy();
      return { ok: false, index: i };
    }
  }
  doc.destroy();
  return { ok: true };
}

/** The Yjs updates of every push the relay acknowledged, checked against what the relay stored. */
async function acknowledgedUpdates(w: World): Promise<{ updates: Uint8Array[]; labels: string[]; problems: string[] }> {
  const owner = w.devices[0] as Device;
  const material = (await exportDocKeys(owner.db, CIRCLE, ['journal'])).find((k) => k.epoch === 1);
  const key = material && (await importDocKey(material.material, JOURNAL_ID, 1));
  if (!key?.ok) throw new Error('no journal key');
  const problems: string[] = [];
  const updates: Uint8Array[] = [];
  const labels: string[] = [];
  const seen = new Map<string, number>();
  for (const ack of w.acks) {
    const id = `${ack.pk.slice(0, 8)}:${ack.devSeq}`;
    const earlier = seen.get(`${ack.pk}:${ack.devSeq}`);
    if (earlier !== undefined) {
      if (earlier !== ack.seq) problems.push(`devSeq ${id} was acknowledged as seq ${earlier} and as seq ${ack.seq}`);
      continue;
    }
    seen.set(`${ack.pk}:${ack.devSeq}`, ack.seq);
    const pk = Uint8Array.from(Buffer.from(ack.pk, 'hex'));
    const stored = await w.relay.store.findUpdate(JOURNAL_ID, pk, ack.devSeq);
    if (!stored) {
      problems.push(`acknowledged push ${id} (seq ${ack.seq}) is not on the relay`);
      continue;
    }
    if (stored.seq !== ack.seq) problems.push(`acknowledged push ${id} was acked as seq ${ack.seq} but is stored as seq ${stored.seq}`);
    let envelope: SealedEnvelope | undefined;
    for (const candidate of w.pushes.get(`${ack.pk}:${ack.devSeq}`) ?? []) {
      if (toHex(await envelopeHash(candidate)) === toHex(stored.hash)) envelope = candidate;
    }
    if (!envelope) {
      problems.push(`no push seen with the hash the relay stored for ${id}`);
      continue;
    }
    const opened = await openEnvelope(envelope, key.value);
    if (!opened.ok) {
      problems.push(`acknowledged push ${id} does not open: ${opened.error.code}`);
      continue;
    }
    updates.push(opened.value);
    labels.push(`${id} (seq ${ack.seq})`);
  }
  return { updates, labels, problems };
}

function describeWorld(w: World, stats: ProxyStats): Promise<string> {
  return (async () => {
    const lines = [`seed ${w.seed}: ${w.devices.length} devices, snapshotEvery ${w.snapshotEvery}`, `proxy ${JSON.stringify(stats)}`];
    try {
      const head = await w.relay.store.loadDoc(JOURNAL_ID);
      lines.push(`relay head ${head.head}, snapshot ${head.snapshot?.coversSeq ?? '-'} (confirmed ${head.snapshot?.confirmedAt != null}), pruned through ${head.prunedThrough}`);
    } catch (e) {
      lines.push(`relay not readable: ${String(e)}`);
    }
    for (const d of w.devices) {
      const sync = d.provider.docSync(JOURNAL_ID);
      const status = d.provider.status.getSnapshot();
      let outbox = '?';
      let pending = '?';
      let relayDevSeq = '?';
      try {
        outbox = (await listOutbox(d.db, JOURNAL_KEY)).map((e) => e.devSeq).join(',');
        pending = String((await listPending(d.db, JOURNAL_KEY)).length);
        relayDevSeq = String((await w.relay.store.loadDevice(JOURNAL_ID, d.keys.publicKey)).lastDevSeq);
      } catch {
        // A closed database: leave the question marks.
      }
      lines.push(
        `${d.name} (${d.role}): cursor ${sync?.syncState.cursor}, nextDevSeq ${sync?.syncState.nextDevSeq}, relay lastDevSeq ${relayDevSeq}, outbox [${outbox}], pending ${pending}, ` +
          `connection ${JSON.stringify(status.connection)}, doc ${JSON.stringify(status.docs[JOURNAL_ID])}, records ${allRecords(d.store).length}, issues ${JSON.stringify(d.issues.slice(-8))}`,
      );
    }
    lines.push(`events: ${w.log.slice(-30).join('; ')}`);
    return lines.join('\n');
  })();
}

// ---- one run ---------------------------------------------------------------------------

/** A seed's network: usually bad, sometimes a storm (many drops, long stalls, old frames arriving very late). */
function ratesFor(rng: Rng, storm: boolean): FaultRates {
  if (storm) {
    return {
      latencyMs: [0, 50],
      drop: 0.03 + rng.float() * 0.07,
      duplicate: 0.2 + rng.float() * 0.3,
      stall: 0.2 + rng.float() * 0.2,
      stallMs: [50, 800],
      cut: 0.3 + rng.float() * 0.4,
      cutAfterMs: [20, 400],
      linger: 0.9,
      lingerMs: [50, 1_500],
    };
  }
  return {
    latencyMs: [0, 20],
    drop: 0.005 + rng.float() * 0.025,
    duplicate: 0.05 + rng.float() * 0.15,
    stall: 0.05 + rng.float() * 0.2,
    stallMs: [10, 250],
    cut: 0.2 + rng.float() * 0.4,
    cutAfterMs: [20, 600],
    linger: 0.7,
    lingerMs: [50, 600],
  };
}

async function runSeed(seed: number, ops = DEFAULT_OPS): Promise<void> {
  const rng = new Rng(seed);
  const temp = tempDir('paceline-fuzz-');
  const acks: World['acks'] = [];
  const pushes: World['pushes'] = new Map();
  const proxy = await FaultProxy.start({
    seed,
    onFrame: ({ direction, msg, devicePk }) => {
      if (direction === 'up' && msg.type === 'push' && msg.envelope.header.type === 'update' && msg.envelope.header.docId === JOURNAL_ID) {
        const key = `${toHex(msg.envelope.header.devicePk)}:${msg.envelope.header.devSeq}`;
        const list = pushes.get(key) ?? [];
        list.push(msg.envelope);
        pushes.set(key, list);
      }
      if (direction === 'down' && msg.type === 'ack' && msg.docId === JOURNAL_ID && devicePk) acks.push({ pk: toHex(devicePk), devSeq: msg.devSeq, seq: msg.seq });
    },
  });
  const delays = new Rng(seed * 7919 + 1);
  const disk = await openCrashable(temp.dir, delays);
  const relay = await startTestRelay({ store: disk.store, relayId: proxy.relayId });
  proxy.setUpstream(relay.relayUrl);
  const storm = rng.chance(1 / 3);
  const w: World = { seed, rng, proxy, relay, disk, delays, dataDir: temp.dir, snapshotEvery: storm ? rng.int(1, 4) : rng.int(3, 12), devices: [], writes: new Map(), acks, pushes, clock: FIRST_DAY, log: [] };
  let restarting: Promise<void> = Promise.resolve();
  try {
    try {
      await setUp(w, 3 + rng.int(0, 1));
      const rates = ratesFor(rng, storm);
      // Half the seeds start the faults only once every device holds the membership that names it.
      const calmStart = rng.chance(0.5);
      if (!calmStart) proxy.setRates(rates);
      for (const d of w.devices) d.provider.start();
      if (calmStart) {
        await waitSettled(w, w.devices, 15_000);
        proxy.setRates(rates);
      }
      w.log.push(`${storm ? 'storm' : 'faults'} ${calmStart ? 'after a calm start' : 'from the start'}`);

      const restarts = new Set(Array.from({ length: rng.int(1, 3) }, () => rng.int(3, ops - 3)));
      // Some seeds add a patient device in the middle of the storm.
      const joinAt = rng.chance(0.5) ? rng.int(5, ops - 10) : -1;
      for (let i = 0; i < ops; i++) {
        if (restarts.has(i)) {
          const [downMs, crash] = [rng.int(0, 250), rng.chance(0.5)];
          restarting = restarting.then(() => restartRelay(w, downMs, crash));
        }
        if (i === joinAt) {
          const joiner = await addDevice(w, w.devices.length, 'patient');
          w.devices.push(joiner);
          joiner.provider.start();
          w.log.push(`${joiner.name} joins`);
        }
        const d = rng.pick(w.devices);
        await step(w, d, pickAction(rng));
        await sleep(rng.int(0, 30));
      }

      // Heal: the relay up, no faults, everyone online; then everything must settle.
      await restarting;
      for (const d of w.devices) {
        if (d.offlineTimer) clearTimeout(d.offlineTimer);
        d.offlineTimer = null;
      }
      proxy.heal();
      w.log.push(`healed after ${acks.length} acks`);
      await waitSettled(w, w.devices, 15_000);

      // A clinician joins now and reads everything from the relay (snapshot and updates).
      const observer = await addDevice(w, w.devices.length, 'clinician');
      w.devices.push(observer);
      observer.provider.start();
      await waitSettled(w, w.devices, 15_000);

      const writers = w.devices.filter((d) => d.role === 'patient');
      const first = writers[0] as Device;
      // Identical documents, records and derived rows everywhere.
      for (const d of writers) expect(svHex(d), `${d.name}'s state vector`).toBe(svHex(first));
      const records = allRecords(first.store);
      const rows = await derivedRows(first.db);
      for (const d of w.devices) {
        expect(allRecords(d.store), `${d.name}'s records`).toEqual(records);
        expect(await derivedRows(d.db), `${d.name}'s derived rows`).toEqual(rows);
        expect(d.store.problems(), `${d.name}'s unreadable values`).toEqual(first.store.problems());
      }
      // Nothing written is lost: every record is there, with a value someone wrote.
      const finalById = new Map(records.map((r) => [r.id, r]));
      for (const [id, list] of w.writes) {
        const final = finalById.get(id);
        expect(final, `record ${id}`).toBeDefined();
        const matches = list.some((write) => JSON.stringify(sortKeys(write.value)) === JSON.stringify(sortKeys(final)));
        expect(matches, `record ${id} holds a value that some device wrote`).toBe(true);
        if (new Set(list.map((x) => x.device)).size === 1) expect(final, `record ${id}, written by one device only, holds its last write`).toEqual(list.at(-1)?.value);
      }
      // Every acknowledged push is stored as acknowledged and held by every device.
      const acked = await acknowledgedUpdates(w);
      expect(acked.problems.join('\n'), 'acknowledged pushes').toBe('');
      expect(acked.updates.length).toBeGreaterThan(0);
      for (const d of [first, observer]) {
        const held = holds(Y.encodeStateAsUpdate(d.store.doc), acked.updates);
        expect(held.ok ? 'all held' : `missing ${acked.labels[held.index]}`, `${d.name} holds every acknowledged push`).toBe('all held');
      }
      // The relay and the devices agree on every devSeq; nothing was refused or withheld.
      for (const d of writers) {
        const counters = await w.relay.store.loadDevice(JOURNAL_ID, d.keys.publicKey);
        expect(counters.lastDevSeq, `${d.name}'s devSeq on the relay`).toBe((d.provider.docSync(JOURNAL_ID)?.syncState.nextDevSeq ?? 0) - 1);
      }
      for (const d of w.devices) {
        expect(JSON.stringify(d.issues.filter((i) => BAD_ISSUES.has(i.code))), `${d.name}'s issues`).toBe('[]');
        expect(d.provider.status.getSnapshot().docs[JOURNAL_ID]?.rejected, `${d.name}'s rejected envelopes`).toBe(0);
      }
      const closes = { ...proxy.stats.upstreamCloses, ...proxy.stats.clientCloses };
      expect(BAD_CLOSES.filter((reason) => (proxy.stats.upstreamCloses[reason] ?? 0) + (proxy.stats.clientCloses[reason] ?? 0) > 0), JSON.stringify(closes)).toEqual([]);
      // The proxy did its job (a pass-through proxy would make all of the above trivial).
      const s = proxy.stats;
      expect(s.dropped + s.stalled + s.duplicated + s.cuts + s.refused, 'faults injected').toBeGreaterThan(0);
      if (process.env['FUZZ_VERBOSE']) console.log(await describeWorld(w, proxy.stats));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const detail = await describeWorld(w, proxy.stats);
      const wrapped = new Error(`FUZZ seed ${seed} failed (rerun: FUZZ_SEED=${seed} npx vitest run --project unit tests/fuzz): ${message}\n${detail}`);
      if (err instanceof Error && err.stack) wrapped.stack = `${wrapped.message}\n${err.stack}`;
      console.error(wrapped.message);
      throw wrapped;
    }
  } finally {
    for (const d of w.devices) if (d.offlineTimer) clearTimeout(d.offlineTimer);
    await restarting.catch(() => undefined);
    for (const d of w.devices) await closeDevice(d).catch(() => undefined);
    await proxy.close();
    await w.relay.close();
    await w.disk.store.close();
    temp.remove();
  }
}

/** A record with its keys sorted, to compare values that may list fields in another order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]));
  return value;
}

// ---- the tests ---------------------------------------------------------------------------

const timeout = (ops = DEFAULT_OPS) => 60_000 + ops * 500;

describe('sync convergence under network faults and relay restarts (seeded fuzz)', () => {
  const fromEnv = envSeeds();
  if (fromEnv) {
    for (const seed of fromEnv) it(`seed ${seed}`, () => runSeed(seed), timeout());
    return;
  }
  for (const { seed, ops, title } of REGRESSIONS) it(`seed ${seed}: ${title}`, () => runSeed(seed, ops ?? DEFAULT_OPS), timeout(ops));
  for (const seed of DEFAULT_SEEDS) it(`seed ${seed}`, () => runSeed(seed), timeout());
});
