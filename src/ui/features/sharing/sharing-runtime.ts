/**
 * Sharing on this device, loaded only once there is a network (it brings the sync client,
 * crypto and Yjs): the device identity, the patient's circle, the relay provider for the
 * journal, making a link for another device and joining through one.
 */
import { prefixRange, type PacelineDB } from '../../../storage/db';
import type { JournalStore } from '../../../storage/journal-store';
import { openJournalStore } from '../../../storage/journal-store';
import { SYNC_ROW_VERSION } from '../../../storage/sync-rows';
import { getMembership } from '../../../storage/key-store';
import { addMember, createCircle, exportDocKeys, joinCircle, loadOrCreateDeviceKeys, shareDocuments } from '../../../sync/identity';
import { RelayProvider } from '../../../sync/relay-provider';
import { startLiveSync, type LiveSync } from '../../../sync/webrtc';
import { docIdOfDoc } from '../../../sync/sync-ids';
import { generateDeviceKeys } from '../../../sync/crypto';
import type { SyncStatusSource } from '../../../sync/sync-status';
import { RECORD_KINDS, type JournalRecord } from '../../../domain/records';
import { decodeDeviceLink, encodeDeviceLink, type DeviceLink } from './device-link';

export interface SharingRuntime {
  status: SyncStatusSource;
  /** This device's public key (to mark it in the device list). */
  devicePk: Uint8Array;
  /** A fragment for /link that makes another device a patient device of this circle. */
  makeDeviceLink(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts sharing the journal of `circleId` through the relay at this origin. */
export async function startSharing(db: PacelineDB, circleId: string, journal: () => Promise<JournalStore>): Promise<SharingRuntime> {
  const device = await loadOrCreateDeviceKeys(db);
  // The patient's first device founds the circle; a linked device already holds its membership.
  if (!(await getMembership(db, circleId))) {
    const created = await createCircle(db, device, circleId);
    if (!created.ok && created.error !== 'exists') throw new Error(`circle could not be created: ${created.error}`);
  }
  await shareDocuments(db, circleId, ['journal']);
  const provider = new RelayProvider({ db, relayUrl: location.origin, device });
  const store = await journal();
  const added = await provider.addDoc(store);
  if (!added.ok) throw new Error(`journal could not be shared: ${added.error}`);
  provider.start();
  const live = startLiveWhenKeyed(provider, store, docIdOfDoc(circleId, 'journal'));
  return {
    status: provider.status,
    devicePk: device.publicKey,
    async makeDeviceLink() {
      // The new device's key is made here so one link is enough (it works offline too); it is
      // exported once into the link and never stored on this device.
      const keys = await generateDeviceKeys({ wrappable: true });
      const added = await addMember(db, circleId, { devicePk: keys.publicKey, role: 'patient' });
      if (!added.ok) throw new Error(`device could not be added: ${added.error}`);
      await provider.refreshCircle(circleId);
      const row = await getMembership(db, circleId);
      if (!row) throw new Error('membership vanished');
      const sk = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
      const link: DeviceLink = { circleId, ownerPk: row.ownerPk, devicePk: keys.publicKey, deviceSk: sk, keys: await exportDocKeys(db, circleId) };
      return encodeDeviceLink(link);
    },
    async stop() {
      live.stop();
      await provider.stop();
    },
  };
}

/**
 * Live peer-to-peer sync of the journal (y-webrtc through the relay's signaling) as soon as
 * this device holds the current document key: at once on the founding device, after the
 * membership arrives on a linked one. Peers on the same network then see changes without
 * the relay; every change still goes through the relay from the device that made it.
 */
function startLiveWhenKeyed(provider: RelayProvider, store: JournalStore, docId: ReturnType<typeof docIdOfDoc>): { stop(): void } {
  let live: LiveSync | undefined;
  let epoch: number | undefined;
  let busy = false;
  let stopped = false;
  const attempt = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const key = await provider.currentDocKey(docId);
      // A new key epoch (a member was removed) means a new room: leave the old one.
      if (!key || key.epoch === epoch) return;
      live?.stop();
      const started = await startLiveSync({ relayUrl: location.origin, store, docId, docKey: key });
      if (stopped) { started.stop(); return; }
      live = started;
      epoch = key.epoch;
    } catch (e) {
      console.error('live sync failed to start', e);
    } finally {
      busy = false;
    }
  };
  const unsubscribe = provider.status.subscribe(() => void attempt());
  void attempt();
  return {
    stop() {
      stopped = true;
      unsubscribe();
      live?.stop();
    },
  };
}

export type JoinOutcome = { ok: true; merged: number } | { ok: false; error: 'bad-link' | 'same-circle' | 'failed' };

/** Reads a link fragment; null when it is not a valid device link. */
export function readDeviceLink(fragment: string): DeviceLink | null {
  return decodeDeviceLink(fragment);
}

/**
 * Makes this device a patient device of the linked circle: its signing key, the pinned owner
 * key and document keys, sharing on, this device's own entries merged into the linked
 * journal, and the profile pointed at the new circle (the app reloads after this).
 */
export async function joinWithLink(db: PacelineDB, currentCircleId: string, link: DeviceLink): Promise<JoinOutcome> {
  if (link.circleId === currentCircleId) return { ok: false, error: 'same-circle' };
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey('pkcs8', link.deviceSk.slice(), { name: 'Ed25519' }, false, ['sign']);
  } catch {
    return { ok: false, error: 'bad-link' };
  }
  const joined = await joinCircle(db, { circleId: link.circleId, ownerPk: link.ownerPk, keys: link.keys });
  if (!joined.ok) return { ok: false, error: joined.error === 'invalid-circle-id' || joined.error === 'weak-key' ? 'bad-link' : 'failed' };
  // Entries made on this device before linking go into the linked journal (newer edits win on both sides).
  const [own, linked] = await Promise.all([openJournalStore(db, currentCircleId), openJournalStore(db, link.circleId)]);
  let merged = 0;
  try {
    const records: JournalRecord[] = RECORD_KINDS.flatMap((kind) => own.all(kind, { includeDeleted: true }));
    if (records.length > 0) {
      const imported = await linked.importRecords(records);
      if (!imported.ok) return { ok: false, error: 'failed' };
      merged = records.length;
    }
  } finally {
    await Promise.all([own.close(), linked.close()]);
  }
  await shareDocuments(db, link.circleId, ['journal']);
  await db.transaction('rw', db.deviceKeys, db.profile, async () => {
    await db.deviceKeys.put({ id: 'device', publicKey: link.devicePk.slice(), privateKey, createdAt: Date.now(), schemaVersion: SYNC_ROW_VERSION });
    const profile = await db.profile.get('device');
    if (profile) await db.profile.put({ ...profile, circleId: link.circleId });
  });
  return { ok: true, merged };
}

/** How many entries this device holds in its own circle (shown before linking). */
export async function countOwnEntries(db: PacelineDB, circleId: string): Promise<number> {
  return db.records.where('[circleId+kind+at]').between(...prefixRange(circleId)).count();
}
