/**
 * Unfinished forms kept on the device, so that a half-written entry survives the app being
 * closed, reloaded, locked or killed in the background (phones do that to a web app during
 * a call). One row per form in the local-only settings table: never synced and never in a
 * backup. On a loaned clinic tablet that table is sealed at rest like every other
 * (at-rest/), and the hand-back wipe deletes it with the rest of the database.
 *
 * A stored draft is checked on every read by the form's own check. One that fails is
 * reported as unreadable and left as it is (the next keep replaces it); it is never shown
 * half-parsed.
 */
import type { PacelineDB } from './db';

/** The stored shape's version; a draft of another version is unreadable, not guessed at. */
export const FORM_DRAFT_VERSION = 1;

/** The forms that keep drafts. */
export const FORM_DRAFT_NAMES = ['diary-today'] as const;
export type FormDraftName = (typeof FORM_DRAFT_NAMES)[number];

/** How a draft is stored (the settings row's value). */
export interface StoredFormDraft {
  v: typeof FORM_DRAFT_VERSION;
  /** When it was last kept (ISO 8601). */
  savedAt: string;
  value: unknown;
}

export type ReadFormDraft<T> = { kind: 'none' } | { kind: 'found'; value: T; savedAt: Date } | { kind: 'unreadable' };

/** The settings key of a form's draft (exported for tests that look at storage). */
export const formDraftKey = (name: FormDraftName): string => `draft:${name}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The kept draft of a form, checked with `check`. Storage failures throw (Dexie's errors). */
export async function readFormDraft<T>(db: PacelineDB, name: FormDraftName, check: (v: unknown) => v is T): Promise<ReadFormDraft<T>> {
  const row = await db.settings.get(formDraftKey(name));
  if (!row) return { kind: 'none' };
  const stored = row.value;
  if (!isObject(stored) || stored['v'] !== FORM_DRAFT_VERSION || typeof stored['savedAt'] !== 'string') return { kind: 'unreadable' };
  const savedAt = new Date(stored['savedAt']);
  if (Number.isNaN(savedAt.getTime()) || !check(stored['value'])) return { kind: 'unreadable' };
  return { kind: 'found', value: stored['value'], savedAt };
}

/** Keeps `value` as the form's draft, replacing the one before. */
export async function keepFormDraft(db: PacelineDB, name: FormDraftName, value: unknown, now: Date = new Date()): Promise<void> {
  const stored: StoredFormDraft = { v: FORM_DRAFT_VERSION, savedAt: now.toISOString(), value };
  await db.settings.put({ key: formDraftKey(name), value: stored });
}

/** The forms with a kept draft (the hand-back says these are deleted with the rest). */
export async function keptFormDrafts(db: PacelineDB): Promise<FormDraftName[]> {
  const rows = await db.settings.bulkGet(FORM_DRAFT_NAMES.map(formDraftKey));
  return FORM_DRAFT_NAMES.filter((_, i) => rows[i] !== undefined);
}

/** Forgets the form's draft (after it was saved, or discarded). */
export async function dropFormDraft(db: PacelineDB, name: FormDraftName): Promise<void> {
  await db.settings.delete(formDraftKey(name));
}
