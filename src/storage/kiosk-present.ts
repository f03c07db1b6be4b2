/** Whether this browser is a clinic kiosk, asked at every start without loading the kiosk code. */
import Dexie from 'dexie';

export const KIOSK_DB_NAME = 'paceline-kiosk';

/** True when the kiosk database exists (checked without creating one on ordinary devices). */
export async function kioskPresent(): Promise<boolean> {
  const list = await indexedDB.databases?.();
  if (list) return list.some((d) => d.name === KIOSK_DB_NAME);
  return Dexie.exists(KIOSK_DB_NAME);
}
