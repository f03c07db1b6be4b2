// The care plan, end to end in Chromium: a clinician writes the plan, the patient follows it on
// Today, comments and suggests a change, the clinician accepts it; axe, 200% text, Spanish.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axe, horizontalOverflow, openApp, screenshot, setTextSize, smallTouchTargets, type AppSession } from './harness';

/** Changes a row of the app's database directly, as setting up a device would, before the app reads it. */
async function setRow(page: Page, store: 'profile' | 'settings', key: string, change: Record<string, unknown>): Promise<void> {
  await page.evaluate(({ store, key, change }) => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('paceline');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(store, 'readwrite');
      const os = tx.objectStore(store);
      const get = os.get(key);
      get.onsuccess = () => os.put({ ...(get.result ?? { key }), ...change });
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), { store, key, change });
}

async function actAs(page: Page, role: 'patient' | 'caregiver' | 'clinician', path: string): Promise<void> {
  await setRow(page, 'profile', 'device', { role });
  await page.goto(new URL(path, page.url()).href);
}

async function openPlan(page: Page, heading = 'Care plan'): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.locator('.plan-section').first().waitFor();
}

async function expectClean(page: Page, state: string): Promise<void> {
  const violations = await axe(page);
  expect(violations, `${state}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

async function expectLayoutHolds(page: Page, state: string): Promise<void> {
  expect(await smallTouchTargets(page), `${state}: small targets`).toEqual([]);
  expect(await horizontalOverflow(page), `${state}: overflow`).toEqual([]);
}

const toast = (page: Page, text: string | RegExp) => page.getByRole('status').locator('div', { hasText: text });

/** A date n days from today, as a date input takes it. */
function inDays(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('care plan', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openApp({ path: '/' });
    app.page.setDefaultTimeout(10_000);
    app.page.on('pageerror', (e) => console.error('[stack]', e.stack));
    await app.page.waitForFunction(() => performance.getEntriesByName('paceline:today-ready').length > 0);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  test('an empty plan says what will appear and who fills it in', async () => {
    const { page } = app;
    await actAs(page, 'patient', '/plan');
    await openPlan(page);
    await page.getByRole('heading', { name: 'No care plan yet' }).waitFor();
    await page.getByText(/Your clinician fills in this plan with you/).waitFor();
    await expectClean(page, 'patient, empty plan');
    await screenshot(page, 'plan-empty-patient');
    // Today shows no plan section while the plan is empty.
    await page.goto(new URL('/', page.url()).href);
    await page.waitForFunction(() => performance.getEntriesByName('paceline:today-ready').length > 0);
    await page.waitForTimeout(1500);
    expect(await page.getByRole('heading', { name: 'Today’s plan' }).count()).toBe(0);
  });

  test('a clinician writes goals, items of several kinds, stepped care, escalation and the crisis plan', async () => {
    const { page } = app;
    await actAs(page, 'clinician', '/plan');
    await openPlan(page);
    await page.getByText('This plan is empty.', { exact: false }).waitFor();
    await expectClean(page, 'clinician, empty plan');

    // A goal with milestones; a missing title is refused beside the field and nothing typed is lost.
    await page.getByRole('button', { name: 'Add a goal' }).click();
    const goalForm = page.getByRole('form', { name: 'New goal' });
    await goalForm.getByLabel('Where it starts (baseline)').fill('Stops after 20 metres');
    await goalForm.getByLabel('Target', { exact: true }).fill('To the mailbox and back without stopping');
    await goalForm.getByLabel('Target date').fill(inDays(60));
    await goalForm.getByLabel('Milestone 1').fill('Halfway to the mailbox');
    await goalForm.getByRole('button', { name: 'Add a milestone' }).click();
    await goalForm.getByLabel('Milestone 2').fill('To the mailbox');
    await goalForm.getByRole('button', { name: 'Save goal' }).click();
    await goalForm.getByText('Please fill this in.').waitFor();
    expect(await goalForm.getByLabel('Milestone 2').inputValue()).toBe('To the mailbox');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(await goalForm.getByLabel('Goal', { exact: true }).getAttribute('id'));
    await expectClean(page, 'goal form with an error');
    await screenshot(page, 'plan-goal-form-error');
    await goalForm.getByLabel('Goal', { exact: true }).fill('Walk to the mailbox');
    await goalForm.getByRole('button', { name: 'Save goal' }).click();
    const goal = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Walk to the mailbox' }) });
    await goal.getByText('0 of 2 milestones reached').waitFor();
    await goal.getByText(/^Added by you on /).waitFor();

    // An exercise three times a week.
    await page.getByRole('button', { name: 'Add a plan item' }).click();
    let itemForm = page.getByRole('form', { name: 'New plan item' });
    await itemForm.getByLabel('Name', { exact: true }).fill('Walk outside');
    await itemForm.getByLabel('Minutes each time').fill('10');
    await itemForm.getByLabel('Sets').fill('2');
    await itemForm.getByLabel('Repetitions').fill('0');
    await itemForm.getByRole('button', { name: 'Save plan item' }).click();
    await itemForm.getByText('Choose a number from 1 to 200.').waitFor();
    await itemForm.getByLabel('Repetitions').fill('');
    await itemForm.getByLabel('Sets').fill('');
    await itemForm.getByRole('button', { name: 'Save plan item' }).click();
    const walk = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Walk outside' }) });
    await walk.getByText('3 times a week · 10 minutes each time').waitFor();
    await walk.getByText('0 of 3 this week').waitFor();

    // A medication, with its own fields.
    await page.getByRole('button', { name: 'Add a plan item' }).click();
    itemForm = page.getByRole('form', { name: 'New plan item' });
    await itemForm.getByRole('radio', { name: 'Medication' }).check();
    await itemForm.getByLabel('Name', { exact: true }).fill('Duloxetine');
    await itemForm.getByLabel('Times per week').fill('7');
    await itemForm.getByLabel('Dose').fill('30 mg');
    await itemForm.getByLabel('Schedule').fill('Every morning, with food');
    await itemForm.getByLabel('Purpose').fill('Nerve pain');
    await itemForm.getByLabel('Side effects to watch for').fill('Nausea\nDizziness');
    expect(await itemForm.getByLabel('Minutes each time').count()).toBe(0);
    await expectClean(page, 'medication form');
    await screenshot(page, 'plan-item-form');
    await itemForm.getByRole('button', { name: 'Save plan item' }).click();
    const med = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Duloxetine' }) });
    await med.getByText('Dose: 30 mg').waitFor();
    await med.getByText('Dizziness').waitFor();
    await page.getByRole('heading', { level: 3, name: 'Medication' }).waitFor();

    // Stepped care, escalation, crisis plan.
    await page.getByRole('button', { name: 'Set the level of care' }).click();
    const stepped = page.getByRole('form', { name: 'Level of care' });
    await stepped.getByRole('radio', { name: 'Level 2: guided (coaching, group)' }).check();
    await stepped.getByLabel('Criteria for moving between levels').fill('Up to level 3 if PEG is 30% worse for two weeks.');
    await stepped.getByLabel('Next review date').fill(inDays(30));
    await stepped.getByRole('button', { name: 'Save level of care' }).click();
    await page.getByText('Level 2: guided (coaching, group)').waitFor();

    await page.getByRole('button', { name: 'Add escalation criteria' }).click();
    const esc = page.getByRole('form', { name: 'Escalation criteria' });
    await esc.getByLabel('Criteria', { exact: true }).fill('New numbness or weakness in a leg\nLoss of bladder control');
    await esc.getByLabel('What to do').fill('Call the clinic the same day.');
    await esc.getByRole('button', { name: 'Save escalation criteria' }).click();
    await page.getByText('Loss of bladder control').waitFor();

    await page.getByRole('button', { name: 'Write the crisis plan' }).click();
    const crisis = page.getByRole('form', { name: 'Crisis plan' });
    await crisis.getByLabel('Steps').fill('Breathe slowly for a minute\nCall someone on the list');
    await crisis.getByLabel('Name').fill('Ana (sister)');
    await crisis.getByLabel('Phone number').fill('call me');
    await crisis.getByRole('button', { name: 'Save crisis plan' }).click();
    await crisis.getByText(/Enter a phone number with at least 3 digits/).waitFor();
    await expectClean(page, 'crisis plan form with an error');
    expect(await crisis.getByLabel('Name').inputValue()).toBe('Ana (sister)');
    await crisis.getByLabel('Phone number').fill('555 010 0100');
    await crisis.getByRole('button', { name: 'Save crisis plan' }).click();
    await page.getByRole('link', { name: 'Call Ana (sister)' }).waitFor();
    expect(await page.getByRole('link', { name: 'Call Ana (sister)' }).getAttribute('href')).toBe('tel:5550100100');
  });

  test('the clinician edits, rates progress, marks a milestone, and can undo a deletion', async () => {
    const { page } = app;
    const goal = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Walk to the mailbox' }) });
    await page.getByRole('button', { name: 'Edit goal “Walk to the mailbox”' }).click();
    const edit = page.getByRole('form', { name: 'Edit goal' });
    await edit.getByLabel('Target', { exact: true }).fill('To the mailbox and back twice, without stopping');
    await edit.getByRole('button', { name: 'Save goal' }).click();
    await goal.getByText('To the mailbox and back twice, without stopping').waitFor();
    await goal.getByText(/^Changed by you on /).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit goal “Walk to the mailbox”');

    await goal.getByRole('button', { name: 'Rate progress of “Walk to the mailbox”' }).click();
    const rate = page.getByRole('form', { name: 'Rate progress: “Walk to the mailbox”' });
    await rate.getByRole('radio', { name: '3', exact: true }).check({ force: true });
    await rate.getByLabel('Note').fill('Reached the gate twice this week.');
    await rate.getByRole('button', { name: 'Save rating' }).click();
    await goal.getByText('Progress: 3 out of 10').waitFor();
    await goal.getByRole('button', { name: 'Mark reached: “Halfway to the mailbox”' }).click();
    await goal.getByText('1 of 2 milestones reached').waitFor();

    // Escalation deleted, then brought back from the toast.
    await page.getByRole('button', { name: 'Delete the escalation criteria' }).click();
    await page.getByText('No escalation criteria yet.').waitFor();
    await toast(page, 'Escalation criteria deleted.').getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Loss of bladder control').waitFor();

    // Every change is in the history, with who and when.
    await page.locator('summary', { hasText: /^History$/ }).click();
    await page.getByText('Changed the goal “Walk to the mailbox”').first().waitFor();
    await page.getByText('Added a progress rating (3 out of 10) for “Walk to the mailbox”').waitFor();
    await expectClean(page, 'clinician, full plan');
    await screenshot(page, 'plan-clinician');
  });

  test('a change in another tab shows at once', async () => {
    const { page, context } = app;
    const other = await context.newPage();
    // The way a clinician's patient page links to a circle's plan.
    const circleId = await page.evaluate(() => new Promise<string>((resolve, reject) => {
      const open = indexedDB.open('paceline');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const req = open.result.transaction('profile').objectStore('profile').get('device');
        req.onsuccess = () => { resolve((req.result as { circleId: string }).circleId); open.result.close(); };
      };
    }));
    await other.goto(new URL(`/plan?circle=${encodeURIComponent(circleId)}`, page.url()).href);
    await openPlan(other);
    await other.getByRole('heading', { name: 'Walk outside' }).waitFor();
    await page.getByRole('button', { name: 'Edit “Walk outside”' }).click();
    const edit = page.getByRole('form', { name: 'Edit plan item' });
    await edit.getByLabel('Instructions').fill('Flat path, easy pace. Rest on the bench if needed.');
    await edit.getByRole('button', { name: 'Save plan item' }).click();
    await other.getByText('Flat path, easy pace. Rest on the bench if needed.').waitFor();
    await other.close();
  });

  test('the patient’s Today follows the plan: due items, one-tap logging, adherence, goals', async () => {
    const { page } = app;
    await actAs(page, 'patient', '/');
    const section = page.getByRole('region', { name: 'Today’s plan' });
    await section.waitFor();
    const walk = section.getByRole('listitem').filter({ hasText: 'Walk outside' });
    await walk.getByText('Due today').waitFor();
    await walk.getByText('0 of 3 this week').waitFor();
    await section.getByText('Walk to the mailbox').waitFor();
    await section.getByText('Progress: 3 out of 10; 1 of 2 milestones reached').waitFor();
    await expectClean(page, 'today with plan');
    await walk.getByRole('button', { name: '“Walk outside”: done' }).click();
    await walk.getByText('Logged today: done').waitFor();
    await walk.getByText('1 of 3 this week').waitFor();
    // 1 session done of 3 + 7 prescribed this week.
    await section.getByText('This week you did 10% of your plan.').waitFor();
    await toast(page, 'Logged “Walk outside”: done.').waitFor();
    await expectLayoutHolds(page, 'today with plan');
    await screenshot(page, 'plan-today-patient');
    await setTextSize(page, 200);
    await expectLayoutHolds(page, 'today with plan, 200%');
    await screenshot(page, 'plan-today-200');
    await page.reload();
    await section.waitFor();
  });

  test('a caregiver logs on the patient’s behalf, marked as entered by a caregiver', async () => {
    const { page } = app;
    await actAs(page, 'caregiver', '/');
    const section = page.getByRole('region', { name: 'Today’s plan' });
    await section.getByText('Your entries are marked as entered by a caregiver.').waitFor();
    const med = section.getByRole('listitem').filter({ hasText: 'Duloxetine' });
    // By keyboard.
    await med.getByRole('button', { name: '“Duloxetine”: skipped' }).focus();
    await page.keyboard.press('Enter');
    await med.getByText('Logged today: skipped').waitFor();
    const logs = await page.evaluate(() => new Promise<{ practiceName: string; status: string; enteredBy: string }[]>((resolve, reject) => {
      const open = indexedDB.open('paceline');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const req = open.result.transaction('records').objectStore('records').getAll();
        req.onsuccess = () => { resolve(req.result.map((r: { record: { practiceName: string; status: string; enteredBy: string } }) => r.record)); open.result.close(); };
        req.onerror = () => reject(req.error);
      };
    }));
    expect(logs.filter((l) => l.practiceName === 'Duloxetine').map((l) => [l.status, l.enteredBy])).toEqual([['skipped', 'caregiver']]);
    expect(logs.filter((l) => l.practiceName === 'Walk outside').map((l) => [l.status, l.enteredBy])).toEqual([['done', 'patient']]);
    // A skip answers today's session but credits nothing.
    await section.getByText('This week you did 10% of your plan.').waitFor();
    await actAs(page, 'patient', '/');
    await page.getByRole('region', { name: 'Today’s plan' }).waitFor();
  });

  test('the patient comments and suggests a change; the plan shows it waiting', async () => {
    const { page } = app;
    await page.getByRole('link', { name: 'See the whole care plan' }).click();
    await openPlan(page);
    const walk = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Walk outside' }) });
    await walk.getByText('1 of 3 this week').waitFor();
    expect(await page.getByRole('button', { name: 'Edit “Walk outside”' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Comment on “Walk to the mailbox”' }).click();
    const comment = page.getByRole('form', { name: 'Comment on “Walk to the mailbox”' });
    await comment.getByLabel('Your comment').fill('Windy days are the hardest.');
    await comment.getByRole('button', { name: 'Send comment' }).click();
    await page.getByText('Comments (1)').click();
    await page.getByText('Windy days are the hardest.').waitFor();

    await page.getByRole('button', { name: 'Suggest a change to “Walk outside”' }).click();
    const suggest = page.getByRole('form', { name: 'Suggest a change to “Walk outside”' });
    await suggest.getByRole('button', { name: 'Send suggestion' }).click();
    await suggest.getByText('Change at least one thing before sending, or add a comment instead.').waitFor();
    await suggest.getByLabel('Times per week').fill('2');
    await suggest.getByLabel('Why do you suggest this?').fill('Three walks are too many on work days.');
    await suggest.getByRole('button', { name: 'Send suggestion' }).click();
    const waiting = page.getByRole('region', { name: 'Suggested changes' });
    await waiting.getByText('Change to “Walk outside”').waitFor();
    await waiting.getByText('3 → 2').waitFor();
    await waiting.getByRole('button', { name: 'Withdraw your suggestion: Change to “Walk outside”' }).waitFor();

    // A new goal can be suggested too.
    await page.getByRole('button', { name: 'Suggest a new goal' }).click();
    const newGoal = page.getByRole('form', { name: 'Suggest a new goal' });
    await newGoal.getByLabel('Goal', { exact: true }).fill('Sleep through the night');
    await newGoal.getByLabel('Where it starts (baseline)').fill('Wakes three times a night');
    await newGoal.getByLabel('Target', { exact: true }).fill('Wakes once at most');
    await newGoal.getByLabel('Target date').fill(inDays(90));
    await newGoal.getByRole('button', { name: 'Send suggestion' }).click();
    await waiting.getByRole('heading', { name: 'New goal' }).waitFor();
    await expectClean(page, 'patient plan with a suggestion');
    await expectLayoutHolds(page, 'patient plan');
    await screenshot(page, 'plan-patient');
  });

  test('the clinician accepts the suggestion: the plan changes, the suggestion records the decision', async () => {
    const { page } = app;
    await actAs(page, 'clinician', '/plan');
    await openPlan(page);
    const waiting = page.getByRole('region', { name: 'Suggested changes' });
    await waiting.getByText('Why: Three walks are too many on work days.').waitFor();
    await waiting.getByRole('button', { name: 'Accept: Change to “Walk outside”' }).click();
    await toast(page, 'Suggestion accepted. The plan is updated.').waitFor();
    const walk = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Walk outside' }) });
    await walk.getByText(/^2 times a week/).waitFor();
    // The new goal is declined with a note for the patient.
    await waiting.getByRole('button', { name: 'Decline: New goal' }).click();
    const decline = page.getByRole('form', { name: 'Decline this suggestion' });
    await decline.getByLabel('Note to the person who suggested it').fill('Let us talk about sleep at the next visit.');
    await decline.getByRole('button', { name: 'Decline suggestion' }).click();
    await toast(page, 'Suggestion declined.').waitFor();
    await waiting.getByText('Earlier suggestions (2)').click();
    await waiting.getByText(/^Accepted by you on /).waitFor();
    await waiting.getByText(/^Declined by you on /).waitFor();
    await waiting.getByText('Note: Let us talk about sleep at the next visit.').waitFor();
    expect(await page.getByRole('heading', { name: 'Sleep through the night' }).count()).toBe(0);
    await expectClean(page, 'clinician after accepting');
  });

  test('the plan holds at 200% text', async () => {
    const { page } = app;
    await setTextSize(page, 200);
    await expectLayoutHolds(page, 'plan 200%');
    await screenshot(page, 'plan-200');
    await page.getByRole('button', { name: 'Add a plan item' }).click();
    await expectLayoutHolds(page, 'item form 200%');
    await screenshot(page, 'plan-form-200');
    await page.reload();
    await openPlan(page);
  });

  test('in Spanish', async () => {
    const { page } = app;
    await setRow(page, 'settings', 'locale', { value: 'es' });
    await actAs(page, 'patient', '/plan');
    await openPlan(page, 'Plan de cuidado');
    await page.getByRole('heading', { name: 'Objetivos' }).waitFor();
    await page.getByText('Dosis: 30 mg').waitFor();
    await page.getByText('Nivel 2: guiado (acompañamiento, grupo)').waitFor();
    await expectClean(page, 'plan in Spanish');
    await expectLayoutHolds(page, 'plan in Spanish');
    await screenshot(page, 'plan-es');
    await page.goto(new URL('/', page.url()).href);
    await page.getByRole('region', { name: 'Su plan de hoy' }).getByText('Registrado hoy: hecho').waitFor();
  });
});
