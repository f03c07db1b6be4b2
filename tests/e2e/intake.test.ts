// Waiting-room questionnaires on a clinic tablet, in Chromium against the real relay: a
// clinician makes a one-time questionnaire link for each of two patients; on the tablet the
// first patient answers PEG, PHQ-9 (item 9 positive: the crisis help at once) and GAD-7, the
// answers reach the circle and the visit's database is deleted; the second patient's visit
// starts with nothing of the first (checked in IndexedDB); a third visit made offline stays
// on the tablet and goes out by itself when the network is back; the clinician's panel shows
// the first patient as urgent and every patient's scores.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import qrcode from 'qrcode-generator';
import { axe, readDatabases, horizontalOverflow, openApp, screenshot, setTextSize, smallTouchTargets, waitForOfflineReady, type AppSession } from './harness';

const STAFF = 'waiting room staff 2026';
const args = ['--force-webrtc-ip-handling-policy=disable_non_proxied_udp'];
/** The tablet's camera: a Y4M video Chromium plays as its fake capture device (written before each scan). */
const CAMERA = join(tmpdir(), `paceline-e2e-camera-${process.pid}.y4m`);

/**
 * A video of a screen showing `text` as a QR code: `blank` frames of an empty screen first,
 * then the code, at 10 frames per second (Chromium loops the file).
 */
function writeCameraVideo(text: string | null, blank = 0): void {
  const size = 640;
  const frames: Buffer[] = [];
  const luma = Buffer.alloc(size * size, 235);
  const code = Buffer.alloc(size * size, 235);
  if (text) {
    const qr = qrcode(0, 'M');
    qr.addData(text, 'Byte');
    qr.make();
    const n = qr.getModuleCount();
    const scale = Math.floor((size - 40) / (n + 8));
    const offset = Math.floor((size - scale * (n + 8)) / 2) + 4 * scale;
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
      if (!qr.isDark(r, c)) continue;
      for (let y = 0; y < scale; y++) code.fill(16, (offset + r * scale + y) * size + offset + c * scale, (offset + r * scale + y) * size + offset + (c + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((size / 2) * (size / 2) * 2, 128);
  for (let i = 0; i < blank + 10; i++) frames.push(Buffer.from('FRAME\n'), i < blank || !text ? luma : code, chroma);
  writeFileSync(CAMERA, Buffer.concat([Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
}
writeCameraVideo(null);
const cameraArgs = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${CAMERA}`];

let clinic: AppSession;
let tablet: AppSession;
const circles: Record<string, string> = {};
const links: Record<string, string> = {};

const question = (page: Page, n: number) => page.getByRole('group', { name: new RegExp(`^${n}\\. `) });

async function expectAccessible(page: Page, state: string): Promise<void> {
  const violations = await axe(page);
  expect(violations.map((v) => `${state}: ${v.id} ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await smallTouchTargets(page), `${state}: small targets`).toEqual([]);
}

/** Every IndexedDB database of the page, with the row count of each store. */
async function databases(page: Page): Promise<Record<string, Record<string, number>>> {
  const all = await readDatabases(page);
  return Object.fromEntries(Object.entries(all).map(([name, stores]) => [name, Object.fromEntries(Object.entries(stores).map(([store, c]) => [store, c.count]))]));
}
const visitDbs = (all: Record<string, unknown>) => Object.keys(all).filter((n) => n.startsWith('paceline-intake-'));

async function newCircle(page: Page, patientName: string): Promise<string> {
  await page.goto(new URL('/circles/new', clinic.baseUrl).href);
  await page.getByRole('heading', { level: 1, name: 'New patient circle' }).waitFor();
  await page.getByLabel('Patient’s name').fill(patientName);
  await page.getByLabel('Your name, as the patient will see it').fill('Dr. Ruiz');
  await page.getByRole('button', { name: 'Create the circle' }).click();
  await page.getByText(`The circle for ${patientName} is ready. Give them this invitation.`).waitFor({ timeout: 15_000 });
  const teamHref = await page.getByRole('link', { name: 'Care team' }).getAttribute('href');
  const id = new URL(teamHref ?? '', clinic.baseUrl).searchParams.get('circle') ?? '';
  expect(id).toMatch(/^[0-9A-Z]{26}$/);
  return id;
}

async function answerPeg(page: Page, values: [number, number, number]): Promise<void> {
  for (const [i, v] of values.entries()) await question(page, i + 1).getByRole('radio', { name: String(v), exact: true }).check();
  await page.getByRole('button', { name: 'Save my answers' }).click();
}

async function startVisit(page: Page, link: string): Promise<void> {
  await page.getByLabel('Questionnaire link').fill(link);
  await page.getByRole('button', { name: 'Start the questionnaires' }).click();
  await page.getByRole('heading', { name: 'Questionnaires for your visit' }).waitFor({ timeout: 15_000 });
}

describe('waiting-room questionnaires on a clinic tablet', () => {
  beforeAll(async () => {
    [clinic, tablet] = await Promise.all([openApp({ args }), openApp({ path: '/settings', args: [...args, ...cameraArgs], viewport: { width: 800, height: 1280 } })]);
    await Promise.all([waitForOfflineReady(clinic.page), waitForOfflineReady(tablet.page)]);
    // Fake timers on the tablet that run in real time until fast-forwarded (the idle end of a visit).
    await tablet.context.clock.install();
    await tablet.page.reload();
  });
  afterAll(async () => {
    await Promise.all([clinic?.dispose(), tablet?.dispose()]);
  });

  test('the clinician makes a one-time questionnaire link for each of four patients', async () => {
    const page = clinic.page;
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Use this device as a clinician' }).click();
    await page.waitForURL(/\/panel$/);
    for (const name of ['Ana Torres', 'Ben Ortiz', 'Cruz Vega', 'Dana Ruiz']) {
      circles[name] = await newCircle(page, name);
      await page.goto(new URL(`/patients/${circles[name]}`, clinic.baseUrl).href);
      const box = section(page);
      await box.getByRole('button', { name: 'Make a questionnaire link' }).click();
      links[name] = await box.getByLabel(`Questionnaire link for ${name}`, { exact: true }).inputValue({ timeout: 15_000 });
      expect(links[name]).toMatch(/\/intake#i1\.[A-Za-z0-9_-]{200,}$/);
      await box.getByRole('img', { name: `QR code of the questionnaire link for ${name}` }).waitFor();
    }
    await section(page).getByText(/It works once, on one tablet, until/).waitFor();
    await expectAccessible(page, 'patient page with a questionnaire link');
    await screenshot(page, 'intake-clinician-link');
  });

  test('staff set the tablet up and open the waiting-room questionnaires; bad links change nothing', async () => {
    const page = tablet.page;
    await page.getByRole('link', { name: 'Set up as a clinic tablet (for clinic staff)' }).click();
    await page.getByLabel('Clinic name (shown on the tablet, optional)').fill('Valley Clinic');
    await page.getByLabel('Crisis lines of (shown on the lock screen)').selectOption('MX');
    await page.getByLabel('Choose a staff passphrase').fill(STAFF);
    await page.getByLabel('Type the staff passphrase again').fill(STAFF);
    await page.getByRole('button', { name: 'Turn this device into a clinic tablet' }).click();
    await page.getByRole('heading', { name: 'Clinic tablet of Valley Clinic' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Waiting-room questionnaires' }).click();
    await page.getByLabel('Staff passphrase').fill(STAFF);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Waiting-room questionnaires' }).waitFor({ timeout: 20_000 });
    const before = await databases(page);

    await page.getByRole('button', { name: 'Start the questionnaires' }).click();
    await page.getByText('Paste the questionnaire link first.').waitFor();
    await page.getByLabel('Questionnaire link').fill(`${links['Ana Torres']!.slice(0, -12)}`);
    await page.getByRole('button', { name: 'Start the questionnaires' }).click();
    await page.getByText('This is not a questionnaire link.', { exact: false }).waitFor();
    await expectAccessible(page, 'intake ready with an error');
    expect(await databases(page)).toEqual(before);
    await screenshot(page, 'intake-ready-error');
  });

  test('the first patient answers; PHQ-9 item 9 shows the crisis help at once; the visit is sent and deleted', async () => {
    const page = tablet.page;
    await startVisit(page, links['Ana Torres']!);
    await expectAccessible(page, 'visit welcome');
    await screenshot(page, 'intake-welcome');
    await page.getByRole('button', { name: 'Begin' }).click();
    await page.getByRole('heading', { name: 'Pain check-in (PEG)' }).waitFor();
    await page.getByText('Questionnaire 1 of 3').waitFor();
    await expectAccessible(page, 'visit PEG');
    await answerPeg(page, [7, 6, 8]);

    await page.getByRole('heading', { name: 'Mood check-in (PHQ-9)' }).waitFor();
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) await question(page, n).getByRole('radio', { name: 'More than half the days', exact: true }).check();
    await question(page, 9).getByRole('radio', { name: 'Several days', exact: true }).check();
    const help = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Help is here, right now' }) });
    await help.waitFor({ timeout: 1000 });
    // The kiosk's lines (no links out of the app on a clinic tablet).
    expect(await page.locator('a[href^="tel:"], a[href^="sms:"]').count()).toBe(0);
    await page.getByRole('group', { name: /^If you checked off any problems/ }).getByRole('radio', { name: 'Very difficult' }).check();
    await page.getByRole('button', { name: 'Save my answers' }).click();
    await page.getByText('Your care team is being told now.', { exact: false }).waitFor();
    // The clinic's lines (Mexico), as words: no links out of the app on a clinic tablet.
    await page.getByText('Línea de la Vida (Mexico)').waitFor();
    await page.getByText('Call 800 911 2000').waitFor();
    await expectAccessible(page, 'visit crisis');
    await screenshot(page, 'intake-crisis');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Worry check-in (GAD-7)' }).waitFor();
    await setTextSize(page, 200);
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshot(page, 'intake-gad7-200');
    await setTextSize(page, 100);
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await question(page, n).getByRole('radio', { name: 'Several days', exact: true }).check();
    await page.getByRole('button', { name: 'Save my answers' }).click();
    await page.getByRole('heading', { name: 'Thank you. Your answers have reached your care team.' }).waitFor({ timeout: 30_000 });
    // The crisis help stays on the last screen, with no database left to read it from.
    await page.getByText('Call 800 911 2000').waitFor();
    await expectAccessible(page, 'visit sent');
    await screenshot(page, 'intake-sent');
    // Sent means gone from the tablet.
    expect(visitDbs(await databases(page))).toEqual([]);
    await page.getByRole('button', { name: 'Ready for the next patient' }).click();
    await page.getByRole('heading', { name: 'Waiting-room questionnaires' }).waitFor();
  });

  test('the second patient’s visit holds nothing of the first; it ends early and is sent', async () => {
    const page = tablet.page;
    // The first link was used: it cannot open another visit.
    await startVisit(page, links['Ana Torres']!);
    await page.getByText('This link has already been used.', { exact: false }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Waiting-room questionnaires' }).waitFor();
    expect(visitDbs(await databases(page))).toEqual([]);

    // Opening the link itself on the tablet starts the visit too; its keys leave the address bar.
    await page.goto(links['Ben Ortiz']!);
    await page.getByRole('heading', { name: 'Questionnaires for your visit' }).waitFor({ timeout: 15_000 });
    expect(page.url()).not.toContain('#');
    // In Spanish, for a patient who reads it better (the kiosk's language switch).
    await page.getByRole('button', { name: 'Español' }).click();
    await page.getByRole('heading', { name: 'Cuestionarios para su consulta' }).waitFor();
    await page.getByRole('button', { name: 'Empezar' }).waitFor();
    await expectAccessible(page, 'visit welcome in Spanish');
    await screenshot(page, 'intake-welcome-es');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Questionnaires for your visit' }).waitFor();
    const all = await databases(page);
    const open = visitDbs(all);
    expect(open).toHaveLength(1);
    // A new database with no answers in it: nothing of the first visit.
    expect(all[open[0]!]!.records).toBe(0);
    await page.getByRole('button', { name: 'Begin' }).click();
    await page.getByRole('heading', { name: 'Pain check-in (PEG)' }).waitFor();
    for (const n of [1, 2, 3]) expect(await question(page, n).getByRole('radio', { checked: true }).count()).toBe(0);
    await answerPeg(page, [3, 2, 2]);
    await page.getByRole('heading', { name: 'Mood check-in (PHQ-9)' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Help is here, right now' }).count()).toBe(0);
    await page.getByRole('button', { name: 'I am done' }).click();
    await page.getByRole('heading', { name: 'Thank you. Your answers have reached your care team.' }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('heading', { name: 'Help is here, right now' }).count()).toBe(0);
    expect(visitDbs(await databases(page))).toEqual([]);
    await page.getByRole('button', { name: 'Ready for the next patient' }).click();
  });

  test('offline, a visit stays on the tablet, locked, and is sent by itself once the tablet is back online', async () => {
    const page = tablet.page;
    await tablet.context.setOffline(true);
    // Staff hold the tablet's camera to the QR code on the clinician's screen (a second of an empty screen first).
    writeCameraVideo(links['Cruz Vega']!, 10);
    await page.getByRole('button', { name: 'Scan the questionnaire code' }).click();
    await page.getByText('Hold the tablet so the code on the clinician’s screen fills the picture.').waitFor();
    await expectAccessible(page, 'scanning');
    await screenshot(page, 'intake-scanning');
    await page.getByRole('heading', { name: 'Questionnaires for your visit' }).waitFor({ timeout: 15_000 });
    await page.getByText('The tablet is offline. You can still answer', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Begin' }).click();
    await page.getByRole('heading', { name: 'Pain check-in (PEG)' }).waitFor();
    await answerPeg(page, [9, 9, 8]);
    await page.getByRole('heading', { name: 'Mood check-in (PHQ-9)' }).waitFor();
    await page.getByRole('button', { name: 'I am done' }).click();
    await page.getByText('They will be sent as soon as the tablet is back online.', { exact: false }).first().waitFor();
    await expectAccessible(page, 'visit kept offline');
    await screenshot(page, 'intake-offline-kept');
    await page.getByRole('button', { name: 'Ready for the next patient' }).click();
    await page.getByText('Answers from 1 earlier visit are waiting to be sent.', { exact: false }).waitFor();
    expect(visitDbs(await databases(page))).toHaveLength(1);
    await screenshot(page, 'intake-leftover');
    await tablet.context.setOffline(false);
    await page.getByText('Answers from 1 earlier visit are waiting to be sent.', { exact: false }).waitFor({ state: 'detached', timeout: 30_000 });
    expect(visitDbs(await databases(page))).toEqual([]);
  });

  test('a visit left idle ends by itself: the saved answers go, the half-answered form is dropped, the next patient finds the ready screen', async () => {
    const page = tablet.page;
    await startVisit(page, links['Dana Ruiz']!);
    await page.getByRole('button', { name: 'Begin' }).click();
    await page.getByRole('heading', { name: 'Pain check-in (PEG)' }).waitFor();
    await answerPeg(page, [5, 5, 4]);
    await page.getByRole('heading', { name: 'Mood check-in (PHQ-9)' }).waitFor();
    await question(page, 1).getByRole('radio', { name: 'Nearly every day', exact: true }).check();
    // The kiosk's idle time (the default) passes without a touch.
    await tablet.context.clock.fastForward('10:00');
    await page.getByRole('heading', { name: 'Waiting-room questionnaires' }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('heading', { name: 'Mood check-in (PHQ-9)' }).count()).toBe(0);
    await expect.poll(async () => visitDbs(await databases(page)), { timeout: 30_000 }).toEqual([]);
  });

  test('answers kept offline under a link that was already used can never be sent: staff are told, and may delete them', async () => {
    const page = tablet.page;
    await tablet.context.setOffline(true);
    await startVisit(page, links['Ana Torres']!);
    await page.getByRole('button', { name: 'Begin' }).click();
    await answerPeg(page, [2, 2, 2]);
    await page.getByRole('heading', { name: 'Mood check-in (PHQ-9)' }).waitFor();
    await page.getByRole('button', { name: 'I am done' }).click();
    await page.getByRole('button', { name: 'Ready for the next patient' }).click();
    await page.getByRole('button', { name: 'Stop the waiting-room questionnaires' }).click();
    await tablet.context.setOffline(false);
    await page.getByText('Answers from 1 earlier visit can never be sent', { exact: false }).waitFor({ timeout: 30_000 });
    expect(visitDbs(await databases(page))).toHaveLength(1);
    // Not also "waiting to be sent": these never will be.
    expect(await page.getByText('are waiting to be sent', { exact: false }).count()).toBe(0);
    await expectAccessible(page, 'home with answers that cannot be sent');
    await screenshot(page, 'intake-refused');
    await page.getByRole('button', { name: 'Delete the answers that cannot be sent (clinic staff)' }).click();
    await page.getByLabel('Staff passphrase').fill(STAFF);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('The answers of 1 visit were deleted from the tablet.').waitFor({ timeout: 20_000 });
    expect(visitDbs(await databases(page))).toEqual([]);
  });

  test('the clinician sees the first patient as urgent, and every patient’s answers', async () => {
    const page = clinic.page;
    await page.goto(new URL('/panel', clinic.baseUrl).href);
    await page.getByText(/^Urgent alert/).waitFor({ timeout: 30_000 });
    await page.getByText(/^4 patients\. Urgent alerts: 1\./).waitFor();
    // Every visit's answers, scored on the clinician's device: Ana's PEG 7.0 and PHQ-9 17, Ben's PEG 2.3, Cruz's 8.7 (sent later).
    await page.getByText('17, moderately severe').waitFor({ timeout: 15_000 });
    await page.getByText(/^2\.3$/).waitFor({ timeout: 30_000 });
    await page.getByText(/^8\.7$/).waitFor({ timeout: 30_000 });
    await page.getByText(/^4\.7$/).waitFor({ timeout: 30_000 });
    await screenshot(page, 'intake-clinician-panel');
    await page.goto(new URL(`/patients/${circles['Ana Torres']}`, clinic.baseUrl).href);
    await page.getByText('PHQ-9 question 9: thoughts of death or self-harm').first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'intake-clinician-ana');
    await page.goto(new URL(`/patients/${circles['Ben Ortiz']}`, clinic.baseUrl).href);
    await page.getByText('No open alerts.').waitFor({ timeout: 15_000 });
    // A questionnaire link opened on a device that is not a clinic tablet only says where it belongs.
    await page.goto(links['Dana Ruiz']!);
    await page.getByRole('heading', { level: 1, name: 'Questionnaire link' }).waitFor();
    await page.getByText('This link is for the clinic’s waiting-room tablet.', { exact: false }).waitFor();
    expect(page.url()).not.toContain('#');
    await expectAccessible(page, 'questionnaire link elsewhere');
    await screenshot(page, 'intake-elsewhere');
  });
});

function section(page: Page) {
  return page.getByRole('region', { name: 'Waiting-room questionnaires' });
}
