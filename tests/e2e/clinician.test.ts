// The clinician workspace in real Chromium: the panel ranked by need (rows seeded straight into
// IndexedDB as a clinician's device holds them), and a patient view over real documents (built
// here with the app's own storage code, then written into the browser's IndexedDB as the
// update logs the app reads), where an urgent alert is acknowledged.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Page } from 'playwright-core';
import { axe, horizontalOverflow, openApp, screenshot, setTextSize, smallTouchTargets, type AppSession } from './harness';
import { alertIdOf, alertsFromFlags, createAcknowledgement, createMemberProfile, type Alert } from '../../src/domain/circle/index';
import { createPlanRecord } from '../../src/domain/care-plan/index';
import { addLocalDays, mondayOf, toLocalDate } from '../../src/domain/local-dates';
import { newId } from '../../src/domain/ids';
import { createAssessment, createDiaryEntry, createPracticeLog } from '../../src/domain/record-factory';
import { evaluateRedFlags } from '../../src/domain/red-flags';
import type { AssessmentResponse, JournalRecord, Result } from '../../src/domain/records';
import { openCircleDocs } from '../../src/storage/circle-docs';
import type { CircleRow, CircleSummaryRow } from '../../src/storage/circle-rows';
import { PacelineDB } from '../../src/storage/db';
import { openJournalStore } from '../../src/storage/journal-store';

const DAY = 86_400_000;
const now = new Date();
const daysAgo = (d: number, hour = 10) => new Date(now.getFullYear(), now.getMonth(), now.getDate() - d, hour, 5).toISOString();
const ok = <T>(r: Result<T, unknown>): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};
const ref = (n: number) => Buffer.alloc(32, n).toString('base64url');

// ---------------------------------------------------------------------------------------------
// Seeding through the raw IndexedDB API, as the brief for this test asks: the app's own tables.

interface Seed {
  circles?: CircleRow[];
  summaries?: CircleSummaryRow[];
  locale?: 'en' | 'es';
  docUpdates?: Array<{ docKey: string; update: number[] }>;
}

/** Makes this device a clinician's and writes the given rows; the caller reloads. */
async function seed(page: Page, s: Seed): Promise<void> {
  await page.evaluate(async (s) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('paceline');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction(['profile', 'circles', 'circleSummaries', 'settings', 'docUpdates'], 'readwrite');
    const profile = tx.objectStore('profile');
    const get = profile.get('device');
    get.onsuccess = () => profile.put({ ...get.result, role: 'clinician' });
    for (const c of s.circles ?? []) tx.objectStore('circles').put(c);
    for (const row of s.summaries ?? []) tx.objectStore('circleSummaries').put(row);
    if (s.locale) tx.objectStore('settings').put({ key: 'locale', value: s.locale });
    for (const u of s.docUpdates ?? []) tx.objectStore('docUpdates').add({ docKey: u.docKey, update: new Uint8Array(u.update), at: Date.now() });
    await new Promise<void>((resolve, reject) => { tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error); });
    db.close();
  }, s);
}

async function openPanel(page: Page, baseUrl: string): Promise<void> {
  await page.goto(new URL('/panel', baseUrl).href);
  // The first screenful of rows comes first, the rest in idle time: wait for all of them.
  await page.waitForFunction(() => performance.getEntriesByName('paceline:panel-all').length > 0);
}

async function expectAccessible(page: Page, label: string): Promise<void> {
  const violations = await axe(page);
  expect(violations, `${label}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  expect(await smallTouchTargets(page), label).toEqual([]);
}

const circleRow = (circleId: string, label: string): CircleRow => ({ circleId, role: 'clinician', label, joinedAt: now.getTime() - 90 * DAY, schemaVersion: 1 });

function alert(ruleId: Alert['ruleId'], level: Alert['level'], values: Record<string, number>, at: string): Alert {
  const sourceIds = [newId()];
  return {
    kind: 'alert', id: alertIdOf({ ruleId, sourceIds }), ruleId, level, raisedAt: at, raisedBy: ref(1), detectedAt: at,
    values, sourceIds, schemaVersion: 1,
  };
}

function summary(circleId: string, patientName: string, extra: Partial<CircleSummaryRow>): CircleSummaryRow {
  const series = (scores: number[], lastDaysAgo = 2) => scores.map((score, i) => ({ at: daysAgo(lastDaysAgo + 7 * (scores.length - 1 - i)), score }));
  return {
    circleId, patientName, peg: series([5, 5]), pegBaseline: null, phq9: series([6, 6]), adherence: 0.8,
    adherenceWeek: '2026-01-05', lastDataAt: daysAgo(1), openAlerts: [], updatedAt: now.getTime(), schemaVersion: 1,
    ...extra,
    ...(extra.peg ? { pegBaseline: extra.peg[0] ?? null } : {}),
  };
}

const series = (scores: number[]) => scores.map((score, i) => ({ at: daysAgo(2 + 7 * (scores.length - 1 - i)), score }));

/** Seven circles, one per way of needing attention (and two that do not). */
const PANEL: CircleSummaryRow[] = [
  summary('c-eva', 'Eva Fresh', { lastDataAt: daysAgo(0, 8) }),
  summary('c-dora', 'Dora Stale', { lastDataAt: daysAgo(40), peg: series([4, 4]) }),
  summary('c-gus', 'Gus Nodata', { lastDataAt: null, peg: [], phq9: [], adherence: null }),
  summary('c-carl', 'Carl Practice', { adherence: 0.2, peg: series([6, 5]), lastDataAt: daysAgo(2) }),
  summary('c-bea', 'Bea Worse', { peg: series([5, 6, 7]), phq9: series([9, 10]) }),
  summary('c-felipe', 'Felipe High', { phq9: series([21]), openAlerts: [alert('phq9-high', 'high', { total: 21 }, daysAgo(2))], lastDataAt: daysAgo(2) }),
  summary('c-alma', 'Alma Urgent', {
    peg: series([5, 5.3]), phq9: series([8, 16]), adherence: 0.9,
    openAlerts: [alert('phq9-item9', 'urgent', { item9: 2 }, daysAgo(1))],
  }),
];
const ORDER = ['Alma Urgent', 'Felipe High', 'Bea Worse', 'Carl Practice', 'Gus Nodata', 'Dora Stale', 'Eva Fresh'];

function rowOf(page: Page, name: string) {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, level: 3 }) });
}

describe('Clinician panel', () => {
  let app: AppSession;
  beforeAll(async () => {
    app = await openApp({ path: '/' });
    await app.page.getByRole('heading', { level: 1 }).waitFor();
    await seed(app.page, { circles: PANEL.map((s) => circleRow(s.circleId, s.patientName)), summaries: PANEL });
  });
  afterAll(async () => { await app?.dispose(); });

  it('ranks patients by need: alerts, worsening, low practice, then longest without data', async () => {
    const { page, baseUrl } = app;
    await openPanel(page, baseUrl);
    await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
    const names = await page.getByRole('list').filter({ has: page.getByRole('heading', { level: 3 }) }).getByRole('heading', { level: 3 }).allTextContents();
    expect(names).toEqual(ORDER);
    await page.getByText('7 patients.').waitFor();
    await page.getByText('Urgent alerts: 1. Other alerts: 1. Getting worse: 1. Low practice: 1.').waitFor();
  });

  it('says each row\'s need, scores, change, practice and data age in words', async () => {
    const { page } = app;
    const alma = rowOf(page, 'Alma Urgent');
    expect(await alma.textContent()).toContain('Urgent alert · 1 open alert');
    expect(await alma.textContent()).toContain('16, moderately severe');
    expect(await alma.textContent()).toContain('up 8 since the previous one, a meaningful change');
    expect(await alma.textContent()).toMatch(/Data as of .* \(yesterday\)/);
    const bea = rowOf(page, 'Bea Worse');
    expect(await bea.textContent()).toContain('Getting worse');
    expect(await bea.textContent()).toContain('40% worse than at the start (5), a meaningful change');
    expect(await rowOf(page, 'Carl Practice').textContent()).toMatch(/Low practice.*Practice last week20%/);
    expect(await rowOf(page, 'Carl Practice').textContent()).toContain('17% better than at the start (6), not yet a meaningful change');
    const gus = rowOf(page, 'Gus Nodata');
    expect(await gus.textContent()).toContain('No PEG yet');
    expect(await gus.textContent()).toContain('Nothing prescribed');
    expect(await gus.textContent()).toContain('No data yet');
    expect(await rowOf(page, 'Dora Stale').textContent()).toContain('(40 days ago)');
    expect(await rowOf(page, 'Eva Fresh').textContent()).toMatch(/No concerns.*\(today\)/);
    // Each row is one link to the patient's view.
    expect(await alma.getByRole('link').getAttribute('href')).toBe('/patients/c-alma');
    expect(await alma.getByRole('link').count()).toBe(1);
  });

  it('passes axe, has 44 px targets, and is reachable by keyboard', async () => {
    const { page } = app;
    await expectAccessible(page, 'panel');
    // Rows far from the screen are not painted (content-visibility); a full-page picture needs them.
    await page.addStyleTag({ content: '.panel-row { content-visibility: visible !important; }' });
    await screenshot(page, 'clinician-panel');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${import.meta.dirname}/artifacts/clinician-panel-top.png` });
    // From the skip link to the first patient, by Tab alone.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent === 'Alma Urgent');
    }
    // (Following the link is left to the patient view's tests: opening a circle without
    // documents would rightly replace this seeded row with what its documents say.)
    expect(reached).toBe(true);
  });

  it('holds at 200% text without horizontal scrolling', async () => {
    const { page, baseUrl } = app;
    await openPanel(page, baseUrl);
    await setTextSize(page, 200);
    await page.waitForTimeout(100);
    expect(await horizontalOverflow(page)).toEqual([]);
    expect(await smallTouchTargets(page)).toEqual([]);
    await rowOf(page, 'Alma Urgent').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${import.meta.dirname}/artifacts/clinician-panel-200.png` });
  });

  it('reads in Spanish', async () => {
    const { page, baseUrl } = app;
    await seed(page, { locale: 'es' });
    await openPanel(page, baseUrl);
    await page.getByRole('heading', { level: 1, name: 'Pacientes' }).waitFor();
    expect(await rowOf(page, 'Alma Urgent').textContent()).toContain('Alerta urgente · 1 alerta abierta');
    expect(await rowOf(page, 'Bea Worse').textContent()).toMatch(/Empeorando.*40\s?% peor que al inicio \(5\), un cambio importante/);
    expect(await rowOf(page, 'Gus Nodata').textContent()).toContain('Todavía sin datos');
    expect(await rowOf(page, 'Dora Stale').textContent()).toContain('(hace 40 días)');
    await expectAccessible(page, 'panel es');
    await page.screenshot({ path: `${import.meta.dirname}/artifacts/clinician-panel-es.png` });
    await seed(page, { locale: 'en' });
  });

  it('a patient or caregiver device is told the panel is for clinicians', async () => {
    const other = await openApp({ path: '/panel' });
    try {
      await other.page.getByRole('heading', { level: 1, name: 'This screen is for clinicians' }).waitFor();
      expect(await axe(other.page)).toEqual([]);
    } finally {
      await other.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The patient view over real documents.

const PATIENT_CIRCLE = '01JPAT1ENT0000000000000000';

/** Rosa's journal, plan, circle and alerts documents, as this clinician's device would receive them. */
async function patientDocs(clinicianRef: string): Promise<Array<{ docKey: string; update: number[] }>> {
  const db = new PacelineDB(`clinician-e2e-${process.pid}-${Date.now()}`);
  const journal = await openJournalStore(db, PATIENT_CIRCLE);
  const docs = await openCircleDocs(db, PATIENT_CIRCLE, 'clinician');
  try {
    const records: JournalRecord[] = [];
    for (let d = 56; d >= 1; d -= 2) records.push(ok(createDiaryEntry({ at: daysAgo(d, 9), painNow: 4 + (d % 4) }, now)));
    [5, 5, 5.3, 5, 6, 5.7, 6.3, 7].forEach((score, i) => {
      const n = Math.round(score * 3);
      const answers = [Math.min(10, Math.ceil(n / 3)), Math.round(n / 3), n - Math.min(10, Math.ceil(n / 3)) - Math.round(n / 3)];
      records.push(ok(createAssessment({ at: daysAgo(7 * (8 - i), 11), instrument: 'peg', answers }, now)));
    });
    records.push(ok(createAssessment({ at: daysAgo(30, 12), instrument: 'phq9', answers: [1, 1, 1, 1, 1, 1, 1, 2, 0] }, now)));
    records.push(ok(createAssessment({ at: daysAgo(2, 12), instrument: 'phq9', answers: [2, 2, 1, 1, 1, 1, 1, 2, 1] }, now)));
    records.push(ok(createAssessment({ at: daysAgo(2, 13), instrument: 'gad7', answers: [3, 3, 2, 2, 3, 2, 2] }, now)));
    const walk = ok(createPlanRecord('plan-item', { category: 'exercise', name: 'Walk 10 minutes', timesPerWeek: 5, minutes: 10 }, clinicianRef, new Date(now.getTime() - 60 * DAY)));
    const breathe = ok(createPlanRecord('plan-item', { category: 'relaxation', name: 'Slow breathing', timesPerWeek: 7, technique: 'breathing' }, clinicianRef, new Date(now.getTime() - 60 * DAY)));
    const monday = addLocalDays(mondayOf(now), -7);
    const lastWeek = (day: number) => new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + day, 18).toISOString();
    for (const day of [0, 2, 4]) records.push(ok(createPracticeLog({ at: lastWeek(day), practiceId: walk.id, practiceName: walk.name, category: 'exercise', status: 'done' }, now)));
    for (const day of [0, 1]) records.push(ok(createPracticeLog({ at: lastWeek(day), practiceId: breathe.id, practiceName: breathe.name, category: 'relaxation', status: 'done' }, now)));
    ok(await journal.importRecords(records));

    for (const r of [walk, breathe]) ok(await docs.plan.put(r));
    const goal = ok(createPlanRecord('goal', {
      title: 'Walk to the mailbox and back without stopping', baseline: 'Stops after 20 m', target: 'There and back',
      targetDate: toLocalDate(addLocalDays(now, 120)), milestones: [{ text: 'Halfway', reachedAt: daysAgo(10) }, { text: 'Three quarters' }],
    }, clinicianRef, new Date(now.getTime() - 50 * DAY)));
    ok(await docs.plan.put(goal));
    ok(await docs.plan.put(ok(createPlanRecord('goal-rating', { goalId: goal.id, progress: 4, at: daysAgo(20) }, ref(1), new Date(now.getTime() - 20 * DAY)))));
    ok(await docs.plan.put(ok(createPlanRecord('goal-rating', { goalId: goal.id, progress: 6, at: daysAgo(3) }, ref(1), new Date(now.getTime() - 3 * DAY)))));
    ok(await docs.plan.put(ok(createPlanRecord('stepped-care', { level: 2, criteria: 'PEG up 30% for two weeks', reviewDate: toLocalDate(addLocalDays(now, 30)) }, clinicianRef, now))));

    ok(await docs.circle.put(ok(createMemberProfile({ id: ref(1), name: 'Rosa Jiménez', role: 'patient' }, ref(1), new Date(now.getTime() - 90 * DAY)))));
    ok(await docs.circle.put(ok(createMemberProfile({ id: clinicianRef, name: 'Dr. Test', role: 'clinician' }, ref(1), new Date(now.getTime() - 90 * DAY)))));
    ok(await docs.circle.put(ok(createMemberProfile({ id: ref(5), name: 'Dr. Okafor', role: 'clinician' }, ref(1), new Date(now.getTime() - 90 * DAY)))));

    // As the patient's device raises them, plus an older one Dr. Okafor already acknowledged.
    const flags = evaluateRedFlags({ assessments: records.filter((r): r is AssessmentResponse => r.kind === 'assessment'), diary: records.filter((r) => r.kind === 'diary'), practice: [], now });
    const raised = alertsFromFlags(flags, [], ref(1), now);
    const old = alert('no-data', 'low', { days: 9, thresholdDays: 7 }, daysAgo(70));
    for (const a of [...raised, old]) ok(await docs.alerts!.put(a));
    ok(await docs.alerts!.put(ok(createAcknowledgement(old.id, 'Phoned; she was away visiting family. Back to logging.', ref(5), new Date(now.getTime() - 69 * DAY)))));

    return [
      { docKey: `${PATIENT_CIRCLE}/journal`, update: [...Y.encodeStateAsUpdate(journal.doc)] },
      { docKey: `${PATIENT_CIRCLE}/plan`, update: [...Y.encodeStateAsUpdate(docs.plan.doc)] },
      { docKey: `${PATIENT_CIRCLE}/circle`, update: [...Y.encodeStateAsUpdate(docs.circle.doc)] },
      { docKey: `${PATIENT_CIRCLE}/alerts`, update: [...Y.encodeStateAsUpdate(docs.alerts!.doc)] },
    ];
  } finally {
    await Promise.all([journal.close(), docs.close()]);
    db.close();
  }
}

/** This device's public key as the shared documents name it (created on first use by the app). */
async function deviceRef(page: Page): Promise<string> {
  const read = () => page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => { const r = indexedDB.open('paceline'); r.onsuccess = () => resolve(r.result); });
    const row = await new Promise<{ publicKey: Uint8Array } | undefined>((resolve) => {
      const g = db.transaction('deviceKeys').objectStore('deviceKeys').get('device');
      g.onsuccess = () => resolve(g.result);
    });
    db.close();
    return row ? [...row.publicKey] : null;
  });
  let bytes = await read();
  for (let i = 0; bytes === null && i < 50; i++) {
    await page.waitForTimeout(200);
    bytes = await read();
  }
  if (bytes === null) throw new Error('the app made no device key');
  return Buffer.from(bytes).toString('base64url');
}

describe('Clinician patient view', () => {
  let app: AppSession;
  beforeAll(async () => {
    app = await openApp({ path: '/' });
    const { page, baseUrl } = app;
    await page.getByRole('heading', { level: 1 }).waitFor();
    await seed(page, { circles: [circleRow('01JKEYSTEP0000000000000000', 'Key Step'), circleRow(PATIENT_CIRCLE, 'R. Jiménez')] });
    // Opening any patient view makes this device's key; Rosa's documents then name it as her clinician.
    await page.goto(new URL('/patients/01JKEYSTEP0000000000000000', baseUrl).href);
    await page.getByRole('heading', { level: 1, name: 'Key Step' }).waitFor();
    const me = await deviceRef(page);
    await seed(page, { docUpdates: await patientDocs(me) });
  });
  afterAll(async () => { await app?.dispose(); });

  it('a circle that just arrived is summarised on the panel from its documents', async () => {
    const { page, baseUrl } = app;
    await openPanel(page, baseUrl);
    const rosa = rowOf(page, 'Rosa Jiménez');
    await rosa.waitFor({ timeout: 20_000 });
    expect(await rosa.textContent()).toContain('Urgent alert · 2 open alerts');
    expect(await rosa.textContent()).toContain('40% worse than at the start (5), a meaningful change');
    expect(await rosa.textContent()).toMatch(/Practice last week42%/);
    const names = await page.getByRole('heading', { level: 3 }).allTextContents();
    expect(names[0]).toBe('Rosa Jiménez');
  });

  it('shows alerts first, in words, then trends, plan and messages', async () => {
    const { page } = app;
    await rowOf(page, 'Rosa Jiménez').getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Rosa Jiménez' }).waitFor();
    await page.getByText(/Data as of .* \(2 days ago\)/).first().waitFor();
    const open = page.getByRole('list', { name: 'Open alerts' });
    await open.getByRole('listitem').first().waitFor();
    const items = await open.getByRole('listitem').allTextContents();
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^⚠ UrgentPHQ-9 question 9: thoughts of death or self-harmAnswered “several days”/i);
    expect(items[1]).toMatch(/High priorityGAD-7 total of 15 or moreGAD-7 total 17 out of 21/i);
    const acked = page.getByRole('list', { name: 'Acknowledged alerts' });
    expect(await acked.textContent()).toContain('No recent data');
    expect(await acked.textContent()).toMatch(/Acknowledged by Dr\. Okafor, .*Phoned; she was away visiting family/);
    // Trends: the history charts, in the third person, drawn by chart.js.
    await page.getByRole('img', { name: /^PEG score: .*Starting score 5\./ }).waitFor();
    await page.getByRole('img', { name: /^PHQ-9 score: .*Latest: Moderate\./ }).waitFor();
    await page.getByRole('img', { name: /^Pain: average .* over the last year/ }).waitFor();
    await page.getByText('PEG check-ins, from 0 to 10. Lower is better.').waitFor();
    // Plan, read-only, with the link to edit it.
    const plan = page.getByRole('region', { name: 'Care plan' });
    const text = await plan.textContent();
    expect(text).toContain('Stepped care level 2');
    expect(text).toContain('Walk to the mailbox and back without stopping');
    expect(text).toContain('Progress 6 out of 10, better than the previous rating');
    expect(text).toContain('1 of 2 milestones reached');
    expect(text).toContain('Overall last week: 42%');
    expect(text).toMatch(/Walk 10 minutes.*5 times a week.*Last week: 3 of 5 \(60%\)/);
    expect(text).toMatch(/Slow breathing.*Last week: 2 of 7 \(29%\)/);
    expect(await plan.getByRole('link', { name: 'Open the care plan' }).getAttribute('href')).toBe(`/plan?circle=${PATIENT_CIRCLE}`);
    expect(await page.getByRole('link', { name: 'Messages with Rosa Jiménez' }).getAttribute('href')).toBe(`/messages?circle=${PATIENT_CIRCLE}`);
    await expectAccessible(page, 'patient view');
    await screenshot(page, 'clinician-patient');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${import.meta.dirname}/artifacts/clinician-patient-top.png` });
  });

  it('acknowledging needs a note, and records who, when and the note (by keyboard)', async () => {
    const { page } = app;
    const open = page.getByRole('list', { name: 'Open alerts' });
    const button = open.getByRole('button', { name: 'Acknowledge: PHQ-9 question 9: thoughts of death or self-harm' });
    await button.focus();
    await page.keyboard.press('Enter');
    const note = open.getByRole('textbox', { name: 'Note (required)' });
    await expect.poll(() => note.evaluate((el) => el === document.activeElement)).toBe(true);
    await open.getByRole('button', { name: 'Acknowledge alert' }).click();
    await open.getByText('Write a short note before acknowledging.').waitFor();
    expect(await note.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'ack form with error');
    await page.screenshot({ path: `${import.meta.dirname}/artifacts/clinician-ack-form.png` });
    await note.fill('Called Rosa. Safe tonight; crisis plan reviewed with her sister. Seeing her Thursday.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Alert acknowledged.').waitFor();
    await expect.poll(() => open.getByRole('listitem').count()).toBe(1);
    expect(await open.textContent()).toContain('GAD-7');
    const acked = page.getByRole('list', { name: 'Acknowledged alerts' });
    await acked.getByText(/Acknowledged by Dr\. Test \(you\), /).waitFor();
    expect(await acked.textContent()).toContain('Called Rosa. Safe tonight; crisis plan reviewed with her sister. Seeing her Thursday.');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Open alerts');
    await screenshot(page, 'clinician-patient-acked');
  });

  it('the panel no longer ranks the patient as urgent', async () => {
    const { page, baseUrl } = app;
    await openPanel(page, baseUrl);
    const rosa = rowOf(page, 'Rosa Jiménez');
    await expect.poll(() => rosa.textContent()).toContain('High-priority alert · 1 open alert');
    expect(await rosa.textContent()).not.toContain('Urgent');
  });

  it('holds at 200% text, and reads in Spanish', async () => {
    const { page, baseUrl } = app;
    await page.goto(new URL(`/patients/${PATIENT_CIRCLE}`, baseUrl).href);
    await page.getByRole('heading', { level: 1, name: 'Rosa Jiménez' }).waitFor();
    await page.getByRole('img', { name: /^PEG score/ }).waitFor();
    await setTextSize(page, 200);
    await page.waitForTimeout(150);
    expect(await horizontalOverflow(page)).toEqual([]);
    expect(await smallTouchTargets(page)).toEqual([]);
    await page.getByRole('list', { name: 'Open alerts' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${import.meta.dirname}/artifacts/clinician-patient-200.png` });

    await seed(page, { locale: 'es' });
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Alertas' }).waitFor();
    await page.getByRole('list', { name: 'Alertas abiertas' }).getByText('Prioridad alta').waitFor();
    await page.getByRole('list', { name: 'Alertas atendidas' }).getByText(/Atendida por Dr\. Test \(usted\)/).waitFor();
    await page.getByRole('region', { name: 'Plan de cuidado' }).getByText('Progreso 6 de 10, mejor que la valoración anterior').waitFor();
    await page.getByRole('img', { name: /^Puntuación PEG/ }).waitFor();
    await expectAccessible(page, 'patient view es');
    await screenshot(page, 'clinician-patient-es');
  });
});
