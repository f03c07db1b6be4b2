/**
 * The journal's limited write right (DESIGN.md): checked by every receiving device before a
 * caregiver's update is applied. Apart from remote-scope.ts so the journal store does not
 * pull the care plan's rules into its chunk.
 */
import type * as Y from 'yjs';
import { judgeOnScratch } from './scope-scratch';

/** Who wrote an update: the role the membership gives its signer, and its MemberRef. */
export interface JournalAuthor {
  role: 'patient' | 'caregiver' | 'clinician' | 'intake';
  memberRef: string;
}

/**
 * The journal: a caregiver the patient shares it with writes only entries marked as entered
 * by the caregiver (new ones, or edits of such entries), never the patient's own entries
 * and never the document's structure. An intake tablet (a waiting-room visit) only adds
 * new questionnaire answers. The journal keeps whole records as plain values.
 */
export function journalScope(doc: Y.Doc, update: Uint8Array, author: JournalAuthor, earlier: readonly Uint8Array[], kinds: readonly string[], schemaVersion: number): boolean {
  if (author.role !== 'caregiver' && author.role !== 'intake') return author.role === 'patient';
  const byCaregiver = (value: unknown) => typeof value === 'object' && value !== null && (value as { enteredBy?: unknown }).enteredBy === 'caregiver';
  const allowed = author.role === 'intake'
    ? (kind: string, before: unknown, now: unknown) => kind === 'assessment' && before === undefined && now !== undefined
    : (_kind: string, before: unknown, now: unknown) => byCaregiver(now) && (before === undefined || byCaregiver(before));
  return judgeOnScratch(doc, update, earlier, ({ base, after, records }) => {
    for (const t of records) {
      // Every device stamps an empty journal with the structure version it opens it with; a
      // caregiver's stamp may repeat a version this app knows, never raise it past that.
      if (t.kind === 'meta' && t.id === 'schemaVersion') {
        const was = base.getMap('meta').get('schemaVersion');
        const is = after.getMap('meta').get('schemaVersion');
        if (typeof is !== 'number' || is > schemaVersion || (typeof was === 'number' && is < was)) return false;
        continue;
      }
      if (t.id === null || !kinds.includes(t.kind)) return false;
      if (!allowed(t.kind, base.getMap(t.kind).get(t.id), after.getMap(t.kind).get(t.id))) return false;
    }
    return true;
  });
}
