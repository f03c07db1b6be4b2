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

/** A store of a page's IndexedDB database: its row count and, if asked for, its rows as text (bytes as UTF-8 and Latin-1). */
export interface StoreContents {
  count: number;
  text?: string;
}

/**
 * Every IndexedDB database of the page, store by store. Only databases that exist are read:
 * one deleted after indexedDB.databases() listed it is skipped, not created again by the
 * open (the upgrade such an open would run is aborted).
 */
export async function readDatabases(page: Page, withText = false): Promise<Record<string, Record<string, StoreContents>>> {
  return page.evaluate(async (withText) => {
    const asText = (value: unknown): string => {
      const parts: string[] = [];
      const bytes = (u: Uint8Array) => { parts.push(new TextDecoder('utf-8', { fatal: false }).decode(u)); parts.push(new TextDecoder('latin1').decode(u)); };
      const walk = (v: unknown): void => {
        if (v instanceof Uint8Array) return bytes(v);
        if (v instanceof ArrayBuffer) return bytes(new Uint8Array(v));
        if (Array.isArray(v)) return v.forEach(walk);
        if (v && typeof v === 'object') { for (const [k, x] of Object.entries(v)) { parts.push(k); walk(x); } return; }
        parts.push(String(v));
      };
      walk(value);
      return parts.join('\n');
    };
    const out: Record<string, Record<string, { count: number; text?: string }>> = {};
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase | null>((res, rej) => {
        const r = indexedDB.open(name);
        r.onupgradeneeded = () => r.transaction?.abort();
        r.onsuccess = () => res(r.result);
        r.onerror = () => (r.error?.name === 'AbortError' ? res(null) : rej(r.error));
      });
      if (!db) continue;
      const stores: Record<string, { count: number; text?: string }> = {};
      for (const store of [...db.objectStoreNames]) {
        const rows = await new Promise<unknown[]>((res, rej) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
        stores[store] = withText ? { count: rows.length, text: asText(rows) } : { count: rows.length };
      }
      out[name] = stores;
      db.close();
    }
    return out;
  }, withText);
}
