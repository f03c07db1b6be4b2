import { createContext, useContext, type JSX } from 'solid-js';
import type { CircleRole } from '../storage/circle-rows';
import type { CircleDocs } from '../storage/circle-docs';
import type { PacelineDB } from '../storage/db';
import type { JournalStore } from '../storage/journal-store';

/** A clinic tablet lent to a patient (features/kiosk): how it locks, and whether staff opened it. */
export interface KioskSession {
  /** Staff opened it with the staff passphrase, for the hand-back. */
  staff: boolean;
  settings: { idleMinutes: number; clinicName: string; region: string };
  /** Locks at once (the page reloads into the lock screen). */
  lock(): void;
}

/** What every feature needs: the local database, the circle, this device's role, and lazy stores. */
export interface AppData {
  db: PacelineDB;
  /** The circle this device works in (a clinician's patient views name theirs in the route). */
  circleId: string;
  /** Who uses this device: 'patient' unless it was set up for a caregiver or a clinician. */
  role: CircleRole;
  /** The journal store, loaded on first use (it brings Yjs, kept off the landing bundle). */
  journal: () => Promise<JournalStore>;
  /** Another circle's journal (a clinician reviewing a patient); the own circle's is `journal`. */
  journalOf: (circleId: string) => Promise<JournalStore>;
  /** A circle's plan, circle, messages and alerts documents, opened once per circle on first use. */
  circleDocs: (circleId?: string) => Promise<CircleDocs>;
  /** This device as the shared documents name authors: its public key, base64url (MemberRef). */
  me: () => Promise<string>;
  /** Set on a loaned clinic tablet. */
  kiosk?: KioskSession;
}

const AppDataContext = createContext<AppData>();

/** Runs `open` once and shares the result; a failure is not cached, so the next call retries. */
function once<T>(open: () => Promise<T>): () => Promise<T> {
  let opening: Promise<T> | undefined;
  return () => {
    opening ??= open().catch((e: unknown) => {
      opening = undefined;
      throw e;
    });
    return opening;
  };
}

/** Creates the lazy journal loader; the store is opened once and shared. */
export function createJournalLoader(db: PacelineDB, circleId: string): () => Promise<JournalStore> {
  return once(() => import('../storage/journal-store').then((m) => m.openJournalStore(db, circleId)));
}

/** The lazy loaders of AppData for a device profile. */
export function createAppData(db: PacelineDB, circleId: string, role: CircleRole): AppData {
  const openJournal = createJournalLoader(db, circleId);
  // On the patient's devices, red flags become alerts for the care team as soon as the
  // journal is open (offline too); the alerts document opens after the journal, off the first screen.
  let watching = false;
  const journal = () => openJournal().then((store) => {
    if (role === 'patient' && !watching) {
      watching = true;
      void Promise.all([import('./features/alerts/alert-raiser'), data.circleDocs(), data.me()])
        .then(([m, docs, me]) => { if (docs.alerts) m.watchForAlerts(store, docs.alerts, me, db); })
        .catch((e: unknown) => { watching = false; console.error('alerts could not start', e); });
    }
    return store;
  });
  const journals = new Map<string, () => Promise<JournalStore>>([[circleId, journal]]);
  const docs = new Map<string, () => Promise<CircleDocs>>();
  const data: AppData = {
    db,
    circleId,
    role,
    journal,
    journalOf(id) {
      let load = journals.get(id);
      if (!load) journals.set(id, (load = createJournalLoader(db, id)));
      return load();
    },
    circleDocs(id = circleId) {
      let load = docs.get(id);
      if (!load) {
        // A clinician's role is per circle (a patient device has one circle, in its profile).
        load = once(async () => {
          const [m, row] = await Promise.all([import('../storage/circle-docs'), db.circles.get(id)]);
          const opened = await m.openCircleDocs(db, id, row?.role ?? role);
          // The patient's (and caregiver's) crisis screen shows the care team's crisis plan at once, offline.
          if (id === circleId && role !== 'clinician') void import('./features/crisis/care-team-plan').then((c) => c.mirrorCareTeamCrisisPlan(db, opened.plan));
          return opened;
        });
        docs.set(id, load);
      }
      return load();
    },
    me: once(async () => {
      const { loadOrCreateDeviceKeys } = await import('../sync/identity');
      const keys = await loadOrCreateDeviceKeys(db);
      let s = '';
      for (const b of keys.publicKey) s += String.fromCharCode(b);
      return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }),
  };
  return data;
}

export function AppDataProvider(props: { value: AppData; children: JSX.Element }) {
  return <AppDataContext.Provider value={props.value}>{props.children}</AppDataContext.Provider>;
}

/** The app's data context. */
export function useAppData(): AppData {
  const ctx = useContext(AppDataContext);
  if (!ctx) throw new Error('useAppData outside AppDataProvider');
  return ctx;
}
