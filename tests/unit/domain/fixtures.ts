// Builders for deterministic domain tests: fixed times, fixed ids.
import { afterAll } from 'vitest';
import { scoreResponse } from '../../../src/domain/instruments/index';
import type { AssessmentResponse, DiaryEntry, InstrumentId, PracticeItem, PracticeLog } from '../../../src/domain/records';

export const NOW = new Date('2026-11-23T09:00:00.000Z');
export const DAY_MS = 24 * 60 * 60 * 1000;

/** A valid ULID made from a number, so ids in tests are readable and stable. */
export function idFor(n: number): string {
  return `01JB000000000000000000${String(n).padStart(4, '0')}`;
}

export function isoDaysBefore(days: number, from: Date = NOW): string {
  return new Date(from.getTime() - days * DAY_MS).toISOString();
}

const base = (n: number, at: string) => ({
  id: idFor(n), schemaVersion: 1, at, createdAt: at, updatedAt: at, enteredBy: 'patient' as const,
});

export function diary(n: number, at: string, extra: Partial<DiaryEntry> = {}): DiaryEntry {
  return { ...base(n, at), kind: 'diary', painNow: 5, ...extra };
}

export function practiceItem(n: number, extra: Partial<PracticeItem> = {}): PracticeItem {
  return { ...base(n, '2026-01-01T00:00:00.000Z'), kind: 'practice-item', name: 'Walk', category: 'exercise', timesPerWeek: 3, ...extra };
}

export function practiceLog(n: number, at: string, practiceId: string, extra: Partial<PracticeLog> = {}): PracticeLog {
  return { ...base(n, at), kind: 'practice', practiceId, practiceName: 'Walk', category: 'exercise', status: 'done', ...extra };
}

export function assessment(n: number, instrument: InstrumentId, answers: number[], at: string, extra: Partial<AssessmentResponse> = {}): AssessmentResponse {
  const scored = scoreResponse(instrument, answers);
  if (!scored.ok) throw new Error(`bad fixture answers ${JSON.stringify(answers)}`);
  return { ...base(n, at), kind: 'assessment', instrument, answers, score: scored.value.score, ...extra };
}

/** PHQ-9 answers adding up to `total`; item 9 is as given, else 0 unless the total needs it (>24). */
export function phq9Answers(total: number, item9?: number): number[] {
  const answers = [0, 0, 0, 0, 0, 0, 0, 0, item9 ?? 0];
  let left = total - (item9 ?? 0);
  const fillable = item9 === undefined ? 9 : 8;
  for (let i = 0; i < fillable && left > 0; i++) { const v = Math.min(3, left); answers[i] = v; left -= v; }
  if (left !== 0) throw new Error(`cannot make PHQ-9 total ${total}`);
  return answers;
}

/** GAD-7 answers adding up to `total`. */
export function gad7Answers(total: number): number[] {
  const answers = [0, 0, 0, 0, 0, 0, 0];
  let left = total;
  for (let i = 0; i < 7 && left > 0; i++) { const v = Math.min(3, left); answers[i] = v; left -= v; }
  if (left !== 0) throw new Error(`cannot make GAD-7 total ${total}`);
  return answers;
}

/** PEG answers whose mean is exactly score (score * 3 must be an integer 0-30). */
export function pegAnswers(score: number): number[] {
  let left = Math.round(score * 3);
  return [0, 1, 2].map(() => { const v = Math.min(10, left); left -= v; return v; });
}

/**
 * Runs the file in a fixed time zone (one with daylight saving, to catch 23h and 25h days).
 * Set at once, not in beforeAll, because test.each tables are built while the file loads.
 */
export function useTimeZone(tz: string): void {
  const previous = process.env.TZ;
  process.env.TZ = tz;
  afterAll(() => { if (previous === undefined) delete process.env.TZ; else process.env.TZ = previous; });
}
