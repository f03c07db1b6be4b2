import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { axe, CHROMIUM, CHROMIUM_ARGS, horizontalOverflow, openApp, screenshot, setTextSize, smallTouchTargets, type AppSession } from './harness';

/** Number of journal records (any kind, deleted too) in the app's database. */
async function recordCount(page: Page): Promise<number> {
  return page.evaluate(() => new Promise<number>((resolve, reject) => {
    const open = indexedDB.open('paceline');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction('records').objectStore('records').count();
      req.onsuccess = () => { resolve(req.result); db.close(); };
      req.onerror = () => reject(req.error);
    };
  }));
}

/**
 * axe on the whole page. The viewport is made as tall as the page first: otherwise whatever
 * happens to scroll under the sticky bottom navigation is reported as an obscured target.
 */
async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 412, height: 915 };
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  try {
    const violations = await axe(page);
    expect(violations, `${state}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  } finally {
    await page.setViewportSize(viewport);
  }
}

async function expectLayoutHolds(page: Page, state: string): Promise<void> {
  expect(await smallTouchTargets(page), `${state}: small targets`).toEqual([]);
  expect(await horizontalOverflow(page), `${state}: overflow`).toEqual([]);
}

async function goTo(page: Page, navName: string, heading: string, nav = 'Main'): Promise<void> {
  await page.getByRole('navigation', { name: nav }).getByRole('link', { name: navName }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/**
 * A fresh profile with the app's own Content-Security-Policy in force (openApp bypasses it
 * for axe), so Argon2id's WebAssembly runs under the real script-src.
 */
async function openAppWithCsp(path: string) {
  const baseUrl = inject('baseUrl');
  const profileDir = mkdtempSync(join(tmpdir(), 'paceline-e2e-csp-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, locale: 'en-US',
    viewport: { width: 412, height: 915 }, serviceWorkers: 'allow',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cspReports: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspReports.push(m.text()); });
  page.on('pageerror', (e) => cspReports.push(`[pageerror] ${e.message}`));
  await page.goto(new URL(path, baseUrl).href);
  return {
    page, cspReports,
    dispose: async () => {
      await context.close().catch(() => undefined);
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** A screenshot of one part of the page for a person to look at, with nothing fixed (the bottom navigation) over it. */
async function shoot(page: Page, part: Locator, path: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 412, height: 915 };
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  try {
    await part.screenshot({ path });
  } finally {
    await page.setViewportSize(viewport);
  }
}

const protectForm = (page: Page): Locator => page.getByRole('form', { name: 'Protect with a password' });
const unlockForm = (page: Page): Locator => page.getByRole('form', { name: 'This backup is protected by a password' });

describe('practice, settings and about', () => {
  let app: AppSession;
  let backupPath = '';
  const downloads = mkdtempSync(join(tmpdir(), 'paceline-dl-'));

  beforeAll(async () => {
    app = await openApp({ path: '/practice' });
    app.page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  test('a first practice from a starter, logged done in one tap', async () => {
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
    await page.getByRole('heading', { name: 'Add your first practice' }).waitFor();
    await expectNoAxeViolations(page, 'practice empty');
    await screenshot(page, 'practice-empty');

    await page.getByRole('button', { name: /Add “Walk 10 minutes”/ }).click();
    const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Walk 10 minutes' }) });
    await item.getByText('0 of 5 this week').waitFor();

    await item.getByRole('button', { name: 'Mark “Walk 10 minutes” done now' }).click();
    await item.getByText('1 of 5 this week').waitFor();
    await page.getByText('You did 20% of your practice this week.').waitFor();
    const recent = page.getByRole('region', { name: 'Recent practice' });
    await recent.getByText('Walk 10 minutes').waitFor();
    expect(await page.evaluate(() => performance.getEntriesByName('paceline:practice-saved').length)).toBe(1);
    await expectNoAxeViolations(page, 'practice with one log');
    await expectLayoutHolds(page, 'practice');
    await screenshot(page, 'practice-logged');
  });

  test('a log form with a bad value shows the error by the field and keeps what was typed', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Log with details: Walk 10 minutes' }).click();
    const form = page.getByRole('form', { name: 'Log “Walk 10 minutes”' });
    await form.getByRole('radio', { name: 'Partly done' }).check();
    await form.getByLabel('Minutes').fill('900');
    await form.getByLabel('Note').fill('Windy day');
    await form.getByRole('button', { name: 'Save log' }).click();
    await form.getByText('Choose a value from 0 to 600.').waitFor();
    expect(await form.getByLabel('Note').inputValue()).toBe('Windy day');
    expect(await form.getByRole('radio', { name: 'Partly done' }).isChecked()).toBe(true);
    await expectNoAxeViolations(page, 'practice log form error');
    await form.getByLabel('Minutes').fill('6');
    await form.getByRole('button', { name: 'Save log' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Walk 10 minutes' }).getByText('1.5 of 5 this week').waitFor();

    // Deleting a log can be undone.
    const recent = page.getByRole('region', { name: 'Recent practice' });
    await recent.getByRole('listitem').filter({ hasText: 'Partly done' }).getByRole('button', { name: /^Delete log of “Walk 10 minutes”/ }).click();
    await page.getByRole('listitem').filter({ hasText: 'Walk 10 minutes' }).getByText('1 of 5 this week').waitFor();
    const deletedToast = page.getByRole('status').locator('div', { hasText: 'Log deleted.' });
    await deletedToast.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Walk 10 minutes' }).getByText('1.5 of 5 this week').waitFor();

    // Editing a practice: a bad value is refused with the reason beside the field.
    await page.getByRole('button', { name: 'Edit “Walk 10 minutes”' }).click();
    const edit = page.getByRole('form', { name: 'Edit practice' });
    await edit.getByLabel('Times per week').fill('0');
    await edit.getByRole('button', { name: 'Save practice' }).click();
    await edit.getByText('Choose a value from 1 to 21.').waitFor();
    await expectNoAxeViolations(page, 'practice edit error');
    await edit.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit “Walk 10 minutes”');

    // Archive keeps history and can be undone from the toast.
    await page.getByRole('button', { name: 'Archive “Walk 10 minutes”' }).click();
    const archivedToast = page.getByRole('status').locator('div', { hasText: '“Walk 10 minutes” archived. Its history is kept.' });
    await archivedToast.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: 'Mark “Walk 10 minutes” done now' }).waitFor();

    await setTextSize(page, 200);
    await expectLayoutHolds(page, 'practice 200%');
    await screenshot(page, 'practice-200');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
  });

  test('settings: language at once, persistence result, backup download', async () => {
    const { page } = app;
    await goTo(page, 'Settings', 'Settings');
    await page.getByText(/Paceline uses about/).waitFor();
    await expectNoAxeViolations(page, 'settings');
    await expectLayoutHolds(page, 'settings');
    await screenshot(page, 'settings');

    const peg = page.getByLabel('Pain check-in (PEG): every how many days?');
    expect(await peg.inputValue()).toBe('7');
    await peg.fill('0');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('Choose a value from 1 to 90.').waitFor();
    await expectNoAxeViolations(page, 'settings cadence error');
    expect(await peg.inputValue()).toBe('0');
    await peg.fill('10');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('Schedule saved.').waitFor();
    expect(await page.getByText('Choose a value from 1 to 90.').count()).toBe(0);

    await page.getByRole('button', { name: 'Keep my data on this device' }).click();
    await page.getByRole('status').filter({ hasText: /browser/ }).first().waitFor();

    await page.getByRole('radio', { name: 'Español' }).check();
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Hoy' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Ajustes' }).waitFor();
    await expectNoAxeViolations(page, 'settings es');
    await screenshot(page, 'settings-es');
    await goTo(page, 'Hoy', 'Hoy', 'Principal');
    await page.getByRole('link', { name: 'Ir a práctica' }).click();
    await page.getByRole('heading', { level: 1, name: 'Práctica' }).waitFor();
    await page.getByText('1,5 de 5 esta semana').waitFor();
    await screenshot(page, 'practice-es');
    await goTo(page, 'Ajustes', 'Ajustes', 'Principal');
    await page.getByRole('radio', { name: 'English' }).check();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Today' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download backup (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^paceline-backup-\d{4}-\d{2}-\d{2}\.json$/);
    backupPath = join(downloads, download.suggestedFilename());
    await download.saveAs(backupPath);
    const backup = JSON.parse(readFileSync(backupPath, 'utf8')) as { records: unknown[] };
    expect(backup.records).toHaveLength(3);

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download spreadsheet (CSV)' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^paceline-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  test('bad backup files get clear errors and change nothing', async () => {
    const { page } = app;
    const before = await recordCount(page);
    const input = page.getByLabel('Restore from a backup file');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some notes') });
    await page.getByRole('alert').getByText(/This is not a Paceline backup file/).waitFor();
    await expectNoAxeViolations(page, 'settings restore error');

    await input.setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":"world"}') });
    await page.getByRole('alert').getByText(/This file is not a Paceline backup/).waitFor();
    const broken = JSON.parse(readFileSync(backupPath, 'utf8')) as { records: Record<string, unknown>[] };
    broken.records[0]!['at'] = 'yesterday';
    await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    await page.getByRole('alert').getByText('1 entry in this file is not valid, so nothing was restored.').waitFor();
    await page.getByRole('alert').getByText('Entry 1: at').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await recordCount(page)).toBe(before);
    await screenshot(page, 'settings-restore-error');
  });

  test('the backup restores into a fresh profile', async () => {
    const fresh = await openApp({ path: '/settings' });
    try {
      const { page } = fresh;
      page.setDefaultTimeout(10_000);
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await page.getByLabel('Restore from a backup file').setInputFiles(backupPath);
      const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
      await dialog.getByText(/This file has 3 entries/).waitFor();
      await expectNoAxeViolations(page, 'restore dialog');
      await screenshot(page, 'settings-restore-dialog');
      await dialog.getByRole('button', { name: 'Restore' }).click();
      await page.getByText('Restore finished: 3 added, 0 updated, 0 already up to date.').waitFor();
      expect(await page.evaluate(() => performance.getEntriesByName('paceline:import-done').length)).toBe(1);

      await goTo(page, 'Today', 'Today');
      await page.getByRole('link', { name: 'Go to practice' }).click();
      await page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
      await page.getByRole('heading', { name: 'Walk 10 minutes' }).waitFor();
      await page.getByText('1.5 of 5 this week').waitFor();
    } finally {
      await fresh.dispose();
    }
  });

  test('a password-protected backup: checked password, wrong password changes nothing, right one restores', async () => {
    const { page } = app;
    await goTo(page, 'Settings', 'Settings');
    const downloadsSeen: string[] = [];
    const onDownload = (d: { suggestedFilename(): string }) => downloadsSeen.push(d.suggestedFilename());
    page.on('download', onDownload);
    const password = page.getByLabel('Password for the backup');
    const repeat = page.getByLabel('Type the password again');
    const submit = page.getByRole('button', { name: 'Download protected backup' });

    await password.fill('short');
    await repeat.fill('short');
    await submit.click();
    await page.getByText('Use at least 8 characters.').waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await password.getAttribute('aria-describedby')).toBe('settings-protect-password-hint settings-protect-password-error');
    expect(await password.evaluate((el) => el === document.activeElement)).toBe(true);

    await password.fill('tablet loan 2026');
    await repeat.fill('tablet loan 2025');
    await submit.click();
    await page.getByText('The two passwords are not the same.', { exact: false }).waitFor();
    expect(await page.getByText('Use at least 8 characters.').count()).toBe(0);
    expect(await repeat.getAttribute('aria-describedby')).toBe('settings-protect-repeat-error');
    expect(await repeat.inputValue()).toBe('tablet loan 2025');
    await expectNoAxeViolations(page, 'protected backup errors');
    await expectLayoutHolds(page, 'protected backup errors');
    await shoot(page, protectForm(page), '/tmp/seal-protect-errors.png');
    expect(downloadsSeen).toEqual([]);

    await repeat.fill('tablet loan 2026');
    const [download] = await Promise.all([page.waitForEvent('download'), submit.click()]);
    page.off('download', onDownload);
    expect(download.suggestedFilename()).toMatch(/^paceline-backup-\d{4}-\d{2}-\d{2}-protected\.json$/);
    const sealedPath = join(downloads, download.suggestedFilename());
    await download.saveAs(sealedPath);
    const text = readFileSync(sealedPath, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'paceline-backup-sealed', formatVersion: 1, kdf: { alg: 'argon2id', memoryKiB: 65536 } });
    expect(text).not.toContain('Walk');
    await page.getByText(/Saved the protected file paceline-backup-.*-protected\.json/).waitFor();
    expect(await password.inputValue()).toBe('');
    expect(await repeat.inputValue()).toBe('');

    // The same device offers the password form, and Cancel leaves everything as it was.
    const before = await recordCount(page);
    await page.getByLabel('Restore from a backup file').setInputFiles(sealedPath);
    const unlock = unlockForm(page);
    await unlock.getByLabel('Password of this backup').fill('tablet loan');
    await unlock.getByRole('button', { name: 'Open backup' }).click();
    await unlock.getByText(/This password does not open the backup/).waitFor();
    await expectNoAxeViolations(page, 'unlock wrong password');
    await unlock.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Nothing was changed.').waitFor();
    expect(await unlock.count()).toBe(0);
    expect(await recordCount(page)).toBe(before);

    const fresh = await openAppWithCsp('/settings');
    try {
      const p = fresh.page;
      p.setDefaultTimeout(15_000);
      await p.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await p.getByLabel('Restore from a backup file').setInputFiles(sealedPath);
      const form = unlockForm(p);
      const field = form.getByLabel('Password of this backup');
      await field.waitFor();
      expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
      await form.getByRole('button', { name: 'Open backup' }).click();
      await form.getByText('Type the password of this backup.').waitFor();

      await field.fill('tablet loan 2025');
      await form.getByRole('button', { name: 'Open backup' }).click();
      await form.getByText('This password does not open the backup. Nothing was changed. Check it and try again, or try another copy of the file.').waitFor();
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await field.getAttribute('aria-describedby')).toBe('settings-unlock-password-error');
      expect(await field.inputValue()).toBe('tablet loan 2025');
      expect(await p.getByRole('dialog').count()).toBe(0);
      expect(await recordCount(p)).toBe(0);
      await shoot(p, form, '/tmp/seal-unlock-wrong.png');

      // 200% text: the protect form with an error and the password prompt must still fit.
      const bigText = await p.addStyleTag({ content: 'html { font-size: 200% !important; }' });
      await p.getByLabel('Password for the backup').fill('1234');
      await p.getByRole('button', { name: 'Download protected backup' }).click();
      await p.getByText('Use at least 8 characters.').waitFor();
      await expectLayoutHolds(p, 'backup section 200%');
      await shoot(p, protectForm(p), '/tmp/seal-protect-200.png');
      await shoot(p, form, '/tmp/seal-unlock-200.png');
      await bigText.evaluate((el) => el.parentNode?.removeChild(el));

      await field.fill('tablet loan 2026');
      await form.getByRole('button', { name: 'Open backup' }).click();
      const dialog = p.getByRole('dialog', { name: 'Restore this backup?' });
      await dialog.getByText(/This file has 3 entries/).waitFor();
      expect(await recordCount(p)).toBe(0);
      await dialog.getByRole('button', { name: 'Restore' }).click();
      await p.getByText('Restore finished: 3 added, 0 updated, 0 already up to date.').waitFor();
      expect(await recordCount(p)).toBe(3);

      await goTo(p, 'Today', 'Today');
      await p.getByRole('link', { name: 'Go to practice' }).click();
      await p.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
      await p.getByRole('heading', { name: 'Walk 10 minutes' }).waitFor();
      await p.getByText('1.5 of 5 this week').waitFor();
      expect(fresh.cspReports).toEqual([]);
    } finally {
      await fresh.dispose();
    }
  });

  test('about: privacy and credits, accessible at 200%', async () => {
    const { page } = app;
    await page.getByRole('link', { name: 'About Paceline' }).click();
    await page.getByRole('heading', { level: 1, name: 'About Paceline' }).waitFor();
    await page.getByText(/Krebs EE/).waitFor();
    await page.getByText(/Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke/).waitFor();
    await page.getByText(/Paceline version \d+\.\d+\.\d+/).waitFor();
    await expectNoAxeViolations(page, 'about');
    await screenshot(page, 'about');
    await setTextSize(page, 200);
    await expectLayoutHolds(page, 'about 200%');
    await page.getByRole('link', { name: 'Back to Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await expectLayoutHolds(page, 'settings 200%');
    await screenshot(page, 'settings-200');
  });
});
