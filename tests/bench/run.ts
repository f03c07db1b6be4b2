// Runs every benchmark in one go and prints the figures side by side; writes tests/bench/results/latest.json.
// Usage: npm run bench (builds first). Benchmarks report; they never fail on noise.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer } from '../../sync-server/server';
import { measureBundles } from './bundle-size';
import { runBrowserBench, type Stats } from './browser';
import { printPanel, runPanelBench, runPanelOnly } from './profile-panel';
import { printKiosk, runKioskBench, runKioskOnly } from './profile-kiosk';

const fmt = (s: Stats) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n=${s.n}, min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`;

// `npx tsx tests/bench/run.ts panel` runs only the clinician panel's benchmark (results/panel-latest.json).
if (process.argv[2] === 'panel') {
  await runPanelOnly(fmt);
  process.exit(0);
}
// `npx tsx tests/bench/run.ts kiosk`: only the clinic tablet's unlock (results/kiosk-latest.json).
if (process.argv[2] === 'kiosk') {
  await runKioskOnly(fmt);
  process.exit(0);
}

// BENCH_STATIC_DIR=dir measures a build made elsewhere (`npx vite build --outDir dir`); default dist/.
const staticDir = process.env.BENCH_STATIC_DIR ? resolve(process.env.BENCH_STATIC_DIR) : resolve(import.meta.dirname, '../../dist');
// `npx tsx tests/bench/run.ts patient`: only the patient app's figures (no panel, no kiosk).
const patientOnly = process.argv[2] === 'patient';

const bundles = measureBundles(staticDir);
console.log('Initial JavaScript per route (gzip, level 9)    target: landing <= 80 KB, chart.js only on /history');
for (const r of bundles) console.log(`  ${r.route.padEnd(16)} ${r.gzipKB.toFixed(1).padStart(6)} KB   chart.js: ${r.hasChartJs ? 'yes' : 'no'}   yjs: ${r.hasYjs ? 'yes' : 'no'}`);

const server = await startServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', staticDir });
try {
  const b = await runBrowserBench(server.url);
  console.log(`\nFive years of data: ${b.records} records, imported through Settings in ${b.importMs} ms`);
  console.log(`Cold start offline to usable Today, CPU 4x slower   target < 1500 ms: ${fmt(b.coldStartOfflineMs)}`);
  console.log(`History render, tapped as Today appears, CPU 4x   target < 300 ms:  ${fmt(b.historyMs)}`);
  console.log(`History render, tapped 2 s after Today, CPU 4x     target < 300 ms:  ${fmt(b.historySettledMs)}`);
  console.log(`History switched to all five years, CPU 4x       target < 300 ms:  ${fmt(b.historyAllMs)}`);
  console.log(`Diary entry tap to committed in IndexedDB         target p95 < 20 ms: ${fmt(b.diarySaveMs)}`);
  console.log(`  of which journal store put() to committed:                          ${fmt(b.diaryPutMs)}`);
  const out = resolve(import.meta.dirname, 'results');
  mkdirSync(out, { recursive: true });
  if (patientOnly) {
    writeFileSync(resolve(out, 'patient-latest.json'), JSON.stringify({ at: new Date().toISOString(), bundles, browser: b }, null, 2));
  } else {
    const panel = await runPanelBench(server.url);
    printPanel(panel, fmt);
    const kiosk = await runKioskBench(server.url);
    printKiosk(kiosk, fmt);
    writeFileSync(resolve(out, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), bundles, browser: b, panel, kiosk }, null, 2));
  }
} finally {
  await server.close();
}
