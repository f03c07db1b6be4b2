// A loaned clinic tablet with five years of data (every row sealed at rest), CPU throttled 4x
// through CDP, offline, a new browser process per run: from the tap on Unlock to a usable
// Today, split into the PIN's key derivation (Argon2id, 64 MiB) and the app's start through
// the decrypting middleware. Compare the second part with the ordinary cold start (run.ts).
// Usage: npm run build && npx tsx tests/bench/profile-kiosk.ts   (or: npx tsx tests/bench/run.ts kiosk)
// STATIC_DIR=... serves another build; BENCH_RUNS=n changes the number of runs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { startServer } from '../../sync-server/server';
import { fiveYears } from '../helpers/fixtures';
import { markTime, open, stats, type Stats } from './browser';

const STAFF = 'bench clinic staff';
const PIN = '482915';

export interface KioskBenchResult {
  records: number;
  /** Tap on Unlock to 'paceline:today-ready'. */
  unlockToTodayMs: Stats;
  /** Tap on Unlock to the data key (the PIN's Argon2id derivation and the unwrap). */
  keyDerivationMs: Stats;
  /** Data key to 'paceline:today-ready': the app's start, reading through the decryption. */
  startAfterKeyMs: Stats;
}

async function unlock(page: Page): Promise<void> {
  await page.getByLabel('PIN', { exact: true }).fill(PIN);
  await page.evaluate(() => window.addEventListener('click', () => performance.mark('bench:tap'), { once: true, capture: true }));
  await page.getByRole('button', { name: 'Unlock' }).click();
}

/** Provisions and lends a tablet through its screens, then restores five years into the loan. */
async function seed(baseUrl: string, profile: string): Promise<number> {
  const backup = fiveYears(20261123, new Date('2026-11-22T20:00:00Z'));
  const file = join(profile, '..', `kiosk-five-years-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(backup));
  const { context, page } = await open(profile);
  try {
    await page.goto(new URL('/kiosk/setup', baseUrl).href);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.getByLabel('Choose a staff passphrase').fill(STAFF);
    await page.getByLabel('Type the staff passphrase again').fill(STAFF);
    await page.getByRole('button', { name: 'Turn this device into a clinic tablet' }).click();
    await page.getByRole('button', { name: 'Lend to a patient' }).click({ timeout: 60_000 });
    await page.getByLabel('Staff passphrase').fill(STAFF);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Your new PIN').fill(PIN, { timeout: 60_000 });
    await page.getByLabel('Type your PIN again').fill(PIN);
    await page.getByRole('button', { name: 'Start using the tablet' }).click();
    await markTime(page, 'paceline:today-ready');
    await page.goto(new URL('/settings', baseUrl).href);
    await unlock(page);
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByRole('dialog').getByRole('button').last().click();
    await markTime(page, 'paceline:import-done', 300_000);
    return backup.records.length;
  } finally {
    await context.close();
    rmSync(file, { force: true });
  }
}

export async function runKioskBench(baseUrl: string, runs = 5): Promise<KioskBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'paceline-kiosk-bench-'));
  const profile = join(root, 'profile');
  try {
    const records = await seed(baseUrl, profile);
    const total: number[] = [];
    const kdf: number[] = [];
    const start: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { context, page } = await open(profile);
      try {
        await context.setOffline(true);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        await page.goto(new URL('/', baseUrl).href);
        await unlock(page);
        const [ready, unlocked, tap] = [
          await markTime(page, 'paceline:today-ready', 120_000),
          await markTime(page, 'paceline:kiosk-unlocked'),
          await markTime(page, 'bench:tap'),
        ];
        total.push(ready - tap);
        kdf.push(unlocked - tap);
        start.push(ready - unlocked);
      } finally {
        await context.close();
      }
    }
    return { records, unlockToTodayMs: stats(total), keyDerivationMs: stats(kdf), startAfterKeyMs: stats(start) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function printKiosk(r: KioskBenchResult, fmt: (s: Stats) => string): void {
  console.log(`\nClinic tablet (kiosk), ${r.records} records sealed at rest, CPU 4x, offline, new process per run`);
  console.log(`  tap on Unlock to usable Today:                  ${fmt(r.unlockToTodayMs)}`);
  console.log(`    of which the PIN's Argon2id and the unwrap:   ${fmt(r.keyDerivationMs)}`);
  console.log(`    of which the app's start through decryption:  ${fmt(r.startAfterKeyMs)}`);
}

export async function runKioskOnly(fmt: (s: Stats) => string): Promise<KioskBenchResult> {
  const staticDir = process.env.STATIC_DIR ?? resolve(import.meta.dirname, '../../dist');
  const server = await startServer({ port: 0, host: '127.0.0.1', staticDir });
  try {
    const result = await runKioskBench(server.url, Number(process.env.BENCH_RUNS ?? 5));
    printKiosk(result, fmt);
    const out = resolve(import.meta.dirname, 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(resolve(out, 'kiosk-latest.json'), JSON.stringify({ at: new Date().toISOString(), staticDir, kiosk: result }, null, 2));
    return result;
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runKioskOnly((s) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n=${s.n}, min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`);
}
