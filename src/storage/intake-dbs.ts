/**
 * Waiting-room questionnaires on a clinic tablet: each visit writes into a database of its
 * own, named with this prefix, that lives only until the relay has acknowledged the answers.
 * One visit never opens another's database, and a database left behind (the page closed
 * while sending) is sent and deleted at the tablet's next start.
 */
import Dexie from 'dexie';
import { newId } from '../domain/ids';

export const INTAKE_DB_PREFIX = 'paceline-intake-';

/** A fresh database name for one visit. */
export function newIntakeDbName(now: number = Date.now()): string {
  return `${INTAKE_DB_PREFIX}${newId(now)}`;
}

export function isIntakeDbName(name: string): boolean {
  return name.startsWith(INTAKE_DB_PREFIX) && /^[0-9A-Z]{26}$/.test(name.slice(INTAKE_DB_PREFIX.length));
}

/** Visits' databases on this device, oldest first. */
export async function listIntakeDbs(): Promise<string[]> {
  const list = (await indexedDB.databases?.()) ?? [];
  return list.flatMap((d) => (d.name && isIntakeDbName(d.name) ? [d.name] : [])).sort();
}

/** Deletes one visit's database (its connections must be closed). */
export async function deleteIntakeDb(name: string): Promise<void> {
  if (!isIntakeDbName(name)) throw new Error('not a visit database');
  await Dexie.delete(name);
}
