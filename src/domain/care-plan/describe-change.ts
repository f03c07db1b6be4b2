import type { IsoTime } from '../records';
import { changedKeys } from './json-diff';
import { planWriteAction } from './permissions';
import type { MemberRef, PlanKind, PlanRecord } from './types';

export type PlanChangeAction = 'created' | 'edited' | 'deleted' | 'restored';

/** One line of "who changed what when", for the plan's history. */
export interface PlanChange {
  kind: PlanKind;
  id: string;
  action: PlanChangeAction;
  /** Fields set (created) or changed (otherwise), sorted; bookkeeping fields are left out. */
  fields: string[];
  by: MemberRef;
  at: IsoTime;
}

const ACTIONS = { create: 'created', edit: 'edited', delete: 'deleted', restore: 'restored' } as const;

// Stamped on every write or fixed at creation: never news in themselves.
const BOOKKEEPING = new Set(['id', 'kind', 'schemaVersion', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt']);

/** What a write did to a record, who did it and when (from after.updatedBy/updatedAt). */
export function describeChange(before: PlanRecord | undefined, after: PlanRecord): PlanChange {
  const fields = before === undefined
    ? Object.keys(after).filter((key) => (after as unknown as Record<string, unknown>)[key] !== undefined).sort()
    : changedKeys(before, after);
  return {
    kind: after.kind,
    id: after.id,
    action: ACTIONS[planWriteAction(before, after)],
    fields: fields.filter((key) => !BOOKKEEPING.has(key)),
    by: after.updatedBy,
    at: after.updatedAt,
  };
}
