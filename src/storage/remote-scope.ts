/**
 * Receiving devices enforce the document table's 'limited' write rights (DESIGN.md): the
 * relay cannot see inside an update, so each device checks what an update from a patient,
 * caregiver or clinician with limited rights changes, record by record, before it applies
 * it. An update that reaches beyond the author's scope is refused whole (never half-applied).
 */
import * as Y from 'yjs';
import { planWriteAllowed, type PlanRecord } from '../domain/care-plan';
import type { Result, ValidationError } from '../domain/records';
import { checkStored } from './record-doc-fields';
import { judgeOnScratch } from './scope-scratch';

export type Role = 'patient' | 'caregiver' | 'clinician' | 'intake';

/** Who wrote an update: the role the membership gives its signer, and its MemberRef. */
export interface RemoteAuthor {
  role: Role;
  memberRef: string;
}

type Parse = (kind: string, id: string, value: unknown) => Result<{ id: string; kind: string }, ValidationError[]>;

/**
 * Judges `update` from `author` against a scratch copy of `doc` with `earlier` (updates
 * accepted before it in the same delivery) applied; `allow` decides per touched record.
 */
function judge(
  doc: Y.Doc,
  update: Uint8Array,
  earlier: readonly Uint8Array[],
  parse: Parse,
  allow: (kind: string, before: { id: string; kind: string } | undefined, after: { id: string; kind: string } | undefined) => boolean,
): boolean {
  return judgeOnScratch(doc, update, earlier, ({ base, after, records }) => {
    for (const t of records) {
      if (t.id === null) return false;
      const read = (d: Y.Doc) => {
        const value = d.getMap(t.kind).get(t.id as string);
        if (value === undefined) return undefined;
        const checked = checkStored(parse as never, t.kind as never, t.id as string, value);
        return checked.ok ? (checked.record as { id: string; kind: string }) : null;
      };
      const b = read(base);
      const a = read(after);
      // A record that does not read as valid afterwards is beyond any limited scope.
      if (a === null || b === null) return false;
      if (!allow(t.kind, b, a)) return false;
    }
    return true;
  });
}

/** The plan: patients and caregivers comment and propose (the domain's planWriteAllowed decides each record). */
export function planScope(doc: Y.Doc, parse: Parse, update: Uint8Array, author: RemoteAuthor, earlier: readonly Uint8Array[]): boolean {
  if (author.role === 'clinician') return true;
  if (author.role === 'intake') return false;
  const role = author.role;
  return judge(doc, update, earlier, parse, (_kind, before, after) => after !== undefined && planWriteAllowed(role, before as PlanRecord | undefined, after as PlanRecord, author.memberRef));
}

/** The circle document: clinicians write clinicians' names and invitations, never consent or others' names. */
export function circleScope(doc: Y.Doc, parse: Parse, update: Uint8Array, author: RemoteAuthor, earlier: readonly Uint8Array[]): boolean {
  if (author.role === 'patient') return true;
  if (author.role === 'caregiver' || author.role === 'intake') return false;
  return judge(doc, update, earlier, parse, (kind, _before, after) => {
    if (kind === 'invitation') return true;
    return kind === 'member' && (after as { role?: string } | undefined)?.role === 'clinician';
  });
}

/** The alerts document: patients, caregivers and intake tablets raise alerts; only clinicians acknowledge them. */
export function alertsScope(doc: Y.Doc, parse: Parse, update: Uint8Array, author: RemoteAuthor, earlier: readonly Uint8Array[]): boolean {
  if (author.role === 'clinician') return true;
  return judge(doc, update, earlier, parse, (kind, before, after) => kind === 'alert' && before === undefined && after !== undefined);
}

