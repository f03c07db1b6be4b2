// CPU profile of one History render (five years, offline, CPU 4x), top functions by self time.
// Usage: npm run build && npx tsx tests/bench/profile-history.ts
import { rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../../sync-server/server';
import { seedFiveYears, open, markTime } from './browser';
interface Profile { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] }

const PROFILE_DIR = join(tmpdir(), 'paceline-profile-history');
const server = await startServer({ port: 0, host: '127.0.0.1', staticDir: resolve(process.env.BENCH_STATIC_DIR ?? resolve(import.meta.dirname, '../../dist')) });
rmSync(PROFILE_DIR, { recursive: true, force: true }); mkdirSync(PROFILE_DIR);
await seedFiveYears(server.url, join(PROFILE_DIR, 'profile'));
const { context, page } = await open(join(PROFILE_DIR, 'profile'));
await context.setOffline(true);
const cdp = await context.newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
await page.goto(server.url);
await markTime(page, 'paceline:today-ready');
await page.waitForTimeout(3000);
await page.evaluate(() => {
  (window as any).__loaf = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) (window as any).__loaf.push(e.toJSON()); }).observe({ type: 'long-animation-frame', buffered: false });
});
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await page.evaluate(() => window.addEventListener('click', () => performance.mark('bench:tap'), { once: true, capture: true }));
await page.getByRole('navigation').getByRole('link', { name: /history/i }).click();
const t1 = await markTime(page, 'paceline:history-ready');
const t0 = await page.evaluate(() => performance.getEntriesByName('bench:tap', 'mark').at(-1)!.startTime);
const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
console.log('history ms', t1 - t0);
await page.waitForTimeout(300);
const loafs = await page.evaluate('window.__loaf') as { startTime: number; duration: number; renderStart: number; styleAndLayoutStart: number; blockingDuration: number; scripts: { sourceURL: string; sourceFunctionName: string; invoker: string; duration: number; forcedStyleAndLayoutDuration: number }[] }[];
for (const f of loafs) {
  if (f.startTime < t0 - 5) continue;
  const end = f.startTime + f.duration;
  const render = f.renderStart ? (f.styleAndLayoutStart || end) - f.renderStart : 0;
  const style = f.styleAndLayoutStart ? end - f.styleAndLayoutStart : 0;
  console.log(`LoAF @${(f.startTime - t0).toFixed(0)} ${f.duration.toFixed(0)} ms: render(rAF etc) ${render.toFixed(0)}, style+layout ${style.toFixed(0)}; scripts:`, f.scripts.map((x) => `${x.invoker} ${x.duration.toFixed(0)} (forced layout ${x.forcedStyleAndLayoutDuration.toFixed(0)})`).join(' | '));
}
const self = new Map<string, number>();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas;
profile.samples.forEach((id: number, i: number) => {
  const f = byId.get(id)!.callFrame;
  const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
});
[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30).forEach(([k, v]) => console.log(v.toFixed(1).padStart(8), k));
await context.close(); await server.close();
