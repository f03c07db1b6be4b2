import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, axe, horizontalOverflow, openApp, screenshot, setTextSize, smallTouchTargets, type AppSession } from './harness';
import { createAssessment, createDiaryEntry, createPracticeLog } from '../../src/domain/record-factory';
import { newId } from '../../src/domain/ids';
import type { JournalRecord, Result } from '../../src/domain/records';

const DAY = 86_400_000;
const now = new Date();
const daysAgo = (d: number, hour = 9) => {
  const t = new Date(now.getFullYear(), now.getMonth(), now.getDate() - d, hour, 15);
  return t.toISOString();
};
const ok = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

/** A small, realistic journal: three weeks of diary, practice, weekly PEG and two PHQ-9/GAD-7, plus older entries. */
function seedRecords(): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (let d = 20; d >= 1; d--) {
    out.push(ok(createDiaryEntry({ at: daysAgo(d), painNow: 3 + (d % 5), sleepQuality: 4 + (d % 4), sleepHours: 6 + (d % 3) }, now, d === 5 ? 'caregiver' : 'patient')));
  }
  // Today's entry has a pain (9) found nowhere else, so the test can follow it through delete and undo.
  out.push(ok(createDiaryEntry({ at: daysAgo(0, 8), painNow: 9, note: 'Bad flare after gardening' }, now)));
  // Six months ago: only visible from "Last year" on.
  for (let d = 180; d < 186; d++) out.push(ok(createDiaryEntry({ at: daysAgo(d), painNow: 8 }, now)));
  const practiceId = newId(now.getTime() - 30 * DAY);
  for (let d = 14; d >= 1; d -= 2) {
    out.push(ok(createPracticeLog({ at: daysAgo(d, 18), practiceId, practiceName: 'Gentle walk', category: 'exercise', status: d % 4 === 0 ? 'partly' : 'done', minutes: 15 }, now)));
  }
  for (const [d, a] of [[21, [7, 7, 7]], [14, [6, 6, 6]], [7, [5, 5, 4]], [1, [4, 4, 4]]] as const) {
    out.push(ok(createAssessment({ at: daysAgo(d, 10), instrument: 'peg', answers: [...a] }, now)));
  }
  out.push(ok(createAssessment({ at: daysAgo(20, 11), instrument: 'phq9', answers: [2, 2, 1, 1, 1, 1, 1, 1, 0] }, now)));
  out.push(ok(createAssessment({ at: daysAgo(3, 11), instrument: 'phq9', answers: [1, 1, 1, 0, 1, 0, 1, 0, 0] }, now)));
  out.push(ok(createAssessment({ at: daysAgo(20, 12), instrument: 'gad7', answers: [2, 2, 2, 1, 1, 1, 1] }, now)));
  out.push(ok(createAssessment({ at: daysAgo(3, 12), instrument: 'gad7', answers: [1, 1, 1, 1, 0, 0, 0] }, now)));
  return out;
}

function backupFile(records: JournalRecord[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'paceline-history-'));
  const path = join(dir, 'paceline-backup.json');
  writeFileSync(path, JSON.stringify({
    format: 'paceline-backup', formatVersion: 1, exportedAt: now.toISOString(), app: 'paceline',
    circleId: newId(), records, settings: {},
  }));
  return path;
}

/** Seeds through the app itself: Settings, restore from a backup file. */
async function restoreBackup(page: Page, path: string, labels: { file: RegExp; confirm: RegExp; done: RegExp }) {
  await page.goto(new URL('/settings', page.url()).href);
  await page.getByLabel(labels.file, { exact: false }).setInputFiles(path);
  await page.getByRole('dialog').getByRole('button', { name: labels.confirm }).click();
  await page.getByText(labels.done).waitFor();
}

async function openHistory(page: Page) {
  await page.evaluate(() => performance.clearMarks('paceline:history-ready'));
  await page.getByRole('navigation').getByRole('link', { name: /History|Historial/ }).click();
  await page.waitForFunction(() => performance.getEntriesByName('paceline:history-ready').length > 0);
}

/** Screenshots of the parts worth looking at (full pages are too tall to read). */
async function shots(page: Page, name: string) {
  await screenshot(page, name);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, `${name}-top.png`) });
  for (const fig of ['peg', 'phq9']) {
    const el = page.locator(`figure[aria-labelledby=chart-${fig}-caption]`);
    if (await el.count()) await el.screenshot({ path: join(ARTIFACTS, `${name}-${fig}.png`) });
  }
  const list = page.getByRole('region', { name: /Entries|Registros/ });
  if (await list.count()) await list.screenshot({ path: join(ARTIFACTS, `${name}-list.png`) }).catch(() => undefined);
}

async function expectAccessible(page: Page, label: string) {
  const violations = await axe(page);
  expect(violations, `${label}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  expect(await smallTouchTargets(page), label).toEqual([]);
}

describe('History', () => {
  let app: AppSession;
  const seeded = backupFile(seedRecords());
  beforeAll(async () => { app = await openApp({ path: '/history' }); });
  afterAll(async () => { await app?.dispose(); });

  it('chart.js is only reachable from the screens with charts (History, a clinician’s patient view)', () => {
    const dist = process.env.STATIC_DIR ?? resolve(import.meta.dirname, '../../dist');
    const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string; imports?: string[]; dynamicImports?: string[]; isEntry?: boolean }>;
    const chartKeys = Object.keys(manifest).filter((k) => k.includes('chart-setup') || k.includes('node_modules/chart.js'));
    expect(chartKeys.length).toBeGreaterThan(0);
    // Everything the landing page loads up front (static imports from the entry) is chart-free.
    const seen = new Set<string>();
    const walk = (k: string) => { if (seen.has(k)) return; seen.add(k); for (const i of manifest[k]?.imports ?? []) walk(i); };
    walk('index.html');
    for (const k of seen) expect(chartKeys, k).not.toContain(k);
    // Only the chart screens' chunks pull chart.js in (dynamically, when the page opens).
    const importers = Object.entries(manifest).filter(([, v]) => [...(v.imports ?? []), ...(v.dynamicImports ?? [])].some((i) => chartKeys.includes(i)));
    expect(importers.map(([k]) => k).filter((k) => !k.includes('features/history/') && !k.includes('features/clinician/') && !k.includes('chart-loader'))).toEqual([]);
  });

  it('shows a helpful empty state before anything is logged', async () => {
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor();
    await page.getByRole('heading', { name: 'Your history will appear here' }).waitFor();
    expect(await page.getByRole('link', { name: 'Go to Today' }).getAttribute('href')).toBe('/');
    await expectAccessible(page, 'empty');
    await screenshot(page, 'history-empty');
  });

  it('draws charts with spoken summaries and tables of the same values', async () => {
    const { page } = app;
    await restoreBackup(page, seeded, { file: /Restore from a backup file/, confirm: /^Restore$/, done: /Restore finished/ });
    const t0 = Date.now();
    await openHistory(page);
    console.log(`history ready in ${Date.now() - t0} ms (small data set)`);
    const pain = page.getByRole('img', { name: /^Pain: average .* over the last 4 weeks, from .* to 9\./ });
    await pain.waitFor();
    expect(await page.locator('canvas[role=img]').count()).toBe(5 + 1); // pain, PEG, PHQ-9, GAD-7, sleep, practice
    await page.getByRole('img', { name: /^PEG score: .*Starting score 7\./ }).waitFor();
    await page.getByRole('img', { name: /^PHQ-9 score: .*Latest: Mild\./ }).waitFor();
    const painFigure = page.getByRole('figure', { name: /^Pain/ });
    await painFigure.getByRole('button', { name: 'Show as table' }).click();
    const table = painFigure.getByRole('table');
    expect(await table.getByRole("row").count()).toBe(22); // header + 21 days
    expect(await table.getByRole('row').last().textContent()).toContain('9');
    const phq = page.getByRole('figure', { name: /PHQ-9/ });
    await phq.getByRole('button', { name: 'Show as table' }).click();
    expect(await phq.getByRole('table').textContent()).toMatch(/10Moderate.*5Mild|Moderate.*Mild/);
    const peg = page.getByRole('figure', { name: /PEG/ });
    await peg.getByRole('button', { name: 'Show as table' }).click();
    expect(await peg.getByRole('table').textContent()).toContain('better: a meaningful change');
    await expectAccessible(page, 'with data');
    await shots(page, 'history-data');
  });

  it('switches range to weekly means', async () => {
    const { page } = app;
    expect(await page.getByText('Pain 8 out of 10').count()).toBe(0);
    await page.getByRole('radio', { name: 'Last year' }).check();
    await page.getByText('each point is the average of one week').waitFor();
    await page.getByRole('img', { name: /^Pain: average .* over the last year/ }).waitFor();
    await page.getByRole('figure', { name: /^Pain/ }).getByRole('cell').first().waitFor();
    expect(await page.getByRole('figure', { name: /^Pain/ }).getByRole('table').textContent()).toContain('Week of');
    await page.getByRole('button', { name: 'Show more entries' }).click();
    await page.getByText('Pain 8 out of 10').first().waitFor();
    await expectAccessible(page, 'last year');
    await page.getByRole('radio', { name: 'Last 4 weeks' }).check();
    await page.getByRole('img', { name: /over the last 4 weeks/ }).first().waitFor();
  });

  it('deletes an entry with Undo, updating list and chart', async () => {
    const { page } = app;
    const list = page.getByRole('region', { name: 'Entries' });
    await list.getByText('Pain 9 out of 10').waitFor();
    await list.getByRole('button', { name: /^Delete Pain diary from/ }).first().click();
    await page.getByText('Pain diary deleted.').waitFor();
    await expect.poll(() => list.getByText('Pain 9 out of 10').count()).toBe(0);
    await page.getByRole('img', { name: /^Pain: .* over the last 4 weeks, from .* to (?!9\.)\d/ }).waitFor();
    await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await list.getByText('Pain 9 out of 10').waitFor();
    await page.getByRole('img', { name: /^Pain: .* to 9\./ }).waitFor();
  });

  it('edits a practice log inline; bad input changes nothing', async () => {
    const { page } = app;
    const list = page.getByRole('region', { name: 'Entries' });
    await list.getByRole('button', { name: /^Edit Practice from/ }).first().click();
    const minutes = list.getByLabel('Minutes');
    await minutes.fill('lots');
    await list.getByRole('button', { name: 'Save' }).click();
    await list.getByText('Use a whole number.').waitFor();
    expect(await minutes.inputValue()).toBe('lots');
    await expectAccessible(page, 'editing');
    await minutes.fill('25');
    await list.getByRole('radio', { name: 'Partly done' }).check();
    await list.getByRole('button', { name: 'Save' }).click();
    await list.getByText(/Partly done · 25 min/).waitFor();
  });

  it('holds at 200% text without horizontal scrolling', async () => {
    const { page } = app;
    await setTextSize(page, 200);
    await page.waitForTimeout(100);
    expect(await horizontalOverflow(page)).toEqual([]);
    expect(await smallTouchTargets(page)).toEqual([]);
    await shots(page, 'history-200');
  });

  it('reads in Spanish', async () => {
    const es = await openApp({ path: '/settings', locale: 'es-ES' });
    try {
      // Language is chosen in Settings, as a person would.
      await es.page.getByRole('radio', { name: 'Español' }).check();
      await es.page.getByRole('heading', { level: 1, name: 'Ajustes' }).waitFor();
      await restoreBackup(es.page, seeded, { file: /Restaurar desde un archivo/, confirm: /^Restaurar$/, done: /Restauración|terminad|añadid/i });
      await openHistory(es.page);
      await es.page.getByRole('img', { name: /^Dolor: promedio de .* en las últimas 4 semanas/ }).waitFor();
      await es.page.getByRole('radio', { name: 'Último año' }).waitFor();
      expect(await axe(es.page)).toEqual([]);
      await shots(es.page, 'history-es');
    } finally {
      await es.dispose();
    }
  });
});
