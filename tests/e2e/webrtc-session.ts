// Runs inside a loopback-only network namespace (see webrtc.test.ts): the server, and two
// Chromium profiles of one patient linked through it. The phone's relay socket is then cut,
// so an entry it logs can reach the tablet only through the live y-webrtc session (signaling
// through the same server). Prints one JSON line with what it saw.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer } from '../../sync-server/server';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
const server = await startServer({ port: 0, host: '127.0.0.1', staticDir: process.env.STATIC_DIR ?? resolve(import.meta.dirname, '../../dist') });
const dirs: string[] = [];
const contexts: BrowserContext[] = [];
const pages: Page[] = [];
const problems: string[] = [];

async function open(): Promise<{ context: BrowserContext; page: Page }> {
  const dir = mkdtempSync(join(tmpdir(), 'paceline-webrtc-'));
  dirs.push(dir);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, '--allow-loopback-in-peer-connection'],
    headless: true,
    viewport: { width: 412, height: 915 },
    serviceWorkers: 'allow',
  });
  // Chromium offers host ICE candidates only to pages with media permission.
  await context.grantPermissions(['camera', 'microphone'], { origin: new URL(server.url).origin });
  contexts.push(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const name = `page${contexts.length}`;
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${name} console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${name} pageerror: ${e.message}`));
  pages.push(page);
  await page.goto(server.url);
  return { context, page };
}

const entries = (page: Page) => page.getByRole('region', { name: 'Today’s entries' });
async function logPain(page: Page, value: number): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(`^${value}(:|$)`) }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await entries(page).getByText(`Pain ${value} out of 10`).first().waitFor();
}

const result: Record<string, unknown> = { ok: false };
try {
  const phone = await open();
  const tablet = await open();
  await logPain(phone.page, 7);
  await phone.page.locator('.sync-line').getByText(/were shared at/).waitFor({ timeout: 20_000 });
  await phone.page.goto(new URL('/settings', server.url).href);
  const section = phone.page.getByRole('region', { name: 'Sharing and devices' });
  await section.getByRole('button', { name: 'Make a link for my other device' }).click({ timeout: 20_000 });
  const link = await section.getByLabel('Link for your other device').inputValue();
  await tablet.page.goto(link);
  await tablet.page.getByRole('button', { name: 'Link this device' }).click();
  await tablet.page.waitForURL((u) => u.pathname === '/');
  await entries(tablet.page).getByText('Pain 7 out of 10').waitFor({ timeout: 20_000 });

  // Cut the phone off the relay (every /relay socket is closed at once); signaling stays.
  let relayAttempts = 0;
  await phone.page.routeWebSocket(/\/relay$/, (ws) => { relayAttempts += 1; ws.close({ code: 4006, reason: 'server-shutting-down' }); });
  await phone.page.goto(server.url);
  await phone.page.getByRole('radio', { name: /^8(:|$)/ }).waitFor();
  // Give both pages time to find each other through signaling before the entry is made.
  await phone.page.waitForTimeout(4000);
  await logPain(phone.page, 8);
  await entries(tablet.page).getByText('Pain 8 out of 10').waitFor({ timeout: 30_000 });
  result['phoneLine'] = await phone.page.locator('.sync-line').innerText();
  result['relayAttemptsWhileCut'] = relayAttempts;
  const pushes = (await (await fetch(new URL('/metrics', server.url))).text()).split('\n').find((l) => l.startsWith('paceline_relay_pushes_total{result="stored"}'));
  result['relayStoredPushes'] = pushes ?? null;
  await tablet.page.screenshot({ path: join(ARTIFACTS, 'webrtc-tablet-live.png') });
  await phone.page.screenshot({ path: join(ARTIFACTS, 'webrtc-phone-relay-cut.png') });
  result['ok'] = true;
} catch (e) {
  result['error'] = e instanceof Error ? e.message : String(e);
  result['problems'] = problems;
  result['bodies'] = await Promise.all(pages.map(async (p, i) => {
    await p.screenshot({ path: join(ARTIFACTS, `webrtc-failed-${i}.png`) }).catch(() => undefined);
    return `${p.url()} :: ${(await p.locator('body').innerText().catch(() => '?')).slice(0, 600)}`;
  }));
} finally {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  console.log(`WEBRTC_RESULT ${JSON.stringify(result)}`);
}
