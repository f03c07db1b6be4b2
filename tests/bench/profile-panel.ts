// The clinician's panel with 500 circles (seeded summary rows), CPU throttled 4x through CDP:
// a cold load of /panel (new browser process, app served by its service worker, offline) to
// the first rows in the DOM, the panel's own part of that, all 500 rows, and an in-app
// navigation to /panel from a settled Settings screen. Target: first rows under 300 ms.
// Usage: npm run build && npx tsx tests/bench/profile-panel.ts   (or: npx tsx tests/bench/run.ts panel)
// STATIC_DIR=... (or BENCH_STATIC_DIR, as run.ts takes it) serves another build; BENCH_RUNS=n changes the number of runs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { startServer } from '../../sync-server/server';
import type { RedFlagRuleId } from '../../src/domain/red-flags';
import type { CircleRow, CircleSummaryRow } from '../../src/storage/circle-rows';
import { mulberry32 } from '../helpers/fixtures';
import { markTime, open, stats, type Stats } from './browser';

export const PANEL_CIRCLES = 500;

export interface PanelBenchResult {
  circles: number;
  /** Navigation start to the first rows in the DOM ('paceline:panel-ready'), cold. */
  coldMs: Stats;
  /** The panel component's start to its first rows: reading 500 rows, ranking them, rendering the first. */
  panelOwnMs: Stats;
  /** The app's own boot before the route (navigation start to 'paceline:rendered'). */
  bootMs: Stats;
  /** Navigation start to all rows rendered (in idle time, after the first). */
  allRowsMs: Stats;
  /** Longest main-thread task between navigation and all rows rendered (the app's boot included). */
  longestTaskMs: Stats;
  /** Longest main-thread task after the first rows, while the rest are rendered in idle time. */
  longestTaskAfterMs: Stats;
  /** Click on a link to /panel from a settled Settings screen to the first rows. */
  inAppMs: Stats;
}

/** 500 circles: a few urgent, some with other alerts, worsening scores, low practice, stale data. */
export function panelRows(n: number, now: Date, seed = 20261123): { circles: CircleRow[]; summaries: CircleSummaryRow[] } {
  const rand = mulberry32(seed);
  const DAY = 86_400_000;
  const iso = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
  const first = ['Ana', 'Bruno', 'Carmen', 'David', 'Elena', 'Felipe', 'Grace', 'Hugo', 'Iris', 'Jorge', 'Kim', 'Luis', 'Marta', 'Nadia', 'Omar', 'Paula'];
  const last = ['Ruiz', 'Okafor', 'Smith', 'García', 'Nguyen', 'Moreno', 'Lee', 'Silva', 'Khan', 'Rossi', 'Díaz', 'Brown'];
  const circles: CircleRow[] = [];
  const summaries: CircleSummaryRow[] = [];
  for (let i = 0; i < n; i++) {
    const circleId = `01JBENCH${String(i).padStart(18, '0')}`;
    const patientName = `${first[i % first.length]} ${last[Math.floor(rand() * last.length)]} ${i}`;
    const series = (base: number, spread: number, max: number) => Array.from({ length: 7 }, (_, k) => ({
      at: iso((6 - k) * 7 * DAY + 2 * DAY), score: Math.max(0, Math.min(max, Math.round((base + (rand() - 0.5) * spread) * 10) / 10)),
    }));
    const r = rand();
    const peg = rand() < 0.9 ? series(3 + rand() * 5, 3, 10) : [];
    const phq9 = rand() < 0.8 ? series(4 + rand() * 14, 6, 27).map((p) => ({ ...p, score: Math.round(p.score) })) : [];
    const ruleId: RedFlagRuleId | null = r < 0.02 ? 'phq9-item9' : r < 0.07 ? 'phq9-rise' : r < 0.12 ? 'no-data' : null;
    const level = ruleId === 'phq9-item9' ? 'urgent' : ruleId === 'no-data' ? 'low' : 'high';
    const openAlerts = ruleId === null ? [] : [{
      kind: 'alert' as const, id: `${ruleId}:${circleId}`, ruleId, level: level as 'urgent' | 'high' | 'low', raisedAt: iso(DAY),
      raisedBy: 'A'.repeat(43), detectedAt: iso(DAY), values: { total: 15 }, sourceIds: [circleId], schemaVersion: 1,
    }];
    const lastData = rand() < 0.05 ? null : iso(Math.floor(rand() * 30 * DAY));
    circles.push({ circleId, role: 'clinician', label: patientName, joinedAt: now.getTime() - 200 * DAY, schemaVersion: 1 });
    summaries.push({
      circleId, patientName, peg, pegBaseline: peg[0] ?? null, phq9,
      adherence: rand() < 0.15 ? null : Math.round(rand() * 100) / 100, adherenceWeek: '2026-11-16',
      lastDataAt: lastData, openAlerts, updatedAt: now.getTime(), schemaVersion: 1,
    });
  }
  return { circles, summaries };
}

/** Opens the app once in a fresh profile, makes it a clinician's device and writes the rows. */
async function seedPanel(baseUrl: string, profile: string, n: number): Promise<void> {
  const { circles, summaries } = panelRows(n, new Date());
  const { context, page } = await open(profile);
  try {
    await page.goto(new URL('/', baseUrl).href);
    await markTime(page, 'paceline:rendered');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.evaluate(async ({ circles, summaries }) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => { const r = indexedDB.open('paceline'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
      const tx = db.transaction(['profile', 'circles', 'circleSummaries'], 'readwrite');
      const profileStore = tx.objectStore('profile');
      const get = profileStore.get('device');
      get.onsuccess = () => profileStore.put({ ...get.result, role: 'clinician' });
      for (const c of circles) tx.objectStore('circles').put(c);
      for (const s of summaries) tx.objectStore('circleSummaries').put(s);
      await new Promise<void>((ok, fail) => { tx.oncomplete = () => ok(); tx.onerror = () => fail(tx.error); });
      db.close();
    }, { circles, summaries });
    // Once through the panel online, so the service worker has every chunk it needs.
    await page.goto(new URL('/panel', baseUrl).href);
    await markTime(page, 'paceline:panel-all');
  } finally {
    await context.close();
  }
}

/** The longest task (buffered long tasks, 50 ms or more; 0 if none) that started in [from, until]. */
function longestTask(page: Page, from: number, until: number): Promise<number> {
  return page.evaluate(([from, until]) => new Promise<number>((done) => {
    let longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.startTime >= from && e.startTime <= until) longest = Math.max(longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
    setTimeout(() => done(longest), 50);
  }), [from, until] as const);
}

/** Runs the panel benchmark against a running server at baseUrl. */
export async function runPanelBench(baseUrl: string, runs = 7): Promise<PanelBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'paceline-panel-'));
  const profile = join(root, 'profile');
  const cold: number[] = [];
  const own: number[] = [];
  const boot: number[] = [];
  const all: number[] = [];
  const longest: number[] = [];
  const longestAfter: number[] = [];
  const inApp: number[] = [];
  try {
    await seedPanel(baseUrl, profile, PANEL_CIRCLES);
    // One warm-up run (the first start of a profile does one-off work), then the measured ones.
    for (let i = 0; i <= runs; i++) {
      const { context, page } = await open(profile);
      try {
        await context.setOffline(true);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        await page.goto(new URL('/panel', baseUrl).href);
        const ready = await markTime(page, 'paceline:panel-ready');
        const [start, rendered] = await Promise.all([markTime(page, 'paceline:panel-start'), markTime(page, 'paceline:rendered')]);
        const done = await markTime(page, 'paceline:panel-all');
        const rows = await page.getByRole('heading', { level: 3 }).count();
        if (rows !== PANEL_CIRCLES) throw new Error(`expected ${PANEL_CIRCLES} rows, found ${rows}`);
        const [task, taskAfter] = await Promise.all([longestTask(page, 0, done), longestTask(page, ready + 1, done)]);
        if (i > 0) { cold.push(ready); own.push(ready - start); boot.push(rendered); all.push(done); longest.push(task); longestAfter.push(taskAfter); }

        // In-app: from a settled screen (Settings: a clinician's home is the panel itself), a
        // link to the panel, added by the benchmark so that it goes to /panel whatever the tabs are.
        await page.goto(new URL('/settings', baseUrl).href);
        await markTime(page, 'paceline:rendered');
        await page.waitForTimeout(1500);
        await page.evaluate(() => {
          const a = document.createElement('a');
          a.href = '/panel';
          a.textContent = 'Patients (bench)';
          a.id = 'bench-panel-link';
          document.querySelector('main')?.prepend(a);
          performance.clearMarks('paceline:panel-ready');
          window.addEventListener('click', () => performance.mark('bench:tap'), { once: true, capture: true });
        });
        await page.locator('#bench-panel-link').click();
        const inAppReady = await markTime(page, 'paceline:panel-ready');
        const tap = await page.evaluate(() => performance.getEntriesByName('bench:tap', 'mark').at(-1)!.startTime);
        if (i > 0) inApp.push(inAppReady - tap);
      } finally {
        await context.close();
      }
    }
    return {
      circles: PANEL_CIRCLES, coldMs: stats(cold), panelOwnMs: stats(own), bootMs: stats(boot), allRowsMs: stats(all),
      longestTaskMs: stats(longest), longestTaskAfterMs: stats(longestAfter), inAppMs: stats(inApp),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function printPanel(b: PanelBenchResult, fmt: (s: Stats) => string): void {
  console.log(`\nClinician panel, ${b.circles} circles, CPU 4x, cold load of /panel (offline, from the service worker)`);
  console.log(`  navigation to first rows in the DOM       target < 300 ms: ${fmt(b.coldMs)}`);
  console.log(`    of which the app's boot (to 'rendered'):                 ${fmt(b.bootMs)}`);
  console.log(`    of which the panel (start to first rows) target < 300 ms: ${fmt(b.panelOwnMs)}`);
  console.log(`  navigation to all ${b.circles} rows rendered (idle batches):     ${fmt(b.allRowsMs)}`);
  console.log(`  longest main-thread task until then (boot included):        ${fmt(b.longestTaskMs)}`);
  console.log(`  longest task after the first rows (0: none of 50 ms):      ${fmt(b.longestTaskAfterMs)}`);
  console.log(`In-app: tap on a link to /panel from a settled Settings screen to first rows, target < 300 ms: ${fmt(b.inAppMs)}`);
}

/** Serves the build, runs the panel benchmark alone, prints it and writes results/panel-latest.json. */
export async function runPanelOnly(fmt: (s: Stats) => string): Promise<PanelBenchResult> {
  const dir = process.env.STATIC_DIR ?? process.env.BENCH_STATIC_DIR;
  const staticDir = dir ? resolve(dir) : resolve(import.meta.dirname, '../../dist');
  const server = await startServer({ port: 0, host: '127.0.0.1', staticDir });
  try {
    const result = await runPanelBench(server.url, Number(process.env.BENCH_RUNS ?? 7));
    printPanel(result, fmt);
    const out = resolve(import.meta.dirname, 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(resolve(out, 'panel-latest.json'), JSON.stringify({ at: new Date().toISOString(), staticDir, panel: result }, null, 2));
    return result;
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runPanelOnly((s) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n=${s.n}, min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`);
}
