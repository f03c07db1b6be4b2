/**
 * Sharing on this device, loaded only once there is a network (it brings the sync client,
 * crypto and Yjs): the device identity, the circles this device belongs to, and one relay
 * provider for every shared document of theirs that this device holds a key for. Keys that
 * arrive later (the patient shares the journal with a caregiver, a key rotation) add their
 * documents as they come. The device holding a circle's owner key also names members who
 * joined by invitation in the circle document.
 */
import type { PacelineDB } from '../../../storage/db';
import type { JournalStore } from '../../../storage/journal-store';
import type { CircleDocs } from '../../../storage/circle-docs';
import type { CircleRole } from '../../../storage/circle-rows';
import { getMembership, listDocKeys } from '../../../storage/key-store';
import { createMemberProfile } from '../../../domain/circle';
import { createCircle, loadOrCreateBoxKeys, loadOrCreateDeviceKeys, shareDocuments } from '../../../sync/identity';
import { holdsOwnerKey, listCircleMembers, toMemberRef } from '../../../sync/circle-members';
import type { ClaimOutcome } from '../../../sync/invite-claim';
import { RelayProvider } from '../../../sync/relay-provider';
import { startLiveSync, type LiveSync } from '../../../sync/webrtc';
import { docIdOfDoc } from '../../../sync/sync-ids';
import { DOC_CLASSES, type DocClass } from '../../../sync/protocol';
import type { SyncableDoc } from '../../../storage/syncable';
import type { SyncStatusSource } from '../../../sync/sync-status';

export interface SharingRuntime {
  status: SyncStatusSource;
  /** This device's public key (to mark it in the device list). */
  devicePk: Uint8Array;
  /** Publishes a membership change signed here and starts syncing any circle or document new to the runtime. */
  publish(circleId: string): Promise<void>;
  /** The outcome of claiming an invitation accepted on this device, once known. */
  claimOutcome(circleId: string): ClaimOutcome | undefined;
  onClaim(listener: () => void): () => void;
  stop(): Promise<void>;
}

export interface SharingDeps {
  db: PacelineDB;
  circleId: string;
  role: CircleRole;
  journalOf: (circleId: string) => Promise<JournalStore>;
  circleDocs: (circleId?: string) => Promise<CircleDocs>;
}

/** The circles this device syncs: its own, or every circle a clinician works in. */
async function circlesOf(deps: SharingDeps): Promise<string[]> {
  if (deps.role !== 'clinician') return [deps.circleId];
  const rows = await deps.db.circles.toArray();
  return rows.map((r) => r.circleId);
}

/** Starts sharing through the relay at this origin. */
export async function startSharing(deps: SharingDeps): Promise<SharingRuntime> {
  const { db } = deps;
  const [device, box] = await Promise.all([loadOrCreateDeviceKeys(db), loadOrCreateBoxKeys(db)]);
  // A patient's first device founds the circle; any other device joined one by invitation.
  if (deps.role === 'patient' && !(await getMembership(db, deps.circleId))) {
    const created = await createCircle(db, device, deps.circleId);
    if (!created.ok && created.error !== 'exists') throw new Error(`circle could not be created: ${created.error}`);
  }
  const claims = new Map<string, ClaimOutcome>();
  const claimListeners = new Set<() => void>();
  const provider = new RelayProvider({
    db, relayUrl: location.origin, device, box,
    onClaim: (circleId, outcome) => {
      claims.set(circleId, outcome);
      for (const l of claimListeners) l();
      if (outcome.ok) void sync(circleId);
    },
  });
  const added = new Set<string>();
  const lives: Array<{ stop(): void }> = [];
  let stopped = false;

  /** Adds every document of a circle this device holds a key for (once each). */
  async function sync(circleId: string): Promise<void> {
    if (stopped || !(await getMembership(db, circleId))) return;
    const held: DocClass[] = [];
    for (const docClass of DOC_CLASSES) if ((await listDocKeys(db, `${circleId}/${docClass}`)).length > 0) held.push(docClass);
    const fresh = held.filter((c) => !added.has(`${circleId}/${c}`));
    if (fresh.length === 0) return;
    await shareDocuments(db, circleId, fresh);
    const docs = fresh.some((c) => c !== 'journal') ? await deps.circleDocs(circleId) : null;
    for (const docClass of fresh) {
      const store: SyncableDoc | null = docClass === 'journal' ? await deps.journalOf(circleId) : docs?.[docClass] ?? null;
      if (!store) continue;
      const result = await provider.addDoc(store);
      if (!result.ok) continue;
      added.add(`${circleId}/${docClass}`);
      if (docClass === 'journal' && deps.role !== 'clinician') lives.push(startLiveWhenKeyed(provider, store as JournalStore, docIdOfDoc(circleId, 'journal')));
    }
  }

  /** A clinician's panel row of a circle follows its documents (the documents sync here, the panel reads the row). */
  const watched = new Map<string, () => void>();
  async function watchSummary(circleId: string): Promise<void> {
    if (deps.role !== 'clinician' || watched.has(circleId) || !added.has(`${circleId}/circle`)) return;
    const [m, docs, journal] = await Promise.all([import('../../../storage/circle-summary'), deps.circleDocs(circleId), deps.journalOf(circleId)]);
    if (watched.has(circleId) || stopped) return;
    watched.set(circleId, m.watchCircleSummary(db, circleId, docs, journal, { delayMs: 500, onError: (e) => console.error('panel summary failed', e) }));
    await m.refreshCircleSummary(db, circleId, { docs });
  }

  /**
   * A clinician who set a circle up holds its owner key only until the patient has joined
   * with it (the invitation handed it over): then the patient alone decides who is in.
   */
  async function handOver(circleId: string): Promise<void> {
    if (deps.role !== 'clinician' || !(await holdsOwnerKey(db, circleId))) return;
    const members = await listCircleMembers(db, circleId);
    if (members?.members.some((m) => m.role === 'patient' && !m.pending && m.invitePk !== null)) await db.ownerKeys.delete(circleId);
  }

  /** The owner's device names members who joined by invitation (a caregiver may not write the circle document). */
  async function nameJoined(circleId: string): Promise<void> {
    if (stopped || !(await holdsOwnerKey(db, circleId))) return;
    const [members, docs] = await Promise.all([listCircleMembers(db, circleId), deps.circleDocs(circleId)]);
    if (!members) return;
    const me = toMemberRef(device.publicKey);
    const invitations = docs.circle.all('invitation');
    for (const m of members.members) {
      // Patients and clinicians name themselves when they join; a second profile written here
      // for the same key would race theirs (one whole record wins), so only caregivers are named here.
      if (m.pending || !m.invitePk || m.role !== 'caregiver' || docs.circle.get('member', m.id)) continue;
      const inv = invitations.find((i) => i.kind === 'invitation' && i.invitePk === m.invitePk);
      if (!inv || inv.kind !== 'invitation') continue;
      const profile = createMemberProfile({ id: m.id, name: inv.name, role: m.role }, me, new Date());
      if (profile.ok) await docs.circle.put(profile.value);
    }
  }

  for (const circleId of await circlesOf(deps)) await sync(circleId);
  provider.start();
  // Keys and members change with membership versions: re-check when the status moves.
  let checking = false;
  let again = false;
  const recheck = async () => {
    if (checking) { again = true; return; }
    checking = true;
    try {
      do {
        again = false;
        for (const circleId of await circlesOf(deps)) {
          await sync(circleId);
          await nameJoined(circleId);
          await handOver(circleId);
          await watchSummary(circleId);
        }
      } while (again && !stopped);
    } catch (e) {
      console.error('sharing re-check failed', e);
    } finally {
      checking = false;
    }
  };
  let lastVersions = '';
  const unsubscribe = provider.status.subscribe(() => {
    const circles = provider.status.getSnapshot().circles;
    const versions = Object.entries(circles).map(([id, c]) => `${id}:${c.membershipVersion}:${c.devices.length}`).join(',');
    if (versions === lastVersions) return;
    lastVersions = versions;
    void recheck();
  });
  void recheck();

  return {
    status: provider.status,
    devicePk: device.publicKey,
    async publish(circleId) {
      await sync(circleId);
      await provider.refreshCircle(circleId);
      void recheck();
    },
    claimOutcome: (circleId) => claims.get(circleId),
    onClaim(listener) {
      claimListeners.add(listener);
      return () => claimListeners.delete(listener);
    },
    async stop() {
      stopped = true;
      unsubscribe();
      for (const l of lives) l.stop();
      for (const stop of watched.values()) stop();
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
