// The clinician panel's summary rows: scores, last data, adherence and open alerts derived from
// a circle's journal tables and documents, and the patient view's acknowledge path end to end.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alertStatus, alertsFromFlags, createAcknowledgement, createMemberProfile } from '../../../src/domain/circle/index';
import { createPlanRecord } from '../../../src/domain/care-plan/index';
import { addLocalDays, mondayOf } from '../../../src/domain/local-dates';
import { evaluateRedFlags } from '../../../src/domain/red-flags';
import type { AssessmentResponse, JournalRecord } from '../../../src/domain/records';
import { openCircleDocs, type CircleDocs } from '../../../src/storage/circle-docs';
import { circlesWithoutSummary, hasJournal, lastFullWeek, listPanel, refreshCircleSummary, watchCircleSummary, watchPanel, SUMMARY_RECENT_SCORES } from '../../../src/storage/circle-summary';
import { PacelineDB } from '../../../src/storage/db';
import { openJournalStore, type JournalStore } from '../../../src/storage/journal-store';
import { CIRCLE, assessment, diary, freshName, practiceLog, unwrap } from './test-db';

const ref = (n: number) => Buffer.alloc(32, n).toString('base64url');
const PATIENT = ref(1);
const CLINICIAN = ref(4);
const CLINICIAN_2 = ref(5);
const STRANGER = ref(9);

// A Wednesday noon, local time: the last full week is the Monday-to-Sunday before it.
const NOW = new Date(2026, 10, 25, 12, 0);
const daysAgo = (d: number, hour = 10) => new Date(NOW.getFullYear(), NOW.getMonth(), NOW.getDate() - d, hour).toISOString();
/** A moment in the last full week: day 0 is its Monday. */
const lastWeekDay = (day: number, hour = 10) => {
  const monday = addLocalDays(mondayOf(NOW), -7);
  return new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + day, hour).toISOString();
};

const open: Array<{ db: PacelineDB; journal: JournalStore; docs: CircleDocs }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await Promise.all([o.journal.close(), o.docs.close()]);
    o.db.close();
  }
});

/** A clinician device holding one circle: its journal and its documents, with member profiles. */
async function circle(records: JournalRecord[] = [], members: Array<{ id: string; name: string; role: 'patient' | 'caregiver' | 'clinician' }> = [
  { id: PATIENT, name: 'Ana Ruiz', role: 'patient' },
  { id: CLINICIAN, name: 'Dr. Okafor', role: 'clinician' },
]) {
  const db = new PacelineDB(freshName('circle-summary'));
  const journal = await openJournalStore(db, CIRCLE);
  const docs = await openCircleDocs(db, CIRCLE, 'clinician');
  open.push({ db, journal, docs });
  if (records.length > 0) unwrap(await journal.importRecords(records));
  for (const m of members) unwrap(await docs.circle.put(unwrap(createMemberProfile(m, PATIENT, NOW))));
  return { db, journal, docs };
}

const peg = (at: string, n: number) => assessment(at, 'peg', [n, n, n]);
const phq9 = (at: string, total: number, item9 = 0) => {
  // Spread the total over items 1-8 (at most 3 each), item 9 as given.
  const answers = Array.from({ length: 8 }, (_, i) => Math.max(0, Math.min(3, total - 3 * i)));
  return assessment(at, 'phq9', [...answers, item9]);
};

describe('refreshCircleSummary', () => {
  it('an empty circle: no scores, no data, nothing prescribed, the name from the circle document', async () => {
    const { db, docs } = await circle();
    const row = await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    expect(row).toEqual({
      circleId: CIRCLE, patientName: 'Ana Ruiz', peg: [], pegBaseline: null, phq9: [], adherence: null,
      adherenceWeek: lastFullWeek(NOW), lastDataAt: null, openAlerts: [], updatedAt: NOW.getTime(), schemaVersion: 1,
    });
    expect(await db.circleSummaries.get(CIRCLE)).toEqual(row);
  });

  it('falls back to the circle row\'s label when the circle document names no patient', async () => {
    const { db, docs } = await circle([], []);
    await db.circles.put({ circleId: CIRCLE, role: 'clinician', label: 'B. Moreno', joinedAt: 0, schemaVersion: 1 });
    expect((await refreshCircleSummary(db, CIRCLE, { docs, now: NOW })).patientName).toBe('B. Moreno');
  });

  it('keeps the first PEG as baseline and the last few, oldest first; deleted check-ins do not count', async () => {
    const pegs = [6, 5, 5, 6, 7, 7, 8, 8, 9].map((n, i) => peg(daysAgo(70 - 7 * i), n));
    const gone = peg(daysAgo(1), 2);
    const { db, docs, journal } = await circle([...pegs, gone, phq9(daysAgo(30), 9), phq9(daysAgo(2), 15)]);
    unwrap(await journal.remove('assessment', gone.id));
    const row = await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    expect(row.pegBaseline).toEqual({ at: pegs[0]!.at, score: 6 });
    expect(row.peg).toEqual([pegs[0]!, ...pegs.slice(-SUMMARY_RECENT_SCORES)].map((p) => ({ at: p.at, score: p.score })));
    expect(row.phq9.map((p) => p.score)).toEqual([9, 15]);
  });

  it('pages through years of check-ins without losing the baseline', async () => {
    // 300 weekly PEGs and GAD-7s, PHQ-9 only in the first and the last month.
    const records: AssessmentResponse[] = [];
    for (let w = 300; w >= 1; w--) {
      records.push(peg(daysAgo(7 * w, 9), (w % 10) as number), assessment(daysAgo(7 * w, 11), 'gad7', [1, 1, 1, 1, 1, 1, 1]));
    }
    records.push(phq9(daysAgo(2100), 4), phq9(daysAgo(2095), 5), phq9(daysAgo(10), 12));
    const { db, docs } = await circle(records);
    const row = await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    expect(row.peg).toHaveLength(SUMMARY_RECENT_SCORES + 1);
    expect(row.pegBaseline).toEqual({ at: daysAgo(2100, 9), score: 0 });
    expect(row.peg.at(-1)).toEqual({ at: daysAgo(7, 9), score: 1 });
    expect(row.phq9.map((p) => p.score)).toEqual([4, 5, 12]);
  });

  it('finds each first score from the oldest end when the newest pages already hold the last few', async () => {
    const records: AssessmentResponse[] = [];
    for (let w = 200; w >= 1; w--) records.push(peg(daysAgo(7 * w, 9), 3 + (w % 5)), phq9(daysAgo(7 * w, 11), w % 20));
    const { db, docs } = await circle(records);
    const row = await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    expect(row.pegBaseline).toEqual({ at: daysAgo(1400, 9), score: 3 });
    expect(row.phq9[0]).toEqual({ at: daysAgo(1400, 11), score: 0 });
    expect(row.phq9.slice(1).map((p) => p.score)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('last data is the newest diary entry, practice log or check-in', async () => {
    const { db, docs } = await circle([diary(daysAgo(9), 4), practiceLog(daysAgo(6)), peg(daysAgo(12), 5)]);
    expect((await refreshCircleSummary(db, CIRCLE, { docs, now: NOW })).lastDataAt).toBe(daysAgo(6));
    const { db: db2, docs: docs2 } = await circle([diary(daysAgo(9), 4), peg(daysAgo(3), 5)]);
    expect((await refreshCircleSummary(db2, CIRCLE, { docs: docs2, now: NOW })).lastDataAt).toBe(daysAgo(3));
  });

  it('adherence of the last full week from the plan\'s items and that week\'s practice logs', async () => {
    const { db, docs, journal } = await circle();
    const item = unwrap(createPlanRecord('plan-item', { category: 'exercise', name: 'Walk', timesPerWeek: 4 }, CLINICIAN, new Date(daysAgo(30))));
    unwrap(await docs.plan.put(item));
    const log = (at: string, status: 'done' | 'partly' | 'skipped') => ({ ...practiceLog(at, status), practiceId: item.id });
    unwrap(await journal.importRecords([
      log(lastWeekDay(0), 'done'), log(lastWeekDay(2), 'partly'), log(lastWeekDay(6, 20), 'done'), log(lastWeekDay(4), 'skipped'),
      // The week before and this week do not count.
      log(lastWeekDay(-1, 20), 'done'), log(daysAgo(0, 9), 'done'),
    ]));
    const row = await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    expect(row.adherence).toBeCloseTo(2.5 / 4);
    expect(row.adherenceWeek).toBe(lastFullWeek(NOW));
  });

  it('no adherence when the plan has no items, or only as-needed ones', async () => {
    const { db, docs } = await circle([practiceLog(lastWeekDay(1))]);
    expect((await refreshCircleSummary(db, CIRCLE, { docs, now: NOW })).adherence).toBeNull();
    unwrap(await docs.plan.put(unwrap(createPlanRecord('plan-item', { category: 'relaxation', name: 'Breathing', timesPerWeek: 0 }, CLINICIAN, new Date(daysAgo(30))))));
    expect((await refreshCircleSummary(db, CIRCLE, { docs, now: NOW })).adherence).toBeNull();
  });

  it('opens the documents itself when not given them, writing nothing to them', async () => {
    const { db, docs } = await circle([diary(daysAgo(1), 3)]);
    const updates = await db.docUpdates.count();
    await docs.close();
    const row = await refreshCircleSummary(db, CIRCLE, { now: NOW });
    expect(row.patientName).toBe('Ana Ruiz');
    expect(row.lastDataAt).toBe(daysAgo(1));
    expect(await db.docUpdates.count()).toBe(updates);
  });

  it('rebuilds the journal\'s derived tables first when they are missing, never creating a journal', async () => {
    const { db, docs, journal } = await circle([diary(daysAgo(2), 3), peg(daysAgo(3), 6)]);
    await Promise.all([journal.close(), docs.close()]);
    // As if the journal arrived as raw updates and was never opened on this device.
    await db.records.clear();
    await db.latestScores.clear();
    await db.docMeta.update(`${CIRCLE}/journal`, { derivedVersion: undefined });
    const row = await refreshCircleSummary(db, CIRCLE, { now: NOW });
    expect(row.lastDataAt).toBe(daysAgo(2));
    expect(row.peg.map((p) => p.score)).toEqual([6]);
    const updates = await db.docUpdates.count();
    expect((await refreshCircleSummary(db, 'no-journal-here', { now: NOW })).lastDataAt).toBeNull();
    expect(await db.docUpdates.count()).toBe(updates);
    expect(await db.docMeta.get('no-journal-here/journal')).toBeUndefined();
    expect(await hasJournal(db, CIRCLE)).toBe(true);
    expect(await hasJournal(db, 'no-journal-here')).toBe(false);
  });

  it('circlesWithoutSummary names the clinician\'s circles that have no row yet', async () => {
    const { db, docs } = await circle();
    const row = (circleId: string, role: 'patient' | 'clinician') => ({ circleId, role, label: circleId, joinedAt: 0, schemaVersion: 1 });
    await db.circles.bulkPut([row(CIRCLE, 'clinician'), row('c2', 'clinician'), row('c3', 'clinician'), row('own', 'patient')]);
    await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    expect((await circlesWithoutSummary(db)).sort()).toEqual(['c2', 'c3']);
  });

  it('listPanel reads every circle\'s row', async () => {
    const { db, docs } = await circle();
    await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    await db.circleSummaries.put({ ...(await db.circleSummaries.get(CIRCLE))!, circleId: 'other', patientName: 'Other' });
    expect((await listPanel(db)).map((r) => r.patientName).sort()).toEqual(['Ana Ruiz', 'Other']);
  });

  it('watchPanel tells of every committed write to the summary rows, and of nothing else', async () => {
    const { db, docs } = await circle();
    const row = await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    let calls = 0;
    const stop = watchPanel(db, () => { calls += 1; });
    try {
      await db.circleSummaries.put({ ...row, circleId: 'other', patientName: 'Other' });
      await expect.poll(() => calls).toBe(1);
      await db.circleSummaries.delete('other');
      await expect.poll(() => calls).toBe(2);
      // Another table, or the same table of another database, is not the panel's business.
      await db.circles.put({ circleId: 'c9', role: 'clinician', label: 'x', joinedAt: 0, schemaVersion: 1 });
      const other = new PacelineDB(freshName('circle-summary-other'));
      try {
        await other.circleSummaries.put({ ...row, circleId: 'elsewhere' });
      } finally {
        other.close();
      }
      await new Promise((r) => setTimeout(r, 20));
      expect(calls).toBe(2);
      await db.circleSummaries.clear();
      await expect.poll(() => calls).toBe(3);
    } finally {
      stop();
    }
    await db.circleSummaries.put(row);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(3);
  });
});

describe('alerts in the summary (the patient view\'s acknowledge path)', () => {
  /** A positive PHQ-9 item 9 and a PEG that stopped being logged: raised as the patient's device would. */
  async function withAlerts() {
    const records = [phq9(daysAgo(20), 8), phq9(daysAgo(2), 14, 2), diary(daysAgo(12), 5)];
    const c = await circle(records);
    const flags = evaluateRedFlags({
      assessments: records.filter((r): r is AssessmentResponse => r.kind === 'assessment'),
      diary: records.filter((r) => r.kind === 'diary'), practice: [], now: NOW,
    });
    const alerts = alertsFromFlags(flags, c.docs.alerts!.all('alert'), PATIENT, NOW);
    for (const a of alerts) unwrap(await c.docs.alerts!.put(a));
    return { ...c, alerts };
  }

  it('open alerts, most pressing first, with the values that raised them', async () => {
    const { db, docs, alerts } = await withAlerts();
    expect(alerts.map((a) => a.ruleId).sort()).toEqual(['no-data', 'phq9-item9', 'phq9-rise']);
    const row = await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    expect(row.openAlerts.map((a) => [a.ruleId, a.level])).toEqual([['phq9-item9', 'urgent'], ['phq9-rise', 'high'], ['no-data', 'low']]);
    expect(row.openAlerts[0]!.values).toEqual({ item9: 2 });
  });

  it('a clinician\'s acknowledgement records who, when and the note, and takes the alert off the open list', async () => {
    const { db, docs, alerts } = await withAlerts();
    const urgent = alerts.find((a) => a.ruleId === 'phq9-item9')!;
    const at = new Date(NOW.getTime() + 60_000);
    const ack = unwrap(createAcknowledgement(urgent.id, '  Called her; safety plan reviewed.  ', CLINICIAN, at));
    unwrap(await docs.alerts!.put(ack));

    const status = alertStatus(urgent, docs.alerts!.all('alert-ack'), new Set([CLINICIAN]));
    expect(status).toMatchObject({ state: 'acknowledged', by: CLINICIAN, at: at.toISOString(), note: 'Called her; safety plan reviewed.' });
    const row = await refreshCircleSummary(db, CIRCLE, { docs, now: at });
    expect(row.openAlerts.map((a) => a.ruleId)).toEqual(['phq9-rise', 'no-data']);
    // Read back by a fresh device from storage alone: the acknowledgement was committed.
    await docs.close();
    const again = await refreshCircleSummary(db, CIRCLE, { now: at });
    expect(again.openAlerts.map((a) => a.ruleId)).toEqual(['phq9-rise', 'no-data']);
  });

  it('an acknowledgement by someone who is not a clinician of the circle leaves the alert open', async () => {
    const { db, docs, alerts } = await withAlerts();
    for (const by of [PATIENT, STRANGER, CLINICIAN_2]) {
      unwrap(await docs.alerts!.put(unwrap(createAcknowledgement(alerts[0]!.id, 'seen', by, NOW))));
    }
    expect((await refreshCircleSummary(db, CIRCLE, { docs, now: NOW })).openAlerts).toHaveLength(3);
    // Once the second clinician is a member, their acknowledgement counts.
    unwrap(await docs.circle.put(unwrap(createMemberProfile({ id: CLINICIAN_2, name: 'Dr. Lee', role: 'clinician' }, PATIENT, NOW))));
    expect((await refreshCircleSummary(db, CIRCLE, { docs, now: NOW })).openAlerts).toHaveLength(2);
  });

  it('watchCircleSummary refreshes the row after a committed change', async () => {
    const { db, docs, alerts, journal } = await withAlerts();
    await refreshCircleSummary(db, CIRCLE, { docs, now: NOW });
    const stop = watchCircleSummary(db, CIRCLE, docs, journal, { delayMs: 0 });
    try {
      unwrap(await docs.alerts!.put(unwrap(createAcknowledgement(alerts[0]!.id, 'Reviewed at visit', CLINICIAN, NOW))));
      await expect.poll(async () => (await db.circleSummaries.get(CIRCLE))?.openAlerts.length).toBe(2);
      unwrap(await journal.put(peg(daysAgo(0, 8), 6)));
      await expect.poll(async () => (await db.circleSummaries.get(CIRCLE))?.peg.length).toBe(1);
    } finally {
      stop();
    }
  });
});

describe('module boundaries', () => {
  it('circle-summary.ts does not load yjs until a refresh opens documents itself', () => {
    const source = readFileSync(resolve(dirname(new URL(import.meta.url).pathname), '../../../src/storage/circle-summary.ts'), 'utf8');
    const staticImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
    expect(staticImports).not.toContain('./record-doc');
    expect(staticImports).not.toContain('./circle-docs');
    expect(staticImports).not.toContain('yjs');
  });
});
