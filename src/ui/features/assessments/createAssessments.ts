/**
 * Data access for the assessments feature: the only place its components reach storage.
 * Reads use the Yjs-free query module; the save loads the journal store lazily.
 */
import type { Accessor } from 'solid-js';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';
import { listRecords } from '../../../storage/journal-queries';
import { readCheckinSchedule } from '../../../storage/checkin-schedule';
import { getSetting } from '../../../storage/profile';
import type { PacelineDB } from '../../../storage/db';
import type { StoreError } from '../../../storage/errors';
import { createAssessment } from '../../../domain/record-factory';
import type { DueAssessment } from '../../../domain/schedule';
import { changeFromBaseline, type ChangeFromBaseline } from '../../../domain/trends';
import { checkResponseForUrgent } from '../../../domain/red-flags';
import { scoreResponse, type ScoreResult } from '../../../domain/instruments/index';
import { INSTRUMENTS, type AssessmentResponse, type InstrumentId, type Result, type ValidationError } from '../../../domain/records';

export interface CheckinRow {
  instrument: InstrumentId;
  /** Set when it is due now. */
  due: DueAssessment | null;
  last: { at: string; score: number } | null;
  /** Days between answers, for scheduled instruments; null when it has no schedule. */
  everyDays: number | null;
  /** When it is next due (scheduled, answered before, not due yet). */
  nextDue: Date | null;
}

/** Every instrument with its last score and schedule; due ones are also in `due`. Live. */
export function createCheckinOverview(onError?: (e: unknown) => void): Accessor<{ due: CheckinRow[]; all: CheckinRow[] } | undefined> {
  const { db, circleId } = useAppData();
  return createLiveQuery(async () => {
    const schedule = await readCheckinSchedule(db, circleId);
    const all = INSTRUMENTS.map((instrument): CheckinRow => {
      const score = schedule.scores.find((s) => s.instrument === instrument);
      return {
        instrument,
        due: schedule.due.find((d) => d.instrument === instrument) ?? null,
        last: score ? { at: score.at, score: score.score } : null,
        everyDays: schedule.everyDays(instrument),
        nextDue: schedule.nextDue(instrument),
      };
    });
    return { due: all.filter((r) => r.due !== null), all };
  }, onError);
}

export interface Comparison {
  at: string | null;
  score: number;
  change: ChangeFromBaseline;
}

/** A saved response with what the result screen shows. */
export interface SavedAssessment {
  record: AssessmentResponse;
  result: ScoreResult;
  previous: Comparison | null;
  /** Against the first one (or the PEG baseline setting); null when that is the previous one. */
  baseline: Comparison | null;
  /** PHQ-9 item 9 answered 1-3: the crisis panel stays on the result. */
  urgent: boolean;
}

/** Score as readers re-score it: from the answers (the stored score may predate a fix). */
function scoreOf(r: AssessmentResponse): number {
  const s = scoreResponse(r.instrument, r.answers);
  return s.ok ? s.value.score : r.score;
}

/** Previous and baseline comparisons for a just-saved response. */
async function compare(db: PacelineDB, circleId: string, record: AssessmentResponse, score: number): Promise<Pick<SavedAssessment, 'previous' | 'baseline'>> {
  const earlier = (await listRecords(db, circleId, 'assessment', { to: record.at }))
    .filter((r): r is AssessmentResponse => r.kind === 'assessment' && r.instrument === record.instrument && r.id !== record.id);
  const prev = earlier.at(-1);
  const first = earlier[0];
  const previous = prev ? { at: prev.at, score: scoreOf(prev), change: changeFromBaseline(record.instrument, scoreOf(prev), score) } : null;
  if (record.instrument === 'peg') {
    const set = await getSetting(db, 'pegBaseline');
    if (set !== undefined) return { previous, baseline: { at: null, score: set, change: changeFromBaseline('peg', set, score) } };
  }
  const baseline = first && first.id !== prev?.id
    ? { at: first.at, score: scoreOf(first), change: changeFromBaseline(record.instrument, scoreOf(first), score) }
    : null;
  return { previous, baseline };
}

export type SaveFailure =
  | { kind: 'invalid'; errors: ValidationError[] }
  | { kind: 'read-only' }
  | { kind: 'storage' };

/** Validates, scores (domain) and stores one questionnaire, then gathers its comparisons. */
export function createAssessmentSaver() {
  const { db, circleId, journal, role } = useAppData();
  return async (instrument: InstrumentId, answers: number[], functional: number | undefined, now: Date = new Date()): Promise<Result<SavedAssessment, SaveFailure>> => {
    const created = createAssessment({ instrument, answers, ...(functional === undefined ? {} : { functional }) }, now, role === 'caregiver' ? 'caregiver' : 'patient');
    if (!created.ok) return { ok: false, error: { kind: 'invalid', errors: created.error } };
    const scored = scoreResponse(instrument, created.value.answers);
    if (!scored.ok) return { ok: false, error: { kind: 'invalid', errors: scored.error } };
    let stored: Result<unknown, StoreError>;
    try {
      stored = await (await journal()).put(created.value);
    } catch (e) {
      // The store reports expected failures as values; a thrown one (the Yjs chunk not loading)
      // must still leave the answers on screen.
      console.error('assessment save failed', e);
      return { ok: false, error: { kind: 'storage' } };
    }
    if (!stored.ok) {
      const e = stored.error;
      if (e.code === 'invalid-record') return { ok: false, error: { kind: 'invalid', errors: e.errors } };
      return { ok: false, error: { kind: e.code === 'read-only' ? 'read-only' : 'storage' } };
    }
    performance.mark('paceline:assessment-saved');
    const record = created.value;
    const urgent = checkResponseForUrgent(record) !== null;
    try {
      return { ok: true, value: { record, result: scored.value, urgent, ...(await compare(db, circleId, record, scored.value.score)) } };
    } catch (e) {
      // Saved already: a failed comparison read only hides the comparison.
      console.error('assessment comparison failed', e);
      return { ok: true, value: { record, result: scored.value, urgent, previous: null, baseline: null } };
    }
  };
}
