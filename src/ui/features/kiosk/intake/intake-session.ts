/**
 * One waiting-room visit on a clinic tablet (loaded only when a visit starts): a database of
 * its own, the questionnaire link accepted into it, and a relay provider for the only two
 * documents the link's role may write, the patient's journal (new answers only) and alerts.
 * The tablet reads nothing of the patient's: the relay gives an intake subscription no
 * content, so the journal here holds this visit's answers and nothing else. Once the relay
 * has acknowledged every change the database is deleted.
 */
import type { AppData, KioskSession } from '../../../app-data';
import { PacelineDB } from '../../../../storage/db';
import { openCircleDocs, type CircleDocs } from '../../../../storage/circle-docs';
import { openJournalStore, type JournalStore } from '../../../../storage/journal-store';
import { setSetting, type Settings } from '../../../../storage/profile';
import { countWaiting, getSyncDoc } from '../../../../storage/sync-store';
import { deleteIntakeDb, isIntakeDbName, newIntakeDbName } from '../../../../storage/intake-dbs';
import { loadOrCreateBoxKeys, loadOrCreateDeviceKeys, shareDocuments } from '../../../../sync/identity';
import { acceptInvitation, toBase64Url, type AcceptError, type Invitation } from '../../../../sync/invitations';
import type { ClaimOutcome } from '../../../../sync/invite-claim';
import { RelayProvider, type RelayProviderOptions } from '../../../../sync/relay-provider';
import { raiseAlerts } from '../../alerts/alert-raiser';

/** The documents a visit writes (WRITE_RIGHTS: journal and alerts, limited, for 'intake'). */
const VISIT_DOCS = ['journal', 'alerts'] as const;

export type VisitClaim = { state: 'waiting' } | { state: 'ok' } | { state: 'refused'; reason: 'used' | 'expired' | 'invalid' } | { state: 'inviter-offline' };

export interface IntakeVisit {
  readonly name: string;
  readonly circleId: string;
  /** What the questionnaires and the crisis panel read and write (this visit's database only). */
  readonly data: AppData;
  claim(): VisitClaim;
  /** Changes the relay has not acknowledged yet (answers and alerts). */
  waiting(): Promise<number>;
  /** Where the answers stand: all on the relay, never deliverable (the link was refused), or on their way. */
  delivery(): Promise<'sent' | 'refused' | 'pending'>;
  /** Called after every change of connection, claim or acknowledgement. */
  onChange(listener: () => void): () => void;
  /** Runs the red-flag rules over this visit's answers now (a PHQ-9 item 9 alert goes out at once). */
  raiseAlertsNow(): Promise<number>;
  /** Seals what is pending now instead of after the batching window. */
  flush(): Promise<void>;
  /** Disconnects and closes the database (kept on the device). */
  close(): Promise<void>;
  /** Disconnects and deletes the database. */
  wipe(): Promise<void>;
}

export type StartError = AcceptError | 'not-intake' | 'failed';

/** Where the relay is: the app's own origin, unless a test says otherwise. */
export interface VisitEnv {
  relayUrl: string;
  WebSocket?: RelayProviderOptions['WebSocket'];
}
const appEnv = (): VisitEnv => ({ relayUrl: location.origin });

function claimOf(outcome: ClaimOutcome): VisitClaim {
  if (outcome.ok) return { state: 'ok' };
  switch (outcome.error) {
    case 'invite-used': return { state: 'refused', reason: 'used' };
    case 'invite-expired': return { state: 'refused', reason: 'expired' };
    case 'waiting-for-inviter': return { state: 'inviter-offline' };
    case 'storage-failed': return { state: 'waiting' };
    default: return { state: 'refused', reason: 'invalid' };
  }
}

async function openVisit(db: PacelineDB, circleId: string, kiosk: KioskSession, env: VisitEnv): Promise<IntakeVisit> {
  const [device, box] = await Promise.all([loadOrCreateDeviceKeys(db), loadOrCreateBoxKeys(db)]);
  const journal: JournalStore = await openJournalStore(db, circleId);
  const docs: CircleDocs = await openCircleDocs(db, circleId, 'patient');
  const alerts = docs.alerts;
  if (!alerts) throw new Error('no alerts document');
  const listeners = new Set<() => void>();
  const notify = () => { for (const l of listeners) l(); };
  // A claim made before a reload is not reported again: its row is gone once it went through.
  let claim: VisitClaim = (await db.inviteClaims.count()) === 0 ? { state: 'ok' } : { state: 'waiting' };
  const provider = new RelayProvider({
    db, relayUrl: env.relayUrl, device, box, singleTab: false, ...(env.WebSocket ? { WebSocket: env.WebSocket } : {}),
    onClaim: (_circle, outcome) => { claim = claimOf(outcome); notify(); },
  });
  for (const store of [journal, alerts]) {
    const added = await provider.addDoc(store);
    if (!added.ok) throw new Error(`visit document not added: ${added.error}`);
  }
  const unsubscribe = provider.status.subscribe(notify);
  provider.start();
  const me = toBase64Url(device.publicKey);
  const waiting = async (): Promise<number> => {
    let total = 0;
    for (const docClass of VISIT_DOCS) {
      const docKey = `${circleId}/${docClass}`;
      if (!(await getSyncDoc(db, docKey))) continue;
      const { pending, unacked } = await countWaiting(db, docKey);
      total += pending + unacked;
    }
    return total;
  };
  const data: AppData = {
    db,
    circleId,
    role: 'patient',
    journal: () => Promise.resolve(journal),
    journalOf: () => Promise.resolve(journal),
    circleDocs: () => Promise.resolve(docs),
    me: () => Promise.resolve(me),
    kiosk,
  };
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      unsubscribe();
      listeners.clear();
      await provider.stop();
      await Promise.all([journal.close(), docs.close()]);
      // A late read (a live query, a frame being stored) must not reopen it under the delete.
      db.close({ disableAutoOpen: true });
    })();
    return closed;
  };
  return {
    name: db.name,
    circleId,
    data,
    claim: () => claim,
    waiting,
    async delivery() {
      if (claim.state === 'refused') return 'refused';
      // A read racing a close (the visit ended meanwhile) fails: still on its way, as far as we know.
      const left = await waiting().catch(() => -1);
      return left === 0 && claim.state === 'ok' ? 'sent' : 'pending';
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    raiseAlertsNow: () => raiseAlerts(journal, alerts, me),
    flush: () => provider.flush(),
    close,
    async wipe() {
      await close();
      await deleteIntakeDb(db.name);
    },
  };
}

/**
 * Starts a visit from a questionnaire link: a new database, the link accepted into it, the
 * crisis lines of the kiosk's region. Refuses links of any other role and expired ones.
 */
export async function startVisit(
  invitation: Invitation,
  kiosk: KioskSession,
  name: string = newIntakeDbName(),
  now: Date = new Date(),
  env: VisitEnv = appEnv(),
): Promise<{ ok: true; visit: IntakeVisit } | { ok: false; error: StartError }> {
  if (invitation.role !== 'intake') return { ok: false, error: 'not-intake' };
  if (now.getTime() > invitation.claimBy) return { ok: false, error: 'expired' };
  if (!isIntakeDbName(name)) return { ok: false, error: 'failed' };
  const db = new PacelineDB(name);
  try {
    await setSetting(db, 'region', kiosk.settings.region as Settings['region']);
    await Promise.all([loadOrCreateDeviceKeys(db), loadOrCreateBoxKeys(db)]);
    const accepted = await acceptInvitation(db, invitation, now.getTime());
    if (!accepted.ok) {
      db.close();
      await deleteIntakeDb(db.name);
      return accepted;
    }
    await shareDocuments(db, invitation.circleId, VISIT_DOCS, now.getTime());
    return { ok: true, visit: await openVisit(db, invitation.circleId, kiosk, env) };
  } catch (e) {
    console.error('visit could not start', e);
    db.close();
    await deleteIntakeDb(db.name).catch(() => undefined);
    return { ok: false, error: 'failed' };
  }
}

/** Reopens a visit left behind (the page was closed before its answers were on the relay). */
export async function resumeVisit(name: string, kiosk: KioskSession, env: VisitEnv = appEnv()): Promise<IntakeVisit | null> {
  const db = new PacelineDB(name);
  const membership = await db.memberships.toCollection().first();
  if (!membership) {
    // Nothing was accepted into it: there is nothing to send.
    db.close();
    await deleteIntakeDb(name);
    return null;
  }
  return openVisit(db, membership.circleId, kiosk, env);
}

export type LeftoverOutcome = 'sent' | 'waiting' | 'refused';

/**
 * Sends what a visit left behind and deletes it once the relay has it all; gives up for now
 * after `timeoutMs` (offline) and keeps it. A visit whose link the relay refuses is kept too:
 * its answers cannot be delivered, and they are not thrown away unseen.
 */
export async function sendLeftover(name: string, kiosk: KioskSession, timeoutMs = 60_000, env: VisitEnv = appEnv()): Promise<LeftoverOutcome> {
  const visit = await resumeVisit(name, kiosk, env);
  if (!visit) return 'sent';
  return new Promise<LeftoverOutcome>((resolve) => {
    let done = false;
    const finish = async (outcome: LeftoverOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      off();
      try {
        await (outcome === 'sent' ? visit.wipe() : visit.close());
      } finally {
        resolve(outcome);
      }
    };
    const check = async () => {
      if (done) return;
      const delivery = await visit.delivery();
      if (delivery !== 'pending') await finish(delivery);
    };
    const off = visit.onChange(() => void check());
    const timer = setTimeout(() => void finish('waiting'), timeoutMs);
    void visit.flush().then(check);
  });
}
