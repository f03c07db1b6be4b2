// Messages between the members of a care circle, driven as a person would: a first
// conversation (with the form's errors on the way), a reply, editing and deleting with undo,
// everything again offline after a reload, keyboard only, 200% text, and Spanish. One
// browser profile is one device, so one author: messages from another member are put into
// this device's stored messages document as the relay would have delivered them while the
// app was closed (unread logic between two authors is also unit-tested in tests/unit/ui-messages).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMessage, createThread } from '../../src/domain/circle/messages';
import { fieldsOf, kindMap, newRecordMap } from '../../src/storage/record-doc-fields';
import { axe, horizontalOverflow, openApp, screenshot, setTextSize, smallTouchTargets, waitForOfflineReady, type AppSession } from './harness';

async function expectAccessible(page: Page, where: string): Promise<void> {
  const violations = await axe(page);
  expect(violations.map((v) => `${where}: ${v.id} ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await smallTouchTargets(page), `${where}: small targets`).toEqual([]);
  expect(await horizontalOverflow(page), `${where}: overflow`).toEqual([]);
}

async function circleIdOf(page: Page): Promise<string> {
  return page.evaluate(() => new Promise<string>((resolve, reject) => {
    const open = indexedDB.open('paceline');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction('profile').objectStore('profile').get('device');
      req.onsuccess = () => { resolve((req.result as { circleId: string }).circleId); db.close(); };
      req.onerror = () => reject(req.error);
    };
  }));
}

const LONG = 'x'.repeat(4001);
/** Another member of the circle (a device public key, as the documents name authors). */
const PHYSIO = `${'B'.repeat(42)}A`;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/**
 * Stores a Yjs update of the circle's messages document with records written by another
 * member, as if it had arrived from the relay; the app reads it on the next load.
 */
async function receive(page: Page, records: Array<{ kind: 'thread' | 'message'; id: string }>): Promise<void> {
  const doc = new Y.Doc();
  for (const r of records) kindMap(doc, r.kind).set(r.id, newRecordMap(fieldsOf(r)));
  const update = Array.from(Y.encodeStateAsUpdate(doc));
  const circleId = await circleIdOf(page);
  await page.evaluate(({ circleId, update }) => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('paceline');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('docUpdates', 'readwrite');
      tx.objectStore('docUpdates').add({ docKey: `${circleId}/messages`, update: new Uint8Array(update), at: Date.now() });
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), { circleId, update });
}

describe('messages', () => {
  let app: AppSession;
  let threadUrl = '';

  beforeAll(async () => {
    app = await openApp({ path: '/' });
    app.page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('starts empty, saying who can read messages and where to get help now', async () => {
    const { page } = app;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages' }).click();
    await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
    await page.getByText('Everyone in this care circle can read these messages').waitFor();
    await page.getByText('No messages yet. Start a conversation with your care circle.').waitFor();
    await page.getByText('Messages are not for emergencies.').waitFor();
    await expect(page.getByRole('link', { name: 'Get crisis help now' }).getAttribute('href')).resolves.toBe('/crisis');
    await expectAccessible(page, 'messages empty');
    await screenshot(page, 'messages-empty');
  });

  it('a new conversation: clear errors that keep what was typed, then sent', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'New conversation' }).click();
    const form = page.getByRole('form', { name: 'New conversation' });
    await form.getByRole('button', { name: 'Send' }).click();
    await form.getByRole('alert').filter({ hasText: 'Nothing was saved yet' }).waitFor();
    await form.getByText('Write a subject.').waitFor();
    await form.getByText('Write a message.').waitFor();
    // The first field with a problem has the cursor.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'))).resolves.toBe('true');
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent)).resolves.toBe('Subject');
    await expectAccessible(page, 'new conversation with errors');

    await form.getByRole('textbox', { name: 'Subject' }).fill('Knee exercises');
    await form.getByRole('textbox', { name: 'Message' }).fill(LONG);
    await form.getByRole('button', { name: 'Send' }).click();
    await form.getByText('This is 4,001 characters long; the limit is 4,000. Shorten it by 1.').waitFor();
    expect((await form.getByRole('textbox', { name: 'Message' }).inputValue()).length).toBe(4001);
    await expect(form.getByRole('textbox', { name: 'Subject' }).inputValue()).resolves.toBe('Knee exercises');
    await screenshot(page, 'messages-new-errors');

    await form.getByRole('textbox', { name: 'Message' }).fill('The squats hurt more this week.\nShould I do fewer?');
    await form.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { level: 1, name: 'Knee exercises' }).waitFor();
    threadUrl = page.url();
    expect(new URL(threadUrl).pathname).toMatch(/^\/messages\/[0-9A-Z]{26}$/);
    const list = page.getByRole('list', { name: 'Messages' });
    const first = list.getByRole('listitem').first();
    await first.getByText('Should I do fewer?', { exact: false }).waitFor();
    await first.getByText('You', { exact: true }).waitFor();
    await page.getByText('Messages are not for emergencies.').waitFor();
  });

  it('a reply; editing and deleting my own message, with undo', async () => {
    const { page } = app;
    const list = page.getByRole('list', { name: 'Messages' });
    const reply = page.getByRole('textbox', { name: 'Your reply' });
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Write a message.').waitFor();
    await reply.fill('Also: ice helps.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await list.getByText('Also: ice helps.').waitFor();
    await page.getByRole('status').getByText('Message sent.').waitFor();
    await expect(reply.inputValue()).resolves.toBe('');
    expect(await list.getByRole('listitem').count()).toBe(2);

    const second = list.getByRole('listitem').nth(1);
    await second.getByRole('button', { name: /^Edit your message of / }).click();
    const edit = second.getByRole('textbox', { name: 'Your message' });
    await expect(edit.inputValue()).resolves.toBe('Also: ice helps.');
    await edit.fill('Also: ice helps, 10 minutes.');
    await second.getByRole('button', { name: 'Save changes' }).click();
    await second.getByText('Also: ice helps, 10 minutes.').waitFor();
    await second.getByText('(edited)').waitFor();
    await expectAccessible(page, 'thread');
    await screenshot(page, 'messages-thread');

    await second.getByRole('button', { name: /^Delete your message of / }).click();
    await page.getByRole('status').getByText('Message deleted.').waitFor();
    expect(await list.getByRole('listitem').count()).toBe(1);
    await page.getByRole('button', { name: 'Undo: Message deleted.' }).click();
    await list.getByText('Also: ice helps, 10 minutes.').waitFor();
    expect(await list.getByRole('listitem').count()).toBe(2);
  });

  it('the list: subject, last message, who and when; a thread that is not here', async () => {
    const { page } = app;
    await page.getByRole('link', { name: 'All messages' }).click();
    await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
    const item = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Knee exercises' }) });
    await item.getByText('Also: ice helps, 10 minutes.').waitFor();
    await item.getByText(/^You, /).waitFor();
    expect(await item.getByText(/unread/).count()).toBe(0);
    await expectAccessible(page, 'list');
    await screenshot(page, 'messages-list');

    await page.goto(new URL('/messages/01JZZZZZZZZZZZZZZZZZZZZZZZ', app.baseUrl).href);
    await page.getByText('This conversation is not on this device.', { exact: false }).waitFor();
    await expectAccessible(page, 'thread not found');
  });

  it('offline: reload, read the conversation and write to it', async () => {
    const { page, context } = app;
    await waitForOfflineReady(page);
    await context.setOffline(true);
    await page.goto(threadUrl);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Knee exercises' }).waitFor();
    const list = page.getByRole('list', { name: 'Messages' });
    await list.getByText('Also: ice helps, 10 minutes.').waitFor();
    await page.getByRole('textbox', { name: 'Your reply' }).fill('Written offline.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await list.getByText('Written offline.').waitFor();
    await page.reload();
    await list.getByText('Written offline.').waitFor();
    await screenshot(page, 'messages-offline');
    await context.setOffline(false);
  });

  it('live: a reply written in another tab appears at once, in the thread and the list', async () => {
    const { page, context } = app;
    await page.goto(threadUrl);
    const list = page.getByRole('list', { name: 'Messages' });
    await list.getByText('Written offline.').waitFor();
    const other = await context.newPage();
    try {
      await other.goto(threadUrl);
      await other.getByRole('textbox', { name: 'Your reply' }).fill('From the other tab.');
      await other.getByRole('button', { name: 'Send reply' }).click();
      await other.getByRole('list', { name: 'Messages' }).getByText('From the other tab.').waitFor();
      await list.getByText('From the other tab.').waitFor();
      await other.getByRole('link', { name: 'All messages' }).click();
      await other.getByRole('region', { name: 'Conversations' }).getByText('From the other tab.').waitFor();
    } finally {
      await other.close();
    }
  });

  it('keyboard only: a second conversation from the list', async () => {
    const { page } = app;
    await page.goto(new URL('/messages', app.baseUrl).href);
    await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
    await page.getByRole('button', { name: 'New conversation' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('New conversation');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Sleep');
    await page.keyboard.press('Tab');
    await page.keyboard.type('I wake up at 3 every night.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sleep' }).waitFor();
    await page.getByRole('link', { name: 'All messages' }).focus();
    await page.keyboard.press('Enter');
    // Newest activity first.
    const links = page.getByRole('region', { name: 'Conversations' }).getByRole('heading', { level: 3 });
    await expect(links.allTextContents()).resolves.toEqual(['Sleep', 'Knee exercises']);
  });

  it('messages from another member: unread in the tab and the list, read once shown, even one that arrived late', async () => {
    const { page } = app;
    const knee = new URL(threadUrl).pathname.split('/').pop()!;
    const now = new Date();
    const thread = unwrap(createThread('From your physiotherapist', PHYSIO, now));
    const hello = unwrap(createMessage(thread.id, 'How did the new exercises go?', PHYSIO, now));
    // Written an hour ago on a device that was offline: older than this device's read mark.
    const late = unwrap(createMessage(knee, 'Fewer squats, yes: two sets.', PHYSIO, new Date(now.getTime() - 3_600_000)));
    await receive(page, [thread, hello, late]);
    await page.goto(new URL('/', app.baseUrl).href);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Messages, 2 unread' }).waitFor();
    await expectAccessible(page, 'today with unread messages');
    await screenshot(page, 'messages-badge');

    await nav.getByRole('link', { name: 'Messages, 2 unread' }).click();
    const list = page.getByRole('region', { name: 'Conversations' });
    await list.getByRole('link', { name: 'From your physiotherapist 1 unread' }).waitFor();
    await list.getByRole('link', { name: 'Knee exercises 1 unread' }).waitFor();
    await expect(list.getByRole('heading', { level: 3 }).first().textContent()).resolves.toContain('From your physiotherapist');
    await list.getByText(/^A care team member, /).waitFor();
    await expectAccessible(page, 'list with unread');
    await screenshot(page, 'messages-list-unread');

    await list.getByRole('link', { name: 'From your physiotherapist 1 unread' }).click();
    await page.getByRole('heading', { level: 1, name: 'From your physiotherapist' }).waitFor();
    const item = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').first();
    await item.getByText('A care team member').waitFor();
    expect(await item.getByRole('button').count()).toBe(0); // not mine: no Edit or Delete
    await nav.getByRole('link', { name: 'Messages, 1 unread' }).waitFor();

    await page.getByRole('link', { name: 'All messages' }).click();
    await list.getByRole('link', { name: 'Knee exercises 1 unread' }).click();
    await page.getByRole('list', { name: 'Messages' }).getByText('Fewer squats, yes: two sets.').waitFor();
    await nav.getByRole('link', { name: 'Messages', exact: true }).waitFor();
    await page.getByRole('link', { name: 'All messages' }).click();
    expect(await list.getByText(/unread/).count()).toBe(0);
  });

  it('a clinician’s view of a circle (?circle=) keeps the circle in its links', async () => {
    const { page } = app;
    const circle = await circleIdOf(page);
    await page.goto(new URL(`/messages?circle=${circle}`, app.baseUrl).href);
    const link = page.getByRole('link', { name: 'Knee exercises' });
    await expect(link.getAttribute('href')).resolves.toMatch(new RegExp(`^/messages/[0-9A-Z]{26}\\?circle=${circle}$`));
    await link.click();
    await page.getByRole('heading', { level: 1, name: 'Knee exercises' }).waitFor();
    await expect(page.getByRole('link', { name: 'All messages' }).getAttribute('href')).resolves.toBe(`/messages?circle=${circle}`);
    // A circle this device is not in: said plainly, and nothing to write into.
    await page.goto(new URL('/messages?circle=01JZZZZZZZZZZZZZZZZZZZZZZZ', app.baseUrl).href);
    await page.getByText('This care circle is not on this device', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'New conversation' }).count()).toBe(0);
  });

  it('200% text on both screens', async () => {
    const { page } = app;
    await page.goto(new URL('/messages', app.baseUrl).href);
    await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
    await setTextSize(page, 200);
    await expectAccessible(page, 'list at 200%');
    await screenshot(page, 'messages-list-200');
    await page.goto(threadUrl);
    await page.getByRole('heading', { level: 1, name: 'Knee exercises' }).waitFor();
    await setTextSize(page, 200);
    await expectAccessible(page, 'thread at 200%');
    await screenshot(page, 'messages-thread-200');
  });
});

describe('messages in Spanish', () => {
  let app: AppSession;
  beforeAll(async () => {
    app = await openApp({ path: '/messages', locale: 'es-ES' });
    app.page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('empty, a new conversation with an error, and the thread', async () => {
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Mensajes' }).waitFor();
    await page.getByText('Todavía no hay mensajes. Empiece una conversación con su círculo de cuidado.').waitFor();
    await page.getByText('Los mensajes no son para emergencias.').waitFor();
    await expectAccessible(page, 'es empty');
    await page.getByRole('button', { name: 'Nueva conversación' }).click();
    await page.getByRole('textbox', { name: 'Asunto' }).fill('Medicamentos');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await page.getByText('Escriba un mensaje.').waitFor();
    await expect(page.getByRole('textbox', { name: 'Asunto' }).inputValue()).resolves.toBe('Medicamentos');
    await expectAccessible(page, 'es errors');
    await page.getByRole('textbox', { name: 'Mensaje' }).fill('¿Puedo tomarlo con comida?');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await page.getByRole('heading', { level: 1, name: 'Medicamentos' }).waitFor();
    await page.getByText('Usted', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Todos los mensajes' }).waitFor();
    await expectAccessible(page, 'es thread');
    await screenshot(page, 'messages-es-thread');
  });
});
