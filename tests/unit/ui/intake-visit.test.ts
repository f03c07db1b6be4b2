// Waiting-room visits on a clinic tablet (features/kiosk/intake) through the REAL relay
// (in-process, `ws` sockets, fake-indexeddb): a visit started from a questionnaire link
// claims it, sends its answers and a PHQ-9 item 9 alert into the patient's circle, and its
// database goes; a visit made while the relay is unreachable stays on the device and is sent
// later by the leftover sender; links of another role or past their time start nothing.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../sync-server/server';
import { startTestRelay } from '../../helpers/relay-server';
import { createMemoryStore } from '../../../sync-server/storage/memory';
import { WebSocket } from '../../../sync-server/ws';
import { PacelineDB } from '../../../src/storage/db';
import { openCircleDocs } from '../../../src/storage/circle-docs';
import { openJournalStore } from '../../../src/storage/journal-store';
import { isIntakeDbName, listIntakeDbs, newIntakeDbName } from '../../../src/storage/intake-dbs';
import { createCircle, loadOrCreateBoxKeys, loadOrCreateDeviceKeys, shareDocuments } from '../../../src/sync/identity';
import { createInvitation, type Invitation } from '../../../src/sync/invitations';
import { RelayProvider } from '../../../src/sync/relay-provider';
import { sendLeftover, startVisit, type IntakeVisit, type VisitEnv } from '../../../src/ui/features/kiosk/intake/intake-session';
import { fragmentOf } from '../../../src/ui/features/kiosk/intake/pasted-link';
import type { KioskSession } from '../../../src/ui/app-data';
import { assessment, freshName, unwrap } from '../storage/test-db';
import { CIRCLE, eventually } from '../sync/client-fixtures';

const KIOSK: KioskSession = { staff: false, settings: { idleMinutes: 5, clinicName: 'Valley', region: 'MX' }, lock: () => undefined };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function relay(): Promise<RunningServer> {
  const server = await startTestRelay({ store: createMemoryStore() });
  cleanups.push(() => server.close());
  return server;
}

/** The clinician's device: it set the circle up, reads the journal and the alerts. */
async function clinic(url: string) {
  const db = new PacelineDB(freshName('clinic'));
  const device = await loadOrCreateDeviceKeys(db);
  const box = await loadOrCreateBoxKeys(db);
  unwrap(await createCircle(db, device, CIRCLE, Date.now(), { role: 'clinician' }));
  await shareDocuments(db, CIRCLE, ['journal', 'alerts', 'circle']);
  const journal = await openJournalStore(db, CIRCLE);
  const docs = await openCircleDocs(db, CIRCLE, 'clinician');
  const provider = new RelayProvider({ db, relayUrl: url, device, box, WebSocket, batchMs: 20, retryMs: 50, backoff: { baseMs: 50, maxMs: 200 } });
  unwrap(await provider.addDoc(journal));
  unwrap(await provider.addDoc(docs.alerts!));
  provider.start();
  cleanups.push(async () => {
    await provider.stop();
    await Promise.all([journal.close(), docs.close()]);
    db.close();
  });
  const link = async (options: Parameters<typeof createInvitation>[2] = { role: 'intake', ttlMs: 4 * 3600_000 }): Promise<Invitation> => {
    const inv = unwrap(await createInvitation(db, CIRCLE, options));
    await provider.refreshCircle(CIRCLE);
    return inv;
  };
  return { db, journal, docs, link };
}

const env = (url: string): VisitEnv => ({ relayUrl: url, WebSocket });

async function answer(visit: IntakeVisit, at: string, instrument: 'peg' | 'phq9', answers: number[]) {
  const record = assessment(at, instrument, answers);
  unwrap(await (await visit.data.journal()).put(record));
  return record;
}

describe('a waiting-room visit', () => {
  it('claims its link, sends the answers and the item 9 alert, reads nothing, and its database goes', async () => {
    const server = await relay();
    const team = await clinic(server.url);
    const started = await startVisit(await team.link(), KIOSK, newIntakeDbName(), new Date(), env(server.url));
    if (!started.ok) throw new Error(started.error);
    const visit = started.visit;
    cleanups.push(() => visit.close());
    expect(await listIntakeDbs()).toContain(visit.name);
    await eventually(() => visit.claim().state === 'ok', 'the claim');

    const peg = await answer(visit, new Date().toISOString(), 'peg', [7, 6, 8]);
    const phq = await answer(visit, new Date().toISOString(), 'phq9', [2, 2, 2, 2, 2, 2, 2, 2, 1]);
    expect(await visit.raiseAlertsNow()).toBe(1);
    await visit.flush();
    await eventually(async () => (await visit.waiting()) === 0, 'the relay to acknowledge everything');
    await eventually(() => team.journal.get('assessment', phq.id) !== undefined && team.journal.get('assessment', peg.id) !== undefined, 'the answers to reach the clinician');
    await eventually(() => team.docs.alerts!.all('alert').some((a) => a.kind === 'alert' && a.ruleId === 'phq9-item9'), 'the alert to reach the clinician');
    // The visit's region is the kiosk's, for its crisis lines.
    expect((await visit.data.db.settings.get('region'))?.value).toBe('MX');

    await visit.wipe();
    expect(await listIntakeDbs()).not.toContain(visit.name);
  }, 30_000);

  it('made while the relay is unreachable, it stays on the device and the leftover sender delivers it later', async () => {
    const server = await relay();
    const team = await clinic(server.url);
    const link = await team.link();
    // Nothing listens on this port: the visit cannot connect.
    const started = await startVisit(link, KIOSK, newIntakeDbName(), new Date(), env('http://127.0.0.1:9'));
    if (!started.ok) throw new Error(started.error);
    const peg = await answer(started.visit, new Date().toISOString(), 'peg', [9, 9, 8]);
    expect(await started.visit.waiting()).toBeGreaterThan(0);
    await started.visit.close();
    expect(await listIntakeDbs()).toContain(started.visit.name);

    expect(await sendLeftover(started.visit.name, KIOSK, 15_000, env(server.url))).toBe('sent');
    expect(await listIntakeDbs()).not.toContain(started.visit.name);
    await eventually(() => team.journal.get('assessment', peg.id) !== undefined, 'the late answers to reach the clinician');
  }, 30_000);

  it('a used link: the relay refuses the second claim, and the leftover sender keeps what it cannot deliver', async () => {
    const server = await relay();
    const team = await clinic(server.url);
    const link = await team.link();
    const first = await startVisit(link, KIOSK, newIntakeDbName(), new Date(), env(server.url));
    if (!first.ok) throw new Error(first.error);
    await eventually(() => first.visit.claim().state === 'ok', 'the first claim');
    await first.visit.wipe();

    const again = await startVisit(link, KIOSK, newIntakeDbName(), new Date(), env(server.url));
    if (!again.ok) throw new Error(again.error);
    await eventually(() => again.visit.claim().state === 'refused', 'the refusal');
    expect(again.visit.claim()).toEqual({ state: 'refused', reason: 'used' });
    await answer(again.visit, new Date().toISOString(), 'peg', [1, 1, 1]);
    await again.visit.close();
    expect(await sendLeftover(again.visit.name, KIOSK, 10_000, env(server.url))).toBe('refused');
    expect(await listIntakeDbs()).toContain(again.visit.name);
  }, 30_000);

  it('starts nothing from a link of another role, an expired one, or a bad name', async () => {
    const server = await relay();
    const team = await clinic(server.url);
    const before = await listIntakeDbs();
    const carer = await team.link({ role: 'clinician' });
    expect(await startVisit(carer, KIOSK, newIntakeDbName(), new Date(), env(server.url))).toEqual({ ok: false, error: 'not-intake' });
    const link = await team.link({ role: 'intake', ttlMs: 1000 });
    expect(await startVisit(link, KIOSK, newIntakeDbName(), new Date(Date.now() + 5000), env(server.url))).toEqual({ ok: false, error: 'expired' });
    expect(await startVisit(link, KIOSK, 'paceline', new Date(), env(server.url))).toEqual({ ok: false, error: 'failed' });
    expect(await listIntakeDbs()).toEqual(before);
  });
});

describe('visit database names and pasted links', () => {
  it('only the intake prefix with a ULID is a visit database', () => {
    expect(isIntakeDbName(newIntakeDbName())).toBe(true);
    for (const name of ['paceline', 'paceline-kiosk', 'paceline-intake-', 'paceline-intake-../x', `${freshName('x')}`]) expect(isIntakeDbName(name)).toBe(false);
  });

  it('takes the fragment of a whole link, or the fragment itself', () => {
    expect(fragmentOf('  https://clinic.example/intake#i1.abc \n')).toBe('i1.abc');
    expect(fragmentOf('i1.abc')).toBe('i1.abc');
    expect(fragmentOf('#i1.abc')).toBe('i1.abc');
  });
});
