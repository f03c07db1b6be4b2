// Browser benchmarks in Debian chromium: cold start offline with five years of data (CPU
// throttled 4x through CDP), History over those five years, and tap-to-committed for a diary entry.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { fiveYears } from '../helpers/fixtures';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';


export interface Stats { n: number; p50: number; p95: number; min: number; max: number }
export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

export async function open(profile: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: { width: 412, height: 915 }, serviceWorkers: 'allow' });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Waits for a performance mark the app sets, and returns its time (ms since navigation start). */
export async function markTime(page: Page, name: string, timeoutMs = 60_000): Promise<number> {
  try {
    await page.waitForFunction((n) => performance.getEntriesByName(n, 'mark').length > 0, name, { timeout: timeoutMs });
  } catch (e) {
    const shot = join(tmpdir(), `paceline-bench-${name.replace(/\W/g, '-')}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    throw new Error(`mark ${name} never came (screenshot: ${shot}; page: ${page.url()})`, { cause: e });
  }
  return page.evaluate((n) => performance.getEntriesByName(n, 'mark').at(-1)!.startTime, name);
}

/** Marks 'bench:tap' when the next click reaches the page. */
async function armTap(page: Page): Promise<void> {
  await page.evaluate(() => {
    performance.clearMarks('bench:tap');
    window.addEventListener('click', () => performance.mark('bench:tap'), { once: true, capture: true });
  });
}

/** The time of the armed tap (ms since navigation start). */
function tapTime(page: Page): Promise<number> {
  return page.evaluate(() => performance.getEntriesByName('bench:tap', 'mark').at(-1)!.startTime);
}

/** Loads five years of data into a fresh profile through the Settings restore screen. */
export async function seedFiveYears(baseUrl: string, profile: string): Promise<{ records: number; importMs: number }> {
  const backup = fiveYears(20261123, new Date('2026-11-22T20:00:00Z'));
  const file = join(profile, '..', `five-years-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(backup));
  const { context, page } = await open(profile);
  try {
    await page.goto(new URL('/settings', baseUrl).href);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const t0 = Date.now();
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByRole('dialog').getByRole('button').last().click();
    await markTime(page, 'paceline:import-done', 120_000);
    return { records: backup.records.length, importMs: Date.now() - t0 };
  } finally {
    await context.close();
    rmSync(file, { force: true });
  }
}

export interface BrowserBenchResult {
  records: number;
  importMs: number;
  coldStartOfflineMs: Stats;
  historyMs: Stats;
  /** History tapped two seconds after Today appeared. */
  historySettledMs: Stats;
  historyAllMs: Stats;
  diarySaveMs: Stats;
  /** The storage part of it: journal store put() to committed. */
  diaryPutMs: Stats;
}

/** Runs the browser benchmarks against a running server at baseUrl. */
export async function runBrowserBench(baseUrl: string, runs = 5): Promise<BrowserBenchResult> {
  // BENCH_PROFILE=dir keeps the seeded profile between runs (same port needed: PORT=...). Its
  // service worker serves the build it cached: after a rebuild, start from a fresh directory.
  const keep = process.env.BENCH_PROFILE;
  const root = keep ?? mkdtempSync(join(tmpdir(), 'paceline-bench-'));
  const profile = join(root, 'profile');
  try {
    const { records, importMs } = keep && existsSync(profile) ? { records: NaN, importMs: NaN } : await seedFiveYears(baseUrl, profile);
    const cold: number[] = [];
    const history: number[] = [];
    const historySettled: number[] = [];
    const historyAll: number[] = [];
    const coldRuns = process.env.BENCH_ONLY === 'save' ? 0 : runs * 2;
    for (let i = 0; i < coldRuns; i++) {
      // Even runs tap History the moment Today is ready (while History's code is still being
      // preloaded in idle time); odd runs first let the page settle for two seconds, as a
      // person reading Today would. A new browser process each run: the service worker serves
      // the app offline and nothing is warm in memory.
      const settle = i % 2 === 1;
      const { context, page } = await open(profile);
      try {
        await context.setOffline(true);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        // Offline on this session too: with only the context's setting, a second DevTools
        // session left navigator.onLine true, and the app started sharing in every "offline" run.
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
        await page.goto(new URL('/', baseUrl).href);
        const ready = await markTime(page, 'paceline:today-ready');
        if (i === 0 && (await page.evaluate(() => navigator.onLine))) console.warn('bench: the page believes it is online; the cold start is not an offline one');
        if (!settle) cold.push(ready);
        else await page.waitForTimeout(2000);
        // From the tap as the page receives it (capture phase, before the app's handlers), not
        // from when the test driver starts looking for the link: its own in-page work is slow at 4x.
        await armTap(page);
        await page.getByRole('navigation').getByRole('link', { name: /history|historial/i }).click();
        (settle ? historySettled : history).push((await markTime(page, 'paceline:history-ready')) - (await tapTime(page)));
        if (settle) continue;
        await page.evaluate(() => performance.clearMarks('paceline:history-ready'));
        await armTap(page);
        await page.getByRole('radio', { name: /^all|todo/i }).check();
        historyAll.push((await markTime(page, 'paceline:history-ready')) - (await tapTime(page)));
      } finally {
        await context.close();
      }
    }
    const saves: number[] = [];
    const puts: number[] = [];
    {
      const { context, page } = await open(profile);
      try {
        await context.setOffline(true);
        await page.goto(new URL('/', baseUrl).href);
        await markTime(page, 'paceline:today-ready');
        for (let i = 0; i < 40; i++) {
          const value = String(i % 11);
          await page.getByRole('radio', { name: new RegExp(`^${value}(:|$)`) }).first().check();
          const save = page.getByRole('button', { name: /^save|guardar/i }).first();
          // t0 is taken in the page when the tap completes (the click event, before the app's own
          // handler sees it: capture phase on window), t1 by the app right after IndexedDB commits.
          // pointerdown would add the test driver's own delay between press and release.
          await save.evaluate(() => window.addEventListener('click', () => performance.mark('bench:tap'), { once: true, capture: true }));
          await page.evaluate(() => performance.clearMarks('paceline:diary-saved'));
          // One entry at a time, as a person logs: let the previous save's screen updates settle.
          await page.evaluate(() => new Promise((done) => requestIdleCallback(() => done(null), { timeout: 1000 })));
          await save.click();
          const t1 = await markTime(page, 'paceline:diary-saved');
          const t0 = await page.evaluate(() => performance.getEntriesByName('bench:tap', 'mark').at(-1)!.startTime);
          saves.push(t1 - t0);
          const tPut = await page.evaluate(() => performance.getEntriesByName('paceline:diary-put', 'mark').at(-1)!.startTime);
          puts.push(t1 - tPut);
          await page.evaluate(() => performance.clearMarks('bench:tap'));
        }
      } finally {
        await context.close();
      }
    }
    return { records, importMs, coldStartOfflineMs: stats(cold), historyMs: stats(history), historySettledMs: stats(historySettled), historyAllMs: stats(historyAll), diarySaveMs: stats(saves.slice(5)), diaryPutMs: stats(puts.slice(5)) };
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}
