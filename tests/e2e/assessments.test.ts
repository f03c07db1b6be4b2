import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axe, horizontalOverflow, openApp, screenshot, setTextSize, smallTouchTargets, waitForOfflineReady, type AppSession } from './harness';

async function expectAccessible(page: Page, label: string) {
  const violations = await axe(page);
  expect(violations, `${label}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  expect(await smallTouchTargets(page), label).toEqual([]);
}

/** Looks at a state at 200% text: no sideways scrolling; the screenshot is for a person to look at. */
async function expectHoldsAt200(page: Page, name: string) {
  await setTextSize(page, 200);
  expect(await horizontalOverflow(page), name).toEqual([]);
  await screenshot(page, `${name}-200`);
}

/** The question fieldset whose legend starts with its number ("9. Thoughts that ..."). */
const question = (page: Page, n: number) => page.getByRole('group', { name: new RegExp(`^${n}\\. `) });

async function answer(page: Page, n: number, choice: string) {
  await question(page, n).getByRole('radio', { name: choice, exact: true }).check();
}

const headingFocused = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

describe('Check-ins', () => {
  let app: AppSession;
  beforeAll(async () => { app = await openApp({ path: '/checkins' }); });
  afterAll(async () => { await app?.dispose(); });

  it('lists what is due, then every questionnaire, and links to Settings for the schedule', async () => {
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Check-ins' }).waitFor();
    const due = page.getByRole('region', { name: 'Due now' });
    await due.getByRole('heading', { name: 'Pain check-in (PEG)' }).waitFor();
    expect(await due.getByRole('heading', { level: 3 }).allTextContents()).toEqual([
      'Pain check-in (PEG)', 'Mood check-in (PHQ-9)', 'Worry check-in (GAD-7)',
    ]);
    const all = page.getByRole('region', { name: 'All check-ins' });
    expect(await all.getByRole('heading', { level: 3 }).count()).toBe(5);
    await all.getByText('Due every 7 days').waitFor();
    await expect(page.getByRole('link', { name: 'Change how often in Settings' }).getAttribute('href')).resolves.toBe('/settings');
    await expectAccessible(page, 'check-ins list');
    await screenshot(page, 'assess-checkins');
    await expectHoldsAt200(page, 'assess-checkins');
    await page.reload();
  });

  it('PEG: unanswered questions are named and nothing is saved; 5, 6, 6 scores 5.7 out of 10 with no label', async () => {
    const { page } = app;
    await page.getByRole('region', { name: 'Due now' }).getByRole('link', { name: 'Start the pain check-in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pain check-in (PEG)' }).waitFor();
    await expectAccessible(page, 'PEG form');
    await screenshot(page, 'assess-peg');

    await question(page, 1).getByRole('radio', { name: '5', exact: true }).check();
    await page.getByRole('button', { name: 'Save my answers' }).click();
    await page.getByRole('alert').filter({ hasText: '2 questions still need an answer' }).waitFor();
    await expect(question(page, 2).getByText('Please choose an answer to this question.').isVisible()).resolves.toBe(true);
    // Focus goes to the first unanswered question.
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).resolves.toBe('peg-item2');
    await expect(question(page, 1).getByRole('radio', { name: '5', exact: true }).isChecked()).resolves.toBe(true);
    await expectAccessible(page, 'PEG with errors');
    await screenshot(page, 'assess-peg-errors');

    await question(page, 2).getByRole('radio', { name: '6', exact: true }).check();
    await question(page, 3).getByRole('radio', { name: '6', exact: true }).check();
    await page.getByRole('button', { name: 'Save my answers' }).click();
    const result = page.getByRole('region', { name: 'Your result' });
    await result.getByText('5.7 out of 10').waitFor();
    await result.getByText('This is your first one.').waitFor();
    await result.getByText('This is not a diagnosis; your care team will look at it with you.').waitFor();
    expect(await result.textContent()).not.toMatch(/minimal|mild|moderate|severe/i);
    await expectAccessible(page, 'PEG result');
    await screenshot(page, 'assess-peg-result');

    // A second PEG compares with the first: 3, 3, 3 = 3.0, 2.7 lower, which is 30% or more of 5.7.
    await page.getByRole('link', { name: 'Back to check-ins' }).click();
    await page.getByRole('region', { name: 'All check-ins' }).getByText('Last score: 5.7 out of 10').waitFor();
    await page.getByRole('region', { name: 'All check-ins' }).getByRole('link', { name: 'Start the pain check-in' }).click();
    for (const n of [1, 2, 3]) await question(page, n).getByRole('radio', { name: '3', exact: true }).check();
    await page.getByRole('button', { name: 'Save my answers' }).click();
    await result.getByText('3.0 out of 10').waitFor();
    await result.getByText('2.7 points lower').waitFor();
    await result.getByText('That is a change of 30% or more: a meaningful change.').waitFor();
  });

  it('PHQ-2: a positive screen offers the full PHQ-9', async () => {
    const { page } = app;
    await page.goto(new URL('/checkins/phq2', app.baseUrl).href);
    await answer(page, 1, 'More than half the days');
    await answer(page, 2, 'Several days');
    await expectAccessible(page, 'PHQ-2 form');
    await page.getByRole('button', { name: 'Save my answers' }).click();
    await page.getByText('3 out of 6').waitFor();
    await page.getByRole('link', { name: 'Take the full mood check-in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mood check-in (PHQ-9)' }).waitFor();
    await expect(question(page, 9).isVisible()).resolves.toBe(true);
  });

  it('GAD-7, GAD-2 and an unknown check-in', async () => {
    const { page } = app;
    for (const [path, title] of [['gad7', 'Worry check-in (GAD-7)'], ['gad2', 'Quick worry check (GAD-2)']] as const) {
      await page.goto(new URL(`/checkins/${path}`, app.baseUrl).href);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await expectAccessible(page, `${path} form`);
    }
    await page.goto(new URL('/checkins/bdi', app.baseUrl).href);
    await page.getByRole('heading', { level: 1, name: 'Check-in not found' }).waitFor();
    await expect(page.getByRole('link', { name: 'Back to check-ins' }).getAttribute('href')).resolves.toBe('/checkins');
    await expectAccessible(page, 'not found');
  });

  it('PHQ-9 offline: item 9 shows crisis help at once, before saving; the result keeps it', async () => {
    const { page, context } = app;
    await waitForOfflineReady(page);
    await context.setOffline(true);
    await page.goto(new URL('/checkins/phq9', app.baseUrl).href);
    await page.getByRole('heading', { level: 1, name: 'Mood check-in (PHQ-9)' }).waitFor();
    await page.getByText('Over the last 2 weeks, how often have you been bothered by any of the following problems?').waitFor();
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) await answer(page, n, 'Several days');
    expect(await page.getByRole('alert').count()).toBe(0);

    await answer(page, 9, 'Several days');
    const panel = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Help is here, right now' }) });
    await panel.waitFor({ timeout: 1000 });
    expect(await headingFocused(page)).toBe('Help is here, right now');
    await expect(panel.getByRole('link', { name: 'Call 988' }).getAttribute('href')).resolves.toBe('tel:988');
    await expect(panel.getByRole('link', { name: 'Text 988' }).getAttribute('href')).resolves.toBe('sms:988');
    await panel.getByText('In Spanish: call 988 and press 2, or text AYUDA to 988.').waitFor();
    await panel.getByRole('heading', { name: 'If you are in danger now, call 911' }).waitFor();
    await expect(panel.getByRole('link', { name: 'Call 911 now' }).getAttribute('href')).resolves.toBe('tel:911');
    await expectAccessible(page, 'PHQ-9 with crisis panel');
    await screenshot(page, 'assess-phq9-crisis');

    // Nothing was saved: the person still finishes and saves, offline.
    await question(page, 9).getByRole('radio', { name: 'Several days' }).waitFor();
    await page.getByRole('group', { name: /^If you checked off any problems/ }).getByRole('radio', { name: 'Somewhat difficult' }).check();
    await page.getByRole('button', { name: 'Save my answers' }).click();
    const result = page.getByRole('region', { name: 'Your result' });
    await result.getByText('9 out of 27').waitFor();
    await result.getByText('This score is in the range called “mild”.').waitFor();
    await page.getByRole('alert').getByRole('link', { name: 'Call 988' }).waitFor();
    await expectAccessible(page, 'PHQ-9 result with crisis panel');
    await screenshot(page, 'assess-phq9-result');
    await expectHoldsAt200(page, 'assess-phq9-result');
  });

  it('crisis screen from the header, offline: lines, steps, and my own plan kept on the device', async () => {
    const { page } = app;
    await page.reload();
    await page.getByRole('link', { name: 'Crisis help: people to call now' }).click();
    await page.getByRole('heading', { level: 1, name: 'Crisis help' }).waitFor();
    await page.getByRole('link', { name: 'Call 988' }).waitFor();
    await page.getByRole('heading', { name: 'What to do now' }).waitFor();
    await expectAccessible(page, 'crisis page');
    await screenshot(page, 'assess-crisis');

    await page.getByRole('button', { name: 'Make my plan' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Maria');
    await page.getByRole('textbox', { name: 'Phone number' }).fill('call her');
    await page.getByRole('textbox', { name: 'Things that help me' }).fill('A walk outside\nMusic');
    await page.getByRole('button', { name: 'Save my plan' }).click();
    await page.getByRole('alert').filter({ hasText: 'Nothing was saved yet' }).waitFor();
    await page.getByText(/Enter a phone number with at least 3 digits/).waitFor();
    await expectAccessible(page, 'crisis plan editor with error');
    await page.getByRole('textbox', { name: 'Phone number' }).fill('555-0100');
    await page.getByRole('button', { name: 'Save my plan' }).click();
    await expect(page.getByRole('link', { name: 'Call Maria' }).getAttribute('href')).resolves.toBe('tel:5550100');
    await page.getByRole('listitem').filter({ hasText: 'Music' }).waitFor();
    await expectAccessible(page, 'crisis page with plan');
    await screenshot(page, 'assess-crisis-plan');
    await expectHoldsAt200(page, 'assess-crisis');
    await app.context.setOffline(false);
  });
});

describe('Check-ins in Spanish', () => {
  let app: AppSession;
  // A Spanish-speaking browser in the United States: Spanish screens, US crisis lines (988).
  beforeAll(async () => { app = await openApp({ path: '/checkins/phq9', locale: 'es-US' }); });
  afterAll(async () => { await app?.dispose(); });

  it('shows the PHQ-9 in the published Spanish wording', async () => {
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Cuestionario de ánimo (PHQ-9)' }).waitFor();
    await page.getByText('Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?').waitFor();
    await question(page, 1).getByRole('radio', { name: 'Ningún día' }).waitFor();
    await question(page, 9).getByRole('radio', { name: 'Casi todos los días' }).waitFor();
    await page.getByRole('button', { name: 'Guardar mis respuestas' }).click();
    await page.getByRole('alert').filter({ hasText: 'Faltan 9 preguntas por responder' }).waitFor();
    await answer(page, 9, 'Varios días');
    await page.getByRole('alert').getByRole('link', { name: 'Llamar al 988' }).waitFor();
    await page.getByText('En español: llame al 988 y marque 2, o envíe AYUDA por mensaje de texto al 988.').waitFor();
    await expectAccessible(page, 'PHQ-9 in Spanish');
    await screenshot(page, 'assess-phq9-es');
    await expectHoldsAt200(page, 'assess-phq9-es');
  });
});
