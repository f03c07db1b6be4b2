// CPU profile of 30 diary saves (five years of data, offline, CPU 4x), top functions by self time.
// Usage: npm run build && npx tsx tests/bench/profile-save.ts
import { rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../../sync-server/server';
import { seedFiveYears, open, markTime } from './browser';
interface Profile { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] }

const PROFILE_DIR = join(tmpdir(), 'paceline-profile-save');
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
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
let total = 0;
for (let i = 0; i < 30; i++) {
  await page.getByRole('radio', { name: new RegExp(`^${i % 11}(:|$)`) }).first().check();
  await page.evaluate(() => new Promise((done) => requestIdleCallback(() => done(null), { timeout: 1000 })));
  await page.evaluate(() => performance.clearMarks('paceline:diary-saved'));
  await page.getByRole('button', { name: /^save/i }).first().click();
  await markTime(page, 'paceline:diary-saved');
  total += await page.evaluate(() => performance.getEntriesByName('paceline:diary-saved', 'mark').at(-1)!.startTime - performance.getEntriesByName('paceline:diary-put', 'mark').at(-1)!.startTime);
}
const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
console.log('mean put ms', total / 30);
const self = new Map<string, number>();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas;
profile.samples.forEach((id: number, i: number) => {
  const f = byId.get(id)!.callFrame;
  const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
});
[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).forEach(([k, v]) => console.log(v.toFixed(1).padStart(8), k));
await context.close(); await server.close();
