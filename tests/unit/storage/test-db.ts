// Shared helpers for storage tests: a fresh database per test, and records made by the domain factory.
import { createAssessment, createDiaryEntry, createPracticeLog } from '../../../src/domain/record-factory';
import type { AssessmentResponse, DiaryEntry, InstrumentId, PracticeLog, Result } from '../../../src/domain/records';
import { PacelineDB } from '../../../src/storage/db';
import { openJournalStore, type JournalStore, type JournalStoreOptions } from '../../../src/storage/journal-store';

let counter = 0;
/** A database name no other test uses (fake-indexeddb is shared within a test file). */
export function freshName(label = 'test'): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}-${Date.now()}`;
}

export const CIRCLE = '01JCIRC1E000000000000000AA';

export async function openFresh(options: JournalStoreOptions = {}, name = freshName()): Promise<{ db: PacelineDB; store: JournalStore; name: string }> {
  const db = new PacelineDB(name);
  const store = await openJournalStore(db, CIRCLE, options);
  return { db, store, name };
}

export function unwrap<T>(r: Result<T, unknown>): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}

export function diary(at: string, painNow: number, extra: Partial<DiaryEntry> = {}): DiaryEntry {
  const now = new Date(at);
  return unwrap(createDiaryEntry({ painNow, at, ...extra }, now));
}

export function practiceLog(at: string, status: PracticeLog['status'] = 'done'): PracticeLog {
  return unwrap(createPracticeLog({ at, practiceId: '01JPRACT1CE0000000000000AA', practiceName: 'Walking', category: 'exercise', status }, new Date(at)));
}

export function assessment(at: string, instrument: InstrumentId, answers: number[]): AssessmentResponse {
  return unwrap(createAssessment({ at, instrument, answers }, new Date(at)));
}

/** Every row of every table, for "nothing changed" comparisons. */
export async function snapshot(db: PacelineDB): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of db.tables) out[table.name] = await table.toArray();
  return out;
}
