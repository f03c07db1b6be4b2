import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { axe, horizontalOverflow, openApp, readDatabases, screenshot, setTextSize, smallTouchTargets, waitForOfflineReady, type AppSession } from './harness';

let app: AppSession;
let page: Page;

async function expectAccessible(p: Page, state: string): Promise<void> {
  const violations = await axe(p);
  expect(violations.map((v) => `${state}: ${v.id} ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await smallTouchTargets(p), `${state}: small targets`).toEqual([]);
}

/** Writes (or, with undefined, deletes) Today's kept draft straight into IndexedDB, as a damaged device might hold it. */
function writeKeptDraft(p: Page, value: unknown): Promise<void> {
  return p.evaluate((value) => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('paceline');
    open.onsuccess = () => {
      const tx = open.result.transaction('settings', 'readwrite');
      const store = tx.objectStore('settings');
      if (value === undefined) store.delete('draft:diary-today');
      else store.put({ key: 'draft:diary-today', value });
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  }), value);
}

describe('diary: Today and editing an entry', () => {
  beforeAll(async () => {
    app = await openApp({ path: '/' });
    page = app.page;
    await page.waitForFunction(() => performance.getEntriesByName('paceline:today-ready').length > 0);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  test('logs pain in two taps, lists it, and undo removes it', async () => {
    const entries = page.getByRole('region', { name: 'Today’s entries' });
    await expect(entries.getByText('No entries yet today.').isVisible()).resolves.toBe(true);
    await expectAccessible(page, 'today empty');
    await screenshot(page, 'diary-today');

    await page.getByRole('radio', { name: '6', exact: true }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Pain 6 saved').waitFor();
    await entries.getByText('Pain 6 out of 10').waitFor();
    expect(await page.evaluate(() => performance.getEntriesByName('paceline:diary-saved').length)).toBe(1);
    // The scale is ready for the next entry.
    expect(await page.getByRole('radio', { name: '6', exact: true }).isChecked()).toBe(false);

    await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await entries.getByText('No entries yet today.').waitFor();
  });

  test('Save without a number asks for one and saves nothing', async () => {
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Tap a number for your pain first.').waitFor();
    expect(await page.getByRole('region', { name: 'Today’s entries' }).getByRole('listitem').count()).toBe(0);
  });

  test('adds details with the body map and triggers', async () => {
    await page.getByRole('radio', { name: '7', exact: true }).click();
    const toggle = page.getByRole('button', { name: 'Add details' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');

    const front = page.getByRole('group', { name: 'Front of body' });
    await front.getByRole('checkbox', { name: 'Left knee' }).click();
    // Keyboard works too: Space on a focused region.
    await page.getByRole('group', { name: 'Back of body' }).getByRole('checkbox', { name: 'Lower back' }).focus();
    await page.keyboard.press('Space');
    expect(await page.getByRole('checkbox', { name: 'Lower back' }).first().getAttribute('aria-checked')).toBe('true');
    const chosen = page.getByRole('list', { name: 'Chosen places' });
    await chosen.getByText('Lower back').waitFor();
    await chosen.getByText('Left knee').waitFor();

    await page.getByRole('checkbox', { name: 'Weather' }).check();
    await page.getByRole('checkbox', { name: 'Stiff' }).check();
    await page.getByLabel('Anything else that made it worse?').fill('Long drive');
    await page.getByLabel('Hours slept last night').fill('lots');
    await page.getByRole('group', { name: 'How is your mood?' }).getByRole('radio', { name: '4', exact: true }).click();
    await expectAccessible(page, 'today details open');
    await screenshot(page, 'diary-today-details');

    // A bad number is explained next to its field and nothing typed is lost.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('This value has the wrong form.').waitFor();
    expect(await page.getByLabel('Anything else that made it worse?').inputValue()).toBe('Long drive');
    expect(await page.getByLabel('Hours slept last night').inputValue()).toBe('lots');
    await expectAccessible(page, 'today with errors');

    // A time in the future is refused; a time earlier today is fine.
    const when = page.getByLabel('When was this?');
    const shown = await when.inputValue();
    await when.fill(`${new Date().getFullYear() + 1}-01-01T10:00`);
    await page.getByLabel('Hours slept last night').fill('6,5');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('This date is in the future.').waitFor();
    await when.fill(shown);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Pain 7 saved').waitFor();
    const item = page.getByRole('region', { name: 'Today’s entries' }).getByRole('listitem').first();
    await item.getByText('Pain 7 out of 10').waitFor();
    const summary = await item.innerText();
    for (const bit of ['Left knee', 'Lower back', 'Stiff', 'Weather', '6.5 h sleep', 'Mood 4/10']) expect(summary).toContain(bit);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  });

  test('edits the entry and sees the change', async () => {
    await page.getByRole('link', { name: /^Edit entry from/ }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Edit entry' }).waitFor();
    const pain = page.getByRole('group', { name: 'Pain', exact: true });
    expect(await pain.getByRole('radio', { name: '7', exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Anything else that made it worse?').inputValue()).toBe('Long drive');
    await expectAccessible(page, 'edit');
    await screenshot(page, 'diary-edit');

    await pain.getByRole('radio', { name: '3', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Weather' }).uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    const item = page.getByRole('region', { name: 'Today’s entries' }).getByRole('listitem').first();
    await item.getByText('Pain 3 out of 10').waitFor();
    expect(await item.innerText()).not.toContain('Weather');
  });

  test('deletes with undo', async () => {
    const entries = page.getByRole('region', { name: 'Today’s entries' });
    await page.getByRole('button', { name: /^Delete entry from/ }).first().click();
    await entries.getByText('No entries yet today.').waitFor();
    await page.getByText('Entry deleted').waitFor();
    // Toasts stack oldest first; the newest one is the deletion's.
    await page.getByRole('status').getByRole('button', { name: 'Undo' }).last().click();
    await entries.getByText('Pain 3 out of 10').waitFor();
  });

  test('an unfinished entry survives closing the app, offline, until it is saved or discarded', async () => {
    const pain8 = () => page.getByRole('group', { name: 'How is your pain right now?' }).getByRole('radio', { name: '8', exact: true });
    await waitForOfflineReady(page);
    await app.context.setOffline(true);
    await pain8().click();
    await page.getByRole('button', { name: 'Add details' }).click();
    await page.getByRole('checkbox', { name: 'Weather' }).check();
    await page.getByLabel('What helped?').fill('Warm towel on the back');
    // Kept on the device a moment after typing stops.
    await expect.poll(async () => (await readDatabases(page, true))['paceline']?.['settings']?.text ?? '', { timeout: 5_000 }).toContain('Warm towel on the back');

    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('paceline:today-ready').length > 0);
    const note = page.getByRole('status').filter({ hasText: 'You were writing this entry today at' });
    await note.waitFor();
    expect(await note.innerText()).toContain('It is not saved yet');
    expect(await pain8().isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add details' }).getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByRole('checkbox', { name: 'Weather' }).isChecked()).toBe(true);
    expect(await page.getByLabel('What helped?').inputValue()).toBe('Warm towel on the back');
    await expectAccessible(page, 'today with a kept entry');
    await screenshot(page, 'diary-draft-restored');
    await setTextSize(page, 200);
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshot(page, 'diary-draft-restored-200');
    await setTextSize(page, 100);

    // Discard has an undo; the discarded entry is gone from the device.
    await note.getByRole('button', { name: 'Discard it' }).click();
    await page.getByText('Unfinished entry discarded').waitFor();
    expect(await pain8().isChecked()).toBe(false);
    await expect.poll(async () => (await readDatabases(page, true))['paceline']?.['settings']?.text ?? '').not.toContain('Warm towel');
    await page.getByRole('status').filter({ hasText: 'Unfinished entry discarded' }).getByRole('button', { name: 'Undo' }).click();
    expect(await pain8().isChecked()).toBe(true);
    expect(await page.getByLabel('What helped?').inputValue()).toBe('Warm towel on the back');

    // Saved: a reload offers nothing.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Pain 8 saved').waitFor();
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('paceline:today-ready').length > 0);
    await page.getByRole('region', { name: 'Today’s entries' }).getByText('Pain 8 out of 10').waitFor();
    expect(await page.getByText('You were writing this entry').count()).toBe(0);
    expect(await pain8().isChecked()).toBe(false);

    // A kept entry that cannot be read is reported, and left as it is.
    await writeKeptDraft(page, { v: 1, savedAt: 'garbled', value: {} });
    await page.reload();
    await page.getByText('An unfinished entry kept on this device could not be opened. Nothing was changed.').waitFor();
    await expectAccessible(page, 'today with an unreadable kept entry');
    await screenshot(page, 'diary-draft-unreadable');
    expect((await readDatabases(page, true))['paceline']?.['settings']?.text).toContain('garbled');
    await writeKeptDraft(page, undefined);
    await app.context.setOffline(false);
  });

  test('unknown entry says so and links back', async () => {
    await page.goto(new URL('/entry/01ARZ3NDEKTSV4RRFFQ69G5FAV', app.baseUrl).href);
    await page.getByText('This entry does not exist on this device.', { exact: false }).waitFor();
    await expectAccessible(page, 'edit not found');
    await page.getByRole('link', { name: 'Back to Today' }).click();
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
  });

  test('holds at 200% text without horizontal scrolling', async () => {
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('paceline:today-ready').length > 0);
    await setTextSize(page, 200);
    expect(await horizontalOverflow(page)).toEqual([]);
    expect(await smallTouchTargets(page)).toEqual([]);
    await screenshot(page, 'diary-today-200');
    await page.getByRole('button', { name: 'Add details' }).click();
    await page.getByRole('group', { name: 'Front of body' }).waitFor();
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshot(page, 'diary-today-details-200');
    await page.getByRole('link', { name: /^Edit entry from/ }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Edit entry' }).waitFor();
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshot(page, 'diary-edit-200');
  });
});
