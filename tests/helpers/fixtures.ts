/**
 * Deterministic test data: five years of a plausible patient's journal as a backup file.
 * Same seed and end date, same bytes: no Math.random, no clock, ids from the seeded PRNG.
 */
import { scoreResponse } from '../../src/domain/instruments';
import {
  ACTIVITY_LEVELS, BODY_AREAS, PAIN_QUALITIES, TRIGGERS, RECORD_SCHEMA_VERSION,
  type AssessmentResponse, type DiaryEntry, type InstrumentId, type JournalRecord, type PracticeItem, type PracticeLog,
} from '../../src/domain/records';
import type { BackupFileV1 } from '../../src/storage/backup';

/** mulberry32: a tiny seeded PRNG, good enough for fixtures (not for anything secret). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) { this.next = mulberry32(seed); }
  float(): number { return this.next(); }
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]!; }
  /** `n` distinct items, in the list's order. */
  some<T>(items: readonly T[], n: number): T[] {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(n, items.length)) chosen.add(Math.floor(this.next() * items.length));
    return [...chosen].sort((a, b) => a - b).map((i) => items[i]!);
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID for time `ms` whose random part comes from the PRNG. */
export function seededUlid(rng: Rng, ms: number): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) { time = CROCKFORD[t % 32]! + time; t = Math.floor(t / 32); }
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[rng.int(0, 31)]!;
  return time + rand;
}

const DAY = 86_400_000;
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(v)));
const NOTES = ['Bad night, better after lunch.', 'Walked to the shop, "slow but fine".', 'Flare after housework, rested', 'Good day, gardening 20 min', '=not a formula', 'Dolor fuerte por la mañana'];

function base(rng: Rng, ms: number) {
  const at = new Date(ms).toISOString();
  const created = new Date(ms + rng.int(0, 30) * 60_000).toISOString();
  return { id: seededUlid(rng, ms), schemaVersion: RECORD_SCHEMA_VERSION, at, createdAt: created, updatedAt: created, enteredBy: rng.chance(0.05) ? 'caregiver' as const : 'patient' as const };
}

function assessment(rng: Rng, ms: number, instrument: InstrumentId, answers: number[], functional?: number): AssessmentResponse {
  const scored = scoreResponse(instrument, answers);
  if (!scored.ok) throw new Error(`fixture answers do not score: ${JSON.stringify(scored.error)}`);
  return { ...base(rng, ms), kind: 'assessment', instrument, answers, score: scored.value.score, ...(functional === undefined ? {} : { functional }) };
}

/**
 * Five years ending at `end`: 1,825 diary entries (one a day), 3 practice items, 3,650
 * practice logs (two a day), 260 weekly PEGs and 130 fortnightly PHQ-9s (item 9 always 0).
 */
export function fiveYears(seed: number, end: Date): BackupFileV1 {
  const rng = new Rng(seed);
  const days = 1825;
  const endMs = end.getTime();
  const firstDay = endMs - (days - 1) * DAY - 4 * 3_600_000;
  const diary: DiaryEntry[] = [];
  const practice: PracticeLog[] = [];
  const assessments: AssessmentResponse[] = [];

  const itemSpecs = [
    { name: 'Walking', category: 'exercise' as const, minutes: 20, timesPerWeek: 7 },
    { name: 'Breathing, 4-7-8', category: 'relaxation' as const, minutes: 10, timesPerWeek: 7 },
    { name: 'Stretching', category: 'exercise' as const, minutes: 15, dose: '3 sets of 10', timesPerWeek: 5 },
  ];
  const items: PracticeItem[] = itemSpecs.map((spec, i) => ({ ...base(rng, firstDay - DAY + i * 60_000), kind: 'practice-item', ...spec }));

  // A slow random walk gives realistic runs of good and bad weeks instead of white noise.
  let level = 5;
  for (let d = 0; d < days; d++) {
    const dayMs = firstDay + d * DAY;
    level = Math.max(2, Math.min(8, level + (rng.float() - 0.5) * 0.6));
    const painNow = clamp(level + (rng.float() - 0.5) * 3, 0, 10);
    const entry: DiaryEntry = { ...base(rng, dayMs + rng.int(-90, 90) * 60_000), kind: 'diary', painNow };
    if (rng.chance(0.5)) entry.bodyAreas = rng.some(BODY_AREAS, rng.int(1, 3));
    if (rng.chance(0.3)) entry.painQualities = rng.some(PAIN_QUALITIES, rng.int(1, 2));
    if (rng.chance(0.25)) entry.triggers = rng.some(TRIGGERS, rng.int(1, 2));
    if (rng.chance(0.7)) entry.sleepQuality = clamp(10 - level + (rng.float() - 0.5) * 4, 0, 10);
    if (rng.chance(0.6)) entry.sleepHours = rng.int(8, 18) / 2;
    if (rng.chance(0.7)) entry.mood = clamp(9 - level * 0.8 + (rng.float() - 0.5) * 3, 0, 10);
    if (rng.chance(0.7)) entry.fatigue = clamp(level + (rng.float() - 0.5) * 3, 0, 10);
    if (rng.chance(0.5)) entry.activity = rng.pick(ACTIVITY_LEVELS);
    if (rng.chance(0.1)) entry.note = rng.pick(NOTES);
    diary.push(entry);

    for (const slot of [0, 1]) {
      const item = items[(d * 2 + slot) % items.length]!;
      const status = rng.chance(0.75) ? 'done' : rng.chance(0.5) ? 'partly' : 'skipped';
      const log: PracticeLog = {
        ...base(rng, dayMs - (slot === 0 ? 9 : 4) * 3_600_000 + rng.int(0, 60) * 60_000),
        kind: 'practice', practiceId: item.id, practiceName: item.name, category: item.category, status,
      };
      if (status !== 'skipped') log.minutes = status === 'done' ? item.minutes ?? 15 : rng.int(2, 10);
      if (rng.chance(0.4)) log.helpfulness = rng.int(2, 9);
      practice.push(log);
    }
    if (d % 7 === 6) {
      assessments.push(assessment(rng, dayMs + 600_000, 'peg', [painNow, clamp(level + rng.float() * 2 - 1, 0, 10), clamp(level + rng.float() * 2 - 1, 0, 10)]));
    }
    if (d % 14 === 13) {
      const answers = Array.from({ length: 8 }, () => rng.int(0, level > 5 ? 3 : 2));
      assessments.push(assessment(rng, dayMs + 1_200_000, 'phq9', [...answers, 0], rng.int(0, 3)));
    }
  }
  const records: JournalRecord[] = [...items, ...diary, ...practice, ...assessments];
  return {
    format: 'paceline-backup', formatVersion: 1, exportedAt: end.toISOString(), app: 'paceline',
    circleId: seededUlid(rng, firstDay - 2 * DAY), records, settings: { locale: 'en', region: 'US' },
  };
}
