// The end-to-end path: first visit, go offline, log pain and practice, answer a PEG,
// reload offline and come back after closing the browser: everything is there and charted.
// Then every route passes axe in English and in Spanish.
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axe, openApp, screenshot, smallTouchTargets, waitForOfflineReady, type AppSession } from './harness';

const sessions: AppSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.dispose();
});

async function nav(page: Page, name: string, heading: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function expectClean(page: Page, where: string): Promise<void> {
  const violations = await axe(page);
  expect(violations.map((v) => `${where}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await smallTouchTargets(page), `${where}: small targets`).toEqual([]);
}

describe('a patient offline for days', () => {
  let app: AppSession;

  it('logs pain, practice and a PEG offline, and finds them after reloading offline', async () => {
    app = await openApp({ path: '/' });
    sessions.push(app);
    const { page, context } = app;
    await waitForOfflineReady(page);
    await context.setOffline(true);

    await page.getByRole('radio', { name: '6', exact: true }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Pain 6 saved').waitFor();

    // Own practices are reached from Today's practice card (the tab bar has the plan).
    await page.getByRole('link', { name: 'Go to practice' }).click();
    await page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
    await page.getByRole('button', { name: /Add “Walk 10 minutes”/ }).click();
    await page.getByRole('button', { name: 'Mark “Walk 10 minutes” done now' }).click();
    await page.getByText('1 of 5 this week').waitFor();

    await nav(page, 'Check-ins', 'Check-ins');
    await page.getByRole('region', { name: 'Due now' }).getByRole('link', { name: 'Start the pain check-in' }).click();
    for (const [n, v] of [[1, '5'], [2, '6'], [3, '6']] as const) {
      await page.getByRole('group', { name: new RegExp(`^${n}\\. `) }).getByRole('radio', { name: v, exact: true }).check();
    }
    await page.getByRole('button', { name: 'Save my answers' }).click();
    await page.getByRole('region', { name: 'Your result' }).getByText('5.7', { exact: false }).first().waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await nav(page, 'Today', 'Today');
    await page.getByRole('region', { name: 'Today’s entries' }).getByText('Pain 6 out of 10').waitFor();
    await nav(page, 'History', 'History');
    await page.getByRole('img', { name: /^Pain: / }).waitFor();
    const peg = page.getByRole('figure', { name: /PEG/ });
    await peg.getByRole('img', { name: /^PEG score: / }).waitFor();
    await peg.getByRole('button', { name: 'Show as table' }).click();
    expect(await peg.getByRole('table').textContent()).toContain('5.7');
    await screenshot(page, 'journey-history-offline');
  });

  it('still has everything after the browser is closed and opened again offline', async () => {
    await app.close();
    const again = await openApp({ profileDir: app.profileDir, path: '/practice' }).catch(async () => {
      // The first navigation of a new browser process may race the offline switch; retry once.
      return openApp({ profileDir: app.profileDir, path: '/practice' });
    });
    sessions.push(again);
    await again.context.setOffline(true);
    await again.page.reload();
    await again.page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
    await again.page.getByText('1 of 5 this week').waitFor();
    await nav(again.page, 'History', 'History');
    await again.page.getByRole('img', { name: /^PEG score: / }).waitFor();
  });
});

const ROUTES: [string, string][] = [
  ['/', 'Today'], ['/practice', 'Practice'], ['/checkins', 'Check-ins'], ['/checkins/peg', 'PEG'],
  ['/checkins/phq9', 'PHQ-9'], ['/checkins/gad7', 'GAD-7'], ['/checkins/phq2', 'PHQ-2'], ['/checkins/gad2', 'GAD-2'],
  ['/history', 'History'], ['/crisis', 'Crisis'], ['/settings', 'Settings'], ['/about', 'About'], ['/no-such-page', 'Not found'],
  ['/plan', 'Plan'], ['/messages', 'Messages'], ['/care-team', 'Care team'], ['/join', 'Join (no invitation)'], ['/circles/new', 'New patient circle'], ['/kiosk/setup', 'Clinic tablet set-up'],
];

describe('every route is accessible', () => {
  for (const locale of ['en-US', 'es-US']) {
    it(`passes axe with no violations and has 44 px targets (${locale})`, async () => {
      const app = await openApp({ path: '/', locale });
      sessions.push(app);
      const { page } = app;
      // Some data so lists and charts are not empty.
      await page.getByRole('radio', { name: '4', exact: true }).click();
      await page.getByRole('button', { name: /^(Save|Guardar)$/ }).click();
      await page.getByRole('status').getByRole('button').first().waitFor();
      if (locale.startsWith('es')) {
        await page.getByRole('navigation').getByRole('link', { name: 'Hoy' }).waitFor();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');
      }
      for (const [path, label] of ROUTES) {
        await page.goto(new URL(path, app.baseUrl).href);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        await expectClean(page, `${locale} ${label} ${path}`);
      }
      await screenshot(page, `journey-about-${locale}`);
    });
  }
});

describe('keyboard only', () => {
  it('logs pain and reaches the crisis screen without a mouse', async () => {
    const app = await openApp({ path: '/' });
    sessions.push(app);
    const { page } = app;
    await page.waitForFunction(() => performance.getEntriesByName('paceline:today-ready').length > 0);
    // Tab from the top of the page to the pain scale, choose 3 with the arrow keys, then Save.
    let guard = 0;
    while (!(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name === 'pain-now' || document.activeElement?.closest('fieldset')?.querySelector('legend')?.textContent?.includes('pain right now')))) {
      await page.keyboard.press('Tab');
      if (++guard > 15) throw new Error('the pain scale is not reachable by Tab');
    }
    await page.keyboard.press('Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: '3', exact: true }).isChecked()).toBe(true);
    guard = 0;
    while ((await page.evaluate(() => document.activeElement?.textContent?.trim())) !== 'Save') {
      await page.keyboard.press('Tab');
      if (++guard > 10) throw new Error('Save is not reachable by Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Today’s entries' }).getByText('Pain 3 out of 10').waitFor();

    // The crisis button is early in the tab order on every screen.
    await page.keyboard.press('Shift+Tab');
    guard = 0;
    while ((await page.evaluate(() => document.activeElement?.textContent?.trim())) !== 'Crisis help') {
      await page.keyboard.press('Shift+Tab');
      if (++guard > 40) throw new Error('Crisis help is not reachable by keyboard');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1 }).filter({ hasText: /crisis|help/i }).waitFor();
    await page.getByRole('link', { name: /988/ }).first().waitFor();
  });
});
