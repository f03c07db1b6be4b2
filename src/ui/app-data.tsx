import { createContext, useContext, type JSX } from 'solid-js';
import type { PacelineDB } from '../storage/db';
import type { JournalStore } from '../storage/journal-store';

/** What every feature needs: the local database, the patient's circle, and the journal store. */
export interface AppData {
  db: PacelineDB;
  circleId: string;
  /** The journal store, loaded on first use (it brings Yjs, kept off the landing bundle). */
  journal: () => Promise<JournalStore>;
}

const AppDataContext = createContext<AppData>();

/** Creates the lazy journal loader; the store is opened once and shared. */
export function createJournalLoader(db: PacelineDB, circleId: string): () => Promise<JournalStore> {
  let opening: Promise<JournalStore> | undefined;
  return () => {
    opening ??= import('../storage/journal-store').then((m) => m.openJournalStore(db, circleId)).catch((e: unknown) => {
      opening = undefined; // let the next attempt retry instead of caching a failure
      throw e;
    });
    return opening;
  };
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
