// A care circle end to end through the real relay with three browser profiles: a clinician
// sets up a circle for a patient and invites the patient and a caregiver; both join from
// their links; the caregiver, without diary sharing, holds no journal key and no journal
// content (checked in IndexedDB, not on screen); the patient answers PHQ-9 offline with a
// positive item 9, sees the crisis plan at once, and after sync the clinician's panel shows
// the patient as urgent.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { axe, openApp, screenshot, smallTouchTargets, waitForOfflineReady, type AppSession } from './harness';

let clinic: AppSession;
let patient: AppSession;
let carer: AppSession;
let patientLink = '';
let carerLink = '';
let circleId = '';

/** The question fieldset whose legend starts with its number ("9. Thoughts that ..."). */
const question = (page: Page, n: number) => page.getByRole('group', { name: new RegExp(`^${n}\\. `) });

// Relay only: WebRTC would deliver around an emulated offline context.
const args = ['--force-webrtc-ip-handling-policy=disable_non_proxied_udp'];

async function expectAccessible(page: Page, state: string): Promise<void> {
  const violations = await axe(page);
  expect(violations.map((v) => `${state}: ${v.id} ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await smallTouchTargets(page), `${state}: small targets`).toEqual([]);
}

/** Reads object stores of the app's IndexedDB in the page (raw API: what is really stored). */
async function storedKeys(page: Page, store: string): Promise<unknown[]> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const open = indexedDB.open('paceline');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction(${JSON.stringify(store)}).objectStore(${JSON.stringify(store)}).getAllKeys();
      req.onsuccess = () => { db.close(); resolve(req.result); };
      req.onerror = () => reject(req.error);
    };
  })`);
}

describe('a care circle of clinician, patient and caregiver through the relay', () => {
  beforeAll(async () => {
    [clinic, patient, carer] = await Promise.all([openApp({ args }), openApp({ args }), openApp({ args })]);
    await Promise.all([waitForOfflineReady(clinic.page), waitForOfflineReady(patient.page), waitForOfflineReady(carer.page)]);
  });
  afterAll(async () => {
    await Promise.all([clinic?.dispose(), patient?.dispose(), carer?.dispose()]);
  });

  test('the clinician sets the device up, creates a circle for the patient and invites a caregiver', async () => {
    const page = clinic.page;
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Use this device as a clinician' }).click();
    await page.waitForURL(/\/panel$/);
    await page.goto(new URL('/circles/new', clinic.baseUrl).href);
    await page.getByRole('heading', { level: 1, name: 'New patient circle' }).waitFor();
    await page.getByRole('button', { name: 'Create the circle' }).click();
    await page.getByText('Enter a name so everyone knows who this is.').waitFor();
    await page.getByLabel('Patient’s name').fill('Ana Torres');
    await page.getByLabel('Your name, as the patient will see it').fill('Dr. Ruiz');
    await expectAccessible(page, 'new circle form');
    await page.getByRole('button', { name: 'Create the circle' }).click();
    await page.getByText('The circle for Ana Torres is ready. Give them this invitation.').waitFor({ timeout: 15_000 });
    patientLink = await page.getByLabel('Invitation link for Ana Torres', { exact: true }).inputValue();
    expect(patientLink).toMatch(/\/join#i1\.[A-Za-z0-9_-]{200,}$/);
    await page.getByRole('img', { name: 'QR code of the invitation link for Ana Torres' }).waitFor();
    await expectAccessible(page, 'new circle made');
    await screenshot(page, 'circle-clinician-new');
    const teamHref = await page.getByRole('link', { name: 'Care team' }).getAttribute('href');
    circleId = new URL(teamHref ?? '', clinic.baseUrl).searchParams.get('circle') ?? '';
    expect(circleId).toMatch(/^[0-9A-Z]{26}$/);

    await page.getByRole('link', { name: 'Care team' }).click();
    await page.getByRole('heading', { level: 1, name: 'Care team' }).waitFor();
    await page.getByRole('radio', { name: 'A caregiver (family member or friend)' }).check();
    await page.getByLabel('Their name').fill('Luis (son)');
    await page.getByRole('button', { name: 'Make the invitation' }).click();
    carerLink = await page.getByLabel('Invitation link for Luis (son)', { exact: true }).inputValue();
    await page.getByText(/^Ana Torres · patient · until/).waitFor();
    await page.getByText(/^Luis \(son\) · caregiver · until/).waitFor();
    await expectAccessible(page, 'care team with invitations');
    await screenshot(page, 'circle-clinician-team');
  });

  test('the clinician writes a goal and the crisis plan in the new circle', async () => {
    const page = clinic.page;
    await page.goto(new URL(`/plan?circle=${circleId}`, clinic.baseUrl).href);
    await page.getByRole('button', { name: 'Add a goal' }).click();
    const goalForm = page.getByRole('form', { name: 'New goal' });
    await goalForm.getByLabel('Goal', { exact: true }).fill('Walk to the mailbox');
    await goalForm.getByLabel('Where it starts (baseline)').fill('Stops after 20 metres');
    await goalForm.getByLabel('Target', { exact: true }).fill('To the mailbox and back');
    await goalForm.getByLabel('Target date').fill(new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10));
    await goalForm.getByRole('button', { name: 'Save goal' }).click();
    await page.getByRole('heading', { name: 'Walk to the mailbox' }).waitFor();
    await page.getByRole('button', { name: 'Write the crisis plan' }).click();
    const crisis = page.getByRole('form', { name: 'Crisis plan' });
    await crisis.getByLabel('Steps').fill('Sit down and breathe slowly\nCall Marta');
    await crisis.getByLabel('Name').fill('Marta (sister)');
    await crisis.getByLabel('Phone number').fill('555 010 0199');
    await crisis.getByRole('button', { name: 'Save crisis plan' }).click();
    await page.getByRole('link', { name: 'Call Marta (sister)' }).waitFor();
  });

  test('the patient joins from the link (their own entries come along); the caregiver joins from theirs', async () => {
    const page = patient.page;
    await page.getByRole('radio', { name: /^4(:|$)/ }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('region', { name: 'Today’s entries' }).getByText('Pain 4 out of 10').first().waitFor();
    await page.goto(patientLink);
    await page.getByRole('heading', { level: 1, name: 'Join your care team' }).waitFor();
    expect(page.url()).not.toContain('#');
    await page.getByText('This device already has 1 entry. It will be added to the linked journal.').waitFor();
    await page.getByLabel('Your name, as the others will see it').fill('Ana');
    await expectAccessible(page, 'join as patient');
    await screenshot(page, 'circle-patient-join');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByText('You joined. Everything will appear as soon as this device is online.').waitFor();
    await page.waitForURL((u) => u.pathname === '/', { timeout: 10_000 });
    await page.getByRole('region', { name: 'Today’s entries' }).getByText('Pain 4 out of 10').first().waitFor();

    await carer.page.goto(carerLink);
    await carer.page.getByText('You are invited to join a care circle as caregiver.').waitFor();
    await expectAccessible(carer.page, 'join as caregiver');
    await carer.page.getByRole('button', { name: 'Join' }).click();
    await carer.page.waitForURL((u) => u.pathname === '/', { timeout: 10_000 });
  });

  test('everyone sees the same team; the caregiver holds no journal key and no journal content', async () => {
    // The patient now holds the circle's owner key: the care team lists everyone by name.
    await patient.page.goto(new URL('/care-team', patient.baseUrl).href);
    const members = patient.page.getByRole('region', { name: 'People and devices' });
    await members.getByText('You (this device)').waitFor({ timeout: 20_000 });
    await members.getByText('Dr. Ruiz').waitFor({ timeout: 20_000 });
    await members.getByText('Luis (son)').waitFor({ timeout: 20_000 });
    await members.getByText('Cannot see the diary').waitFor();
    await patient.page.getByRole('button', { name: 'Remove: Luis (son)' }).waitFor();
    await expectAccessible(patient.page, 'care team (patient)');
    await screenshot(patient.page, 'circle-patient-team');

    await clinic.page.goto(new URL(`/care-team?circle=${circleId}`, clinic.baseUrl).href);
    // The patient shows by the name on the invitation until the name they chose arrives.
    await clinic.page.getByRole('region', { name: 'People and devices' }).getByText(/^Ana( Torres)?$/).waitFor({ timeout: 20_000 });
    // The clinician handed the owner key over with the patient's invitation: no more removing.
    await clinic.page.getByText('Luis (son)').waitFor({ timeout: 20_000 });
    await expect(clinic.page.getByRole('button', { name: /^Remove/ }).count()).resolves.toBe(0);
    // Still a delegate of the circle: the clinician invites a colleague (signed with its own
    // device key), and only a clinician.
    const inviteForm = clinic.page.getByRole('region', { name: 'Invite someone' });
    await expect(inviteForm.getByRole('radio').count()).resolves.toBe(1);
    await inviteForm.getByRole('radio', { name: 'A clinician' }).waitFor();
    await inviteForm.getByLabel('Their name').fill('Dr. Lee');
    await inviteForm.getByRole('button', { name: 'Make the invitation' }).click();
    await clinic.page.getByLabel('Invitation link for Dr. Lee', { exact: true }).waitFor();
    await clinic.page.getByText(/^Dr\. Lee · clinician · until/).waitFor();
    await expect(clinic.page.getByRole('button', { name: /^Cancel/ }).count()).resolves.toBe(0);

    const keys = ((await storedKeys(carer.page, 'docKeys')) as Array<[string, number]>).filter(([docKey]) => docKey.startsWith(`${circleId}/`));
    expect(keys.map(([docKey]) => docKey.split('/')[1]).sort()).toEqual(['circle', 'messages', 'plan']);
    const records = (await storedKeys(carer.page, 'records')) as string[];
    expect(records).toEqual([]);
    const journalRows = ((await storedKeys(carer.page, 'docUpdates')) as number[]).length;
    const meta = (await storedKeys(carer.page, 'docMeta')) as string[];
    expect(meta.some((k) => k.endsWith('/journal') && k.startsWith(circleId))).toBe(false);
    expect(journalRows).toBeGreaterThanOrEqual(0);
  });

  test('the patient shares the diary: the caregiver gets the journal keys, sees the entries and logs on their behalf (marked)', async () => {
    await patient.page.goto(new URL('/care-team', patient.baseUrl).href);
    await patient.page.getByRole('button', { name: 'Share my diary with my caregivers' }).click();
    await patient.page.getByText(/^Agreed by You \(this device\) on/).waitFor({ timeout: 10_000 });
    await patient.page.getByRole('region', { name: 'People and devices' }).getByText('Can see the diary').waitFor({ timeout: 10_000 });
    await screenshot(patient.page, 'circle-patient-shares-diary');

    const page = carer.page;
    await page.goto(new URL('/', carer.baseUrl).href);
    await page.getByText('What you log here is saved as entered by you, the caregiver.').waitFor({ timeout: 30_000 });
    const entries = page.getByRole('region', { name: 'Today’s entries' });
    await entries.getByText('Pain 4 out of 10').first().waitFor({ timeout: 30_000 });
    await page.getByRole('radio', { name: /^6(:|$)/ }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await entries.getByText('Pain 6 out of 10').first().waitFor();
    await expectAccessible(page, 'caregiver today');
    await screenshot(page, 'circle-caregiver-today');

    await patient.page.goto(new URL('/', patient.baseUrl).href);
    const mine = patient.page.getByRole('region', { name: 'Today’s entries' });
    await mine.getByText('Pain 6 out of 10').first().waitFor({ timeout: 30_000 });
    await mine.getByText('Entered by caregiver').first().waitFor();
  });

  test('patient offline comments on the goal while the clinician edits it: both edits reach all three', async () => {
    const goalOn = (page: Page) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Walk to the mailbox' }) });
    await patient.page.goto(new URL('/plan', patient.baseUrl).href);
    await goalOn(patient.page).waitFor({ timeout: 30_000 });
    await patient.context.setOffline(true);
    await patient.page.reload();
    await goalOn(patient.page).waitFor();
    await patient.page.getByRole('button', { name: 'Comment on “Walk to the mailbox”' }).click();
    const comment = patient.page.getByRole('form', { name: 'Comment on “Walk to the mailbox”' });
    await comment.getByLabel('Your comment').fill('Windy days are the hardest.');
    await comment.getByRole('button', { name: 'Send comment' }).click();
    await patient.page.getByText('Comments (1)').waitFor();

    const page = clinic.page;
    await page.goto(new URL(`/plan?circle=${circleId}`, clinic.baseUrl).href);
    await page.getByRole('button', { name: 'Edit goal “Walk to the mailbox”' }).click();
    const edit = page.getByRole('form', { name: 'Edit goal' });
    await edit.getByLabel('Target', { exact: true }).fill('To the mailbox and back twice');
    await edit.getByRole('button', { name: 'Save goal' }).click();
    await goalOn(page).getByText('To the mailbox and back twice').waitFor();

    await patient.context.setOffline(false);
    await patient.page.goto(new URL('/plan', patient.baseUrl).href);
    for (const [who, app] of [['patient', patient], ['clinician', clinic], ['caregiver', carer]] as const) {
      if (who !== 'patient') await app.page.goto(new URL(who === 'clinician' ? `/plan?circle=${circleId}` : '/plan', app.baseUrl).href);
      const goal = goalOn(app.page);
      await goal.getByText('To the mailbox and back twice').waitFor({ timeout: 30_000 });
      await app.page.getByText('Comments (1)').waitFor({ timeout: 30_000 });
      await screenshot(app.page, `circle-plan-merged-${who}`);
    }
  });

  test('PHQ-9 offline with item 9: the crisis help shows at once; after sync the clinician sees the patient as urgent', async () => {
    const page = patient.page;
    await patient.context.setOffline(true);
    await page.goto(new URL('/checkins/phq9', patient.baseUrl).href);
    await page.getByRole('heading', { level: 1, name: 'Mood check-in (PHQ-9)' }).waitFor();
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) await question(page, n).getByRole('radio', { name: 'More than half the days', exact: true }).check();
    await question(page, 9).getByRole('radio', { name: 'Several days', exact: true }).check();
    const help = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Help is here, right now' }) });
    await help.waitFor({ timeout: 1000 });
    // The care team's crisis plan comes first, offline, from the device's copy.
    await help.getByRole('link', { name: /Marta \(sister\)/ }).first().waitFor({ timeout: 1000 });
    await page.getByRole('group', { name: /^If you checked off any problems/ }).getByRole('radio', { name: 'Very difficult' }).check();
    await page.getByRole('button', { name: 'Save my answers' }).click();
    await page.getByRole('region', { name: 'Your result' }).waitFor();
    await screenshot(page, 'circle-patient-phq9-offline');
    await patient.context.setOffline(false);
    // Reopen online: the app starts sharing, the alert goes out with the next sync.
    await page.goto(new URL('/', patient.baseUrl).href);

    await clinic.page.goto(new URL('/panel', clinic.baseUrl).href);
    const row = clinic.page.getByRole('link', { name: /Ana/ }).first();
    await row.waitFor({ timeout: 30_000 });
    // The patient's row says "Urgent alert" once the alert has arrived, and heads the panel.
    await clinic.page.getByText(/^Urgent alert/).waitFor({ timeout: 30_000 });
    await clinic.page.getByText(/^1 patient\. Urgent alerts: 1\./).waitFor();
    await expectAccessible(clinic.page, 'panel with an urgent patient');
    await screenshot(clinic.page, 'circle-clinician-panel-urgent');
    await row.click();
    await clinic.page.getByText('PHQ-9 question 9: thoughts of death or self-harm').first().waitFor({ timeout: 15_000 });
    await screenshot(clinic.page, 'circle-clinician-patient-urgent');
    await expectAccessible(clinic.page, 'patient view with an urgent alert');
  });

  test('the name the patient chose reaches the clinician', async () => {
    await clinic.page.goto(new URL(`/care-team?circle=${circleId}`, clinic.baseUrl).href);
    try {
      await clinic.page.getByRole('region', { name: 'People and devices' }).getByText('Ana', { exact: true }).waitFor({ timeout: 30_000 });
    } catch (e) {
      const dump = (page: Page, store: string) => page.evaluate(`new Promise((resolve) => { const o = indexedDB.open('paceline'); o.onsuccess = () => { const r = o.result.transaction('${store}').objectStore('${store}').getAll(); r.onsuccess = () => resolve(JSON.stringify(r.result)); }; })`);
      console.log('CLINIC syncDocs', ((await dump(clinic.page, 'syncDocs')) as string).split('},{').filter((x: string) => x.includes(`${circleId}/circle`)).join('\n').slice(0, 2500));
      console.log('PATIENT syncDocs', ((await dump(patient.page, 'syncDocs')) as string).split('},{').filter((x: string) => x.includes(`${circleId}/circle`)).join('\n').slice(0, 2500));
      throw e;
    }
  });
});
