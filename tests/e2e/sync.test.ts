// Two of the patient's devices share one journal through the real relay (the e2e server):
// link the second device, go offline on one, edit on both, and both converge after reconnect.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { ARTIFACTS, axe, openApp, screenshot, smallTouchTargets, waitForOfflineReady, type AppSession } from './harness';

let phone: AppSession;
let tablet: AppSession;

const entries = (page: Page) => page.getByRole('region', { name: 'Today’s entries' });
const syncLine = (page: Page) => page.locator('.sync-line');

async function logPain(page: Page, value: number): Promise<void> {
  // 0, 5 and 10 carry their anchor words ("5: Moderate").
  await page.getByRole('radio', { name: new RegExp(`^${value}(:|$)`) }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await entries(page).getByText(`Pain ${value} out of 10`).first().waitFor();
}

async function expectAccessible(page: Page, state: string): Promise<void> {
  const violations = await axe(page);
  expect(violations.map((v) => `${state}: ${v.id} ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await smallTouchTargets(page), `${state}: small targets`).toEqual([]);
}

describe('sync between two devices of one patient through the relay', () => {
  beforeAll(async () => {
    // Relay only: no WebRTC (live peer sync would deliver around an emulated offline
    // context; webrtc.test.ts covers that path on its own).
    const args = ['--force-webrtc-ip-handling-policy=disable_non_proxied_udp'];
    phone = await openApp({ path: '/', args });
    tablet = await openApp({ path: '/', args });
    await Promise.all([waitForOfflineReady(phone.page), waitForOfflineReady(tablet.page)]);
  });
  afterAll(async () => {
    await Promise.all([phone?.dispose(), tablet?.dispose()]);
  });

  test('an entry is shared, and the status says so in words', async () => {
    await logPain(phone.page, 7);
    await syncLine(phone.page).getByText(/All changes are saved on this device and were shared at/).waitFor({ timeout: 15_000 });
    await screenshot(phone.page, 'sync-phone-shared');
  });

  test('links the tablet with a link made on the phone, and the tablet gets the entry', async () => {
    await phone.page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    const section = phone.page.getByRole('region', { name: 'Sharing and devices' });
    await section.getByText('This device', { exact: true }).waitFor({ timeout: 15_000 });
    await section.getByRole('button', { name: 'Make a link for my other device' }).click();
    const link = await section.getByLabel('Link for your other device').inputValue();
    expect(link).toMatch(/\/join#i1\.[A-Za-z0-9_-]{100,}$/);
    await section.scrollIntoViewIfNeeded();
    await expectAccessible(phone.page, 'settings with device link');
    await screenshot(phone.page, 'sync-settings-link');
    await section.screenshot({ path: join(ARTIFACTS, 'sync-settings-section.png') });

    // The tablet already has an entry of its own: it is merged into the linked journal.
    await logPain(tablet.page, 2);
    await tablet.page.goto(link);
    await tablet.page.getByText('This device already has 1 entry. It will be added to the linked journal.').waitFor();
    expect(tablet.page.url()).not.toContain('#'); // the keys are gone from the address bar
    await expectAccessible(tablet.page, 'link page');
    await screenshot(tablet.page, 'sync-link-page');
    await tablet.page.getByRole('button', { name: 'Link this device' }).click();
    await tablet.page.getByText('This device is linked.').waitFor();
    await tablet.page.waitForURL((u) => u.pathname === '/');
    await entries(tablet.page).getByText('Pain 7 out of 10').waitFor({ timeout: 20_000 });
    await entries(tablet.page).getByText('Pain 2 out of 10').waitFor();
    // …and the phone gets the tablet's earlier entry, and lists two devices.
    await phone.page.getByRole('navigation').getByRole('link', { name: 'Today' }).click();
    await entries(phone.page).getByText('Pain 2 out of 10').waitFor({ timeout: 20_000 });
    await phone.page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await phone.page.getByRole('region', { name: 'Sharing and devices' }).getByText(/^Device [0-9A-F]{6}$/).waitFor({ timeout: 15_000 });
  });

  test('one device offline, both edit, both converge after reconnect', async () => {
    await phone.page.getByRole('navigation').getByRole('link', { name: 'Today' }).click();
    // Emulated offline does not close an open WebSocket: reopen the app offline, as after a restart.
    await tablet.context.setOffline(true);
    await tablet.page.reload();
    await logPain(tablet.page, 3);
    await syncLine(tablet.page).getByText('1 change is waiting to be shared. It is saved on this device. It will be shared when you are back online.').waitFor({ timeout: 10_000 });
    await screenshot(tablet.page, 'sync-tablet-offline-waiting');
    await syncLine(tablet.page).screenshot({ path: join(ARTIFACTS, 'sync-tablet-offline-line.png') });
    await logPain(phone.page, 5);
    await syncLine(phone.page).getByText(/were shared at/).waitFor({ timeout: 15_000 });
    // Offline, the tablet still has its own entry and not the phone's.
    expect(await entries(tablet.page).getByText('Pain 5 out of 10').count()).toBe(0);

    await tablet.context.setOffline(false);
    for (const page of [phone.page, tablet.page]) {
      for (const value of [7, 2, 3, 5]) await entries(page).getByText(`Pain ${value} out of 10`).first().waitFor({ timeout: 30_000 });
      await syncLine(page).getByText(/were shared at/).waitFor({ timeout: 15_000 });
    }
    const list = async (page: Page) => (await entries(page).getByText(/^Pain \d+ out of 10$/).allTextContents()).sort();
    expect(await list(phone.page)).toEqual(await list(tablet.page));
    expect(await list(phone.page)).toHaveLength(4);
    await screenshot(tablet.page, 'sync-tablet-converged');
  });

  test('a bad link says so and changes nothing', async () => {
    await tablet.page.goto(new URL('/join#not-a-real-link', tablet.baseUrl).href);
    await tablet.page.getByRole('alert').getByText(/This link is not a valid Paceline invitation/).waitFor();
    await tablet.page.goto(new URL('/', tablet.baseUrl).href);
    await entries(tablet.page).getByText('Pain 5 out of 10').first().waitFor({ timeout: 15_000 });
  });
});
