/**
 * What a loaned tablet still holds that the relay has not acknowledged: documents never
 * shared (only on this device) and shared ones with changes waiting. The hand-back wipe is
 * refused while this list is not empty (unless staff saved a protected backup).
 */
import type { PacelineDB } from './db';
import { countWaiting, getSyncDoc } from './sync-store';

export interface Unacknowledged {
  docKey: string;
  docName: string;
  /** 'local': never shared; 'waiting': shared, with changes not yet acknowledged. */
  state: 'local' | 'waiting';
  /** Changes waiting (for 'waiting'); 0 for 'local'. */
  waiting: number;
}

/** Every document with content the relay does not hold yet, in document-name order. */
export async function listUnacknowledged(db: PacelineDB): Promise<Unacknowledged[]> {
  const out: Unacknowledged[] = [];
  for (const meta of await db.docMeta.toArray()) {
    const hasContent = (await db.docUpdates.where('docKey').equals(meta.docKey).count()) > 0;
    const sync = await getSyncDoc(db, meta.docKey);
    if (!sync) {
      if (hasContent) out.push({ docKey: meta.docKey, docName: meta.docName, state: 'local', waiting: 0 });
      continue;
    }
    const { pending, unacked } = await countWaiting(db, meta.docKey);
    if (pending + unacked > 0) out.push({ docKey: meta.docKey, docName: meta.docName, state: 'waiting', waiting: pending + unacked });
  }
  return out.sort((a, b) => a.docName.localeCompare(b.docName));
}
