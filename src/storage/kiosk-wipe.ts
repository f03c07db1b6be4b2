/**
 * The hand-back wipe: every database but the kiosk's own, Cache Storage other than the
 * app's precache (the app itself, no patient content, needed to work offline), and local and
 * session storage. Runs at start-up, before the patient's database is opened, so no
 * connection holds it open. Waiting-room visits whose answers are not on the relay yet keep
 * their own databases (another person's answers, sealed for their care team, never opened by
 * the loan): they are sent and deleted by the kiosk itself.
 */
import Dexie from 'dexie';
import { DEFAULT_DB_NAME } from './db';
import { KIOSK_DB_NAME } from './kiosk-present';
import { isIntakeDbName } from './intake-dbs';

export async function wipePatientData(): Promise<void> {
  const names = new Set<string>([DEFAULT_DB_NAME]);
  for (const d of (await indexedDB.databases?.()) ?? []) if (d.name && d.name !== KIOSK_DB_NAME && !isIntakeDbName(d.name)) names.add(d.name);
  for (const name of names) await Dexie.delete(name);
  if (typeof caches !== 'undefined') {
    for (const name of await caches.keys()) if (!name.startsWith('workbox-precache')) await caches.delete(name);
  }
  localStorage.clear();
  sessionStorage.clear();
}
