import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

const require = createRequire(import.meta.url);
export { CHROMIUM, CHROMIUM_ARGS };
export const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');

export interface AppSession {
  context: BrowserContext;
  page: Page;
  baseUrl: string;
  profileDir: string;
  /** Closes the browser but keeps the profile (IndexedDB, service worker) for a restart. */
  close(): Promise<void>;
  /** Deletes the profile. */
  dispose(): Promise<void>;
}

/** Opens a fresh (or given) Chromium profile on the app, like a person opening it in a browser. */
export async function openApp(opts: { profileDir?: string; path?: string; locale?: string; viewport?: { width: number; height: number }; args?: string[] } = {}): Promise<AppSession> {
  const baseUrl = inject('baseUrl');
  const profileDir = opts.profileDir ?? mkdtempSync(join(tmpdir(), 'paceline-e2e-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
    headless: true,
    locale: opts.locale ?? 'en-US',
    viewport: opts.viewport ?? { width: 412, height: 915 },
    // axe is injected as an inline script; the app's own CSP would refuse it.
    bypassCSP: true,
    serviceWorkers: 'allow',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error('[pageerror]', e.message));
  if (process.env.E2E_CONSOLE) page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error(`[console ${m.type()}]`, m.text()); });
  await page.goto(new URL(opts.path ?? '/', baseUrl).href);
  return {
    context, page, baseUrl, profileDir,
    close: () => context.close(),
    dispose: async () => {
      await context.close().catch(() => undefined);
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the service worker has cached the app, so the network can go away. */
export async function waitForOfflineReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string }[] }

/** Runs axe-core (WCAG 2.1 A/AA and best practices) on the current page. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  // Make the window as tall as the page: otherwise whatever scrolls under the sticky bottom
  // navigation is reported as an obscured target, which a person scrolling never meets.
  const viewport = page.viewportSize();
  if (viewport) {
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
  }
  try {
    return await runAxe(page);
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: AxeViolation[] }> } };
    const result = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) }));
  });
}

/** Saves a screenshot under tests/e2e/artifacts (not committed) for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Doubles the root font size, as a person with large text settings would see the app. */
export async function setTextSize(page: Page, percent: number): Promise<void> {
  await page.addStyleTag({ content: `html { font-size: ${percent}% !important; }` });
}

/** Finds targets smaller than 44x44 CSS px among buttons, links and inputs' labels. */
export async function smallTouchTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const els = document.querySelectorAll<HTMLElement>('button, a[href], input:not([type=radio]):not([type=checkbox]), select, textarea, label:has(> input[type=radio]), label:has(> input[type=checkbox]), summary');
    for (const el of els) {
      if (el.closest('.skip-link') || el.offsetParent === null) continue;
      const r = el.getBoundingClientRect();
      // Links inside running text are exempt under WCAG 2.5.8 (inline).
      if (el.tagName === 'A' && el.closest('p') && !el.classList.contains('button')) continue;
      if (r.width < 43.5 || r.height < 43.5) out.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
}

/** Finds elements wider than the viewport (horizontal scrolling breaks 200% text layouts). */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > vw + 1) {
      out.push(`document ${document.documentElement.scrollWidth} > ${vw}`);
      // Name the widest elements that stick out, so a failure says where to look.
      const wide = [...document.querySelectorAll('body *')]
        .map((el) => ({ el, right: el.getBoundingClientRect().right }))
        .filter((x) => x.right > vw + 1)
        .sort((a, b) => b.right - a.right)
        .slice(0, 3);
      for (const { el, right } of wide) out.push(`${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}" right ${Math.round(right)}`);
    }
    return out;
  });
}
