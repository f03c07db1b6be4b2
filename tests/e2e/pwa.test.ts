import { cpSync, mkdtempSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../sync-server/server';
import { CHROMIUM, CHROMIUM_ARGS, axe, horizontalOverflow, screenshot, setTextSize, smallTouchTargets } from './harness';
import { measureBundles } from '../bench/bundle-size';

// A private copy of the build, so this test can ship "a new version" without touching dist/.
describe('installable PWA', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paceline-pwa-'));
    cpSync(process.env.STATIC_DIR ?? resolve(import.meta.dirname, '../../dist'), dir, { recursive: true });
    server = await startServer({ port: 0, host: '127.0.0.1', staticDir: dir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a complete manifest with icons that load', async () => {
    const html = await (await fetch(server.url)).text();
    const href = /<link rel="manifest" href="([^"]+)"/.exec(html)?.[1];
    expect(href).toBeTruthy();
    const manifest = (await (await fetch(new URL(href!, server.url))).json()) as Record<string, unknown> & { icons: { src: string; sizes: string; purpose?: string }[] };
    expect(manifest).toMatchObject({ name: expect.stringContaining('Paceline'), short_name: 'Paceline', display: 'standalone', lang: 'en', start_url: '/' });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    const sizes = manifest.icons.map((i) => `${i.sizes}:${i.purpose ?? 'any'}`);
    expect(sizes).toEqual(expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable']));
    for (const icon of manifest.icons) {
      const res = await fetch(new URL(icon.src, server.url));
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get('content-type')).toContain('image/png');
    }
  });

  it('a screen whose code does not arrive says so in words, leaves the others working, and opens after Try again', async () => {
    // No service worker, so the screen's file is fetched from the network, where it fails.
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 412, height: 915 }, bypassCSP: true });
    try {
      const page = await context.newPage();
      const chunk = /\/assets\/MessagesPage-[^/]+\.js$/;
      await page.route(chunk, (route) => route.abort('internetdisconnected'));
      await page.goto(server.url);
      await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
      const messages = page.getByRole('navigation').getByRole('link', { name: 'Messages' });
      await messages.click();
      const failed = page.getByRole('heading', { level: 1, name: 'This screen could not open' });
      await failed.waitFor();
      expect(await page.getByRole('alert').innerText()).toContain('Everything you saved is still on this device');
      await screenshot(page, 'screen-failed');
      expect(await axe(page)).toEqual([]);
      expect(await smallTouchTargets(page)).toEqual([]);
      await setTextSize(page, 200);
      expect(await horizontalOverflow(page)).toEqual([]);
      await screenshot(page, 'screen-failed-200');
      await setTextSize(page, 100);
      // The rest of the app still works.
      await page.getByRole('navigation').getByRole('link', { name: 'Today' }).click();
      await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
      await messages.click();
      await failed.waitFor();
      // The connection is back: Try again opens the screen.
      await page.unroute(chunk);
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
      expect(await failed.count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('works offline after the first visit and offers a new version when one is deployed', async () => {
    const context = await browser.newContext({ serviceWorkers: 'allow' });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    await page.goto(new URL('/history', server.url).href);
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor();
    await context.setOffline(false);

    // "Deploy" a new version: a changed service worker, and the server restarted on the same
    // origin as a real deploy does (the static handler reads file sizes at start).
    appendFileSync(join(dir, 'sw.js'), '\n// new version\n');
    const port = Number(new URL(server.url).port);
    await server.close();
    server = await startServer({ port, host: '127.0.0.1', staticDir: dir });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const banner = page.getByRole('status').filter({ hasText: /new version/i });
    await banner.waitFor({ timeout: 15_000 });
    await screenshot(page, 'pwa-update-banner');
    const reloaded = page.waitForEvent('load');
    await banner.getByRole('button', { name: /update now/i }).click();
    await reloaded;
    await expect(page.getByRole('status').filter({ hasText: /new version/i }).count()).resolves.toBe(0);
    await context.close();
  });

  it('keeps the landing route small and chart.js out of it', () => {
    const sizes = measureBundles(dir);
    const landing = sizes.find((s) => s.route === '/')!;
    expect(landing.gzipKB).toBeLessThanOrEqual(80);
    expect(landing.hasChartJs).toBe(false);
    expect(landing.hasYjs).toBe(false);
    for (const s of sizes) expect(s.hasChartJs, s.route).toBe(s.route === '/history');
  });
});
