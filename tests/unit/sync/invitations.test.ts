// Invitations, roles and key rotation through the REAL relay (in-process, `ws` sockets, each
// device with its own fake-indexeddb database): a caregiver joins from a link, once; an
// expired link is refused by the relay's clock; the journal reaches a caregiver only when
// the patient shares it (keys sealed to the caregiver's device in a membership version);
// removing a member rotates the keys and the others get the new ones the same way.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { type RunningServer, startServer } from '../../../sync-server/server';
import { createMemoryStore } from '../../../sync-server/storage/memory';
import { WebSocket } from '../../../sync-server/ws';
import { PacelineDB } from '../../../src/storage/db';
import { openCircleDocs, type CircleDocs } from '../../../src/storage/circle-docs';
import { openJournalStore } from '../../../src/storage/journal-store';
import { listDocKeys, getMembership } from '../../../src/storage/key-store';
import { createMessage, createThread } from '../../../src/domain/circle/messages';
import { generateDeviceKeys, type DeviceKeys } from '../../../src/sync/crypto';
import { createCircle, loadOrCreateBoxKeys, loadOrCreateDeviceKeys, removeMember, setCaregiverJournal, shareDocuments } from '../../../src/sync/identity';
import { acceptInvitation, createInvitation, decodeInvitationFragment, encodeInvitationFragment, type Invitation } from '../../../src/sync/invitations';
import type { ClaimOutcome } from '../../../src/sync/invite-claim';
import { readSignedMembership } from '../../../src/sync/protocol-membership';
import { RelayProvider } from '../../../src/sync/relay-provider';
import { assessment, diary, freshName, unwrap } from '../storage/test-db';
import { CIRCLE, eventually } from './client-fixtures';

const STATIC = join(tmpdir(), 'paceline-no-app');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function relay(): Promise<RunningServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', staticDir: STATIC, logLevel: 'silent', store: createMemoryStore() });
  cleanups.push(() => server.close());
  return server;
}

interface Device {
  db: PacelineDB;
  keys: DeviceKeys;
  provider: RelayProvider;
  docs: CircleDocs;
  claims: ClaimOutcome[];
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

async function device(url: string, role: 'patient' | 'caregiver' | 'clinician', setup: (db: PacelineDB, keys: DeviceKeys) => Promise<void>): Promise<Device> {
  const db = new PacelineDB(freshName(role));
  // The device's own stored identity, as in the app (a delegate signs with it).
  const keys = await loadOrCreateDeviceKeys(db);
  await setup(db, keys);
  const box = await loadOrCreateBoxKeys(db);
  const claims: ClaimOutcome[] = [];
  const provider = new RelayProvider({
    db, relayUrl: url, device: keys, box, WebSocket, batchMs: 20, retryMs: 50, backoff: { baseMs: 50, maxMs: 200 },
    onClaim: (_circle, outcome) => claims.push(outcome),
  });
  const docs = await openCircleDocs(db, CIRCLE, role);
  const d = { db, keys, provider, docs, claims };
  cleanups.push(async () => {
    await provider.stop();
    await docs.close();
    db.close();
  });
  return d;
}

async function patient(url: string): Promise<Device> {
  const d = await device(url, 'patient', async (db, keys) => {
    await loadOrCreateBoxKeys(db);
    unwrap(await createCircle(db, keys, CIRCLE, Date.now()));
    await shareDocuments(db, CIRCLE, ['journal', 'messages', 'plan', 'circle']);
  });
  unwrap(await d.provider.addDoc(d.docs.messages));
  d.provider.start();
  return d;
}

/** A device that opens an invitation link (its fragment) and shares the messages document. */
async function joiner(url: string, fragment: string, role: 'caregiver' | 'clinician' | 'patient', now = Date.now()): Promise<Device> {
  return device(url, role, async (db) => {
    const inv = decodeInvitationFragment(fragment);
    if (!inv.ok) throw new Error(inv.error);
    unwrap(await acceptInvitation(db, inv.value, now));
    await shareDocuments(db, CIRCLE, ['messages']);
  });
}

async function invite(p: Device, options: Parameters<typeof createInvitation>[2], now?: number): Promise<Invitation> {
  const inv = unwrap(await createInvitation(p.db, CIRCLE, options, now));
  await p.provider.refreshCircle(CIRCLE);
  return inv;
}

async function say(d: Device, text: string): Promise<void> {
  const thread = unwrap(createThread('Hello', b64(d.keys.publicKey), new Date()));
  unwrap(await d.docs.messages.put(thread));
  unwrap(await d.docs.messages.put(unwrap(createMessage(thread.id, text, b64(d.keys.publicKey), new Date()))));
}

const texts = (d: Device) => d.docs.messages.all('message').map((m) => (m as { text: string }).text).sort();
const classesHeld = async (db: PacelineDB) =>
  (await Promise.all(['circle', 'plan', 'journal', 'messages', 'alerts'].map(async (c) => [c, (await listDocKeys(db, `${CIRCLE}/${c}`)).map((k) => k.epoch)] as const))).filter(([, e]) => e.length > 0);

describe('invitations through the real relay', () => {
  it('a caregiver joins from a link, once: the link cannot be used again; the journal is not theirs to read', async () => {
    const server = await relay();
    const phone = await patient(server.url);
    const inv = await invite(phone, { role: 'caregiver' });
    const fragment = encodeInvitationFragment(inv);
    expect(fragment.length).toBeLessThan(1500); // fits a QR code comfortably

    const carer = await joiner(server.url, fragment, 'caregiver');
    // No journal key was handed over: the caregiver has no journal access by default.
    expect((await classesHeld(carer.db)).map(([c]) => c)).toEqual(['circle', 'plan', 'messages']);
    unwrap(await carer.provider.addDoc(carer.docs.messages));
    carer.provider.start();
    await eventually(() => carer.claims.length > 0, 'the claim');
    expect(carer.claims).toEqual([{ ok: true }]);
    expect(await carer.db.inviteClaims.count()).toBe(0);

    await say(phone, 'from the patient');
    await say(carer, 'from the caregiver');
    await eventually(() => texts(phone).length === 2 && texts(carer).length === 2, 'messages both ways');

    // The membership now holds the caregiver's own key, not the invitation key.
    const chain = (await getMembership(carer.db, CIRCLE))!.links.map((l) => unwrap(readSignedMembership(l)).body);
    const head = chain.at(-1)!;
    expect(head.members.map((m) => [b64(m.devicePk) === b64(carer.keys.publicKey) ? 'carer' : b64(m.devicePk) === b64(inv.invitePk) ? 'invite' : m.role, m.claimBy ?? 0])).toEqual(
      expect.arrayContaining([['carer', 0], ['patient', 0]]),
    );
    expect(head.members.some((m) => b64(m.devicePk) === b64(inv.invitePk))).toBe(false);

    // Someone else with the same link: refused, and nothing of the circle reaches them.
    const second = await joiner(server.url, fragment, 'caregiver');
    unwrap(await second.provider.addDoc(second.docs.messages));
    second.provider.start();
    await eventually(() => second.claims.length > 0, 'the second claim');
    expect(second.claims).toEqual([{ ok: false, error: 'invite-used' }]);
    await new Promise((r) => setTimeout(r, 200));
    expect(texts(second)).toEqual([]);
  });

  it('an expired link is refused by the relay, whatever the devices clocks say', async () => {
    const server = await relay();
    const phone = await patient(server.url);
    const past = Date.now() - 60 * 60 * 1000;
    const inv = await invite(phone, { role: 'caregiver', ttlMs: 60 * 1000 }, past);
    const carer = await joiner(server.url, encodeInvitationFragment(inv), 'caregiver', past + 1000);
    unwrap(await carer.provider.addDoc(carer.docs.messages));
    carer.provider.start();
    await eventually(() => carer.claims.length > 0, 'the claim');
    expect(carer.claims).toEqual([{ ok: false, error: 'invite-expired' }]);
    // Accepting it now, on this device, is refused too.
    const later = new PacelineDB(freshName('late'));
    cleanups.push(() => later.close());
    expect(await acceptInvitation(later, inv)).toEqual({ ok: false, error: 'expired' });
  });

  it('an invitation made offline: the joining device publishes the version that invited it', async () => {
    const server = await relay();
    const phone = await patient(server.url);
    await eventually(async () => (await getMembership(phone.db, CIRCLE))!.relayVersion === 1, 'genesis published');
    await phone.provider.stop(false);
    // The patient is offline now: the invitation's version stays on the phone.
    const inv = unwrap(await createInvitation(phone.db, CIRCLE, { role: 'clinician' }));
    const doctor = await joiner(server.url, encodeInvitationFragment(inv), 'clinician');
    unwrap(await doctor.provider.addDoc(doctor.docs.messages));
    doctor.provider.start();
    await eventually(() => doctor.claims.length > 0, 'the claim');
    expect(doctor.claims).toEqual([{ ok: true }]);
    await say(doctor, 'hello from the clinic');
    phone.provider.start();
    await eventually(() => texts(phone).includes('hello from the clinic'), 'the message to reach the phone');
    // The phone took the chain the others built (invitation, claim) on top of its own.
    expect((await getMembership(phone.db, CIRCLE))!.links.length).toBe(3);
  });

  it('a clinician who set the circle up and handed the owner key to the patient still invites colleagues (signed as delegate); nobody else', async () => {
    const server = await relay();
    const clinic = await device(server.url, 'clinician', async (db, keys) => {
      await loadOrCreateBoxKeys(db);
      unwrap(await createCircle(db, keys, CIRCLE, Date.now(), { role: 'clinician' }));
      await shareDocuments(db, CIRCLE, ['messages', 'plan', 'circle']);
    });
    unwrap(await clinic.provider.addDoc(clinic.docs.messages));
    clinic.provider.start();
    const forPatient = await invite(clinic, { role: 'patient', handOverOwnerKey: true });
    const phone = await joiner(server.url, encodeInvitationFragment(forPatient), 'patient');
    unwrap(await phone.provider.addDoc(phone.docs.messages));
    phone.provider.start();
    await eventually(() => phone.claims.length > 0, 'the patient\'s claim');
    expect(phone.claims).toEqual([{ ok: true }]);
    // The patient holds the owner key now; the clinic lets go of its copy.
    expect(await phone.db.ownerKeys.count()).toBe(1);
    await clinic.db.ownerKeys.delete(CIRCLE);

    // A delegate may add clinicians only.
    expect(await createInvitation(clinic.db, CIRCLE, { role: 'caregiver' })).toEqual({ ok: false, error: 'not-owner' });
    const forColleague = await invite(clinic, { role: 'clinician' });
    const colleague = await joiner(server.url, encodeInvitationFragment(forColleague), 'clinician');
    unwrap(await colleague.provider.addDoc(colleague.docs.messages));
    colleague.provider.start();
    await eventually(() => colleague.claims.length > 0, 'the colleague\'s claim');
    expect(colleague.claims).toEqual([{ ok: true }]);
    await say(colleague, 'a second clinician here');
    await eventually(() => texts(phone).includes('a second clinician here'), 'the colleague\'s message to reach the patient');
    // The patient's device verified the delegate-signed version and the claim.
    const chain = (await getMembership(phone.db, CIRCLE))!.links.map((l) => unwrap(readSignedMembership(l)));
    const added = chain.find((l) => l.body.members.some((m) => b64(m.devicePk) === b64(forColleague.invitePk)));
    expect(b64(added!.signer)).toBe(b64(clinic.keys.publicKey));
    expect(chain.at(-1)!.body.members.some((m) => b64(m.devicePk) === b64(colleague.keys.publicKey) && m.role === 'clinician' && !m.delegate)).toBe(true);

    // Two signers race: the patient, offline, shares the diary with a caregiver while the
    // clinic adds another colleague. The relay takes the clinic's version first; the phone
    // replays its own on top when it reconnects, and the caregiver gets the journal keys.
    const carer = await joiner(server.url, encodeInvitationFragment(await invite(phone, { role: 'caregiver' })), 'caregiver');
    unwrap(await carer.provider.addDoc(carer.docs.messages));
    carer.provider.start();
    await eventually(() => carer.claims.length > 0, 'the caregiver\'s claim');
    await eventually(async () => (await getMembership(phone.db, CIRCLE))!.links.length === (await getMembership(clinic.db, CIRCLE))!.links.length, 'the clinic to see the claim');
    await phone.provider.stop(false);
    unwrap(await setCaregiverJournal(phone.db, CIRCLE, carer.keys.publicKey, true));
    const raced = await invite(clinic, { role: 'clinician' });
    await eventually(async () => (await getMembership(clinic.db, CIRCLE))!.relayVersion === (await getMembership(clinic.db, CIRCLE))!.links.length, 'the clinic\'s version at the relay');
    expect((await classesHeld(carer.db)).map(([c]) => c)).not.toContain('journal');
    phone.provider.start();
    await eventually(async () => (await classesHeld(carer.db)).some(([c]) => c === 'journal'), 'the journal keys to reach the caregiver', 15_000);
    const after = (await getMembership(phone.db, CIRCLE))!;
    expect(after.relayVersion).toBe(after.links.length);
    const head = unwrap(readSignedMembership(after.links.at(-1)!)).body;
    expect(head.members.find((m) => b64(m.devicePk) === b64(carer.keys.publicKey))?.journal).toBe(true);
    expect(head.members.some((m) => b64(m.devicePk) === b64(raced.invitePk))).toBe(true);
    await eventually(async () => (await getMembership(clinic.db, CIRCLE))!.links.length === after.links.length, 'the clinic to take the replayed version');
  }, 30_000);

  it('an intake tablet for one waiting-room visit: added by the delegate clinician, it adds questionnaire answers and reads nothing', async () => {
    const server = await relay();
    const clinic = await device(server.url, 'clinician', async (db, keys) => {
      await loadOrCreateBoxKeys(db);
      unwrap(await createCircle(db, keys, CIRCLE, Date.now(), { role: 'clinician' }));
      await shareDocuments(db, CIRCLE, ['messages', 'plan', 'circle']);
    });
    unwrap(await clinic.provider.addDoc(clinic.docs.messages));
    clinic.provider.start();
    const phone = await joiner(server.url, encodeInvitationFragment(await invite(clinic, { role: 'patient', handOverOwnerKey: true })), 'patient');
    await shareDocuments(phone.db, CIRCLE, ['journal']);
    const phoneJournal = await openJournalStore(phone.db, CIRCLE);
    cleanups.push(() => phoneJournal.close());
    unwrap(await phone.provider.addDoc(phone.docs.messages));
    unwrap(await phone.provider.addDoc(phoneJournal));
    phone.provider.start();
    await eventually(() => phone.claims.length > 0, 'the patient\'s claim');
    await clinic.db.ownerKeys.delete(CIRCLE);
    const private_ = diary('2026-11-20T08:00:00.000Z', 7, { note: 'only for the care team' });
    unwrap(await phoneJournal.put(private_));

    // The clinician (a delegate, without the owner key) makes the visit's link.
    const visit = await invite(clinic, { role: 'intake', ttlMs: 2 * 60 * 60 * 1000 });
    expect(visit.keys.map((k) => k.docClass).sort()).toEqual(['alerts', 'journal']);
    const tablet = await device(server.url, 'patient', async (db) => {
      const inv = decodeInvitationFragment(encodeInvitationFragment(visit));
      if (!inv.ok) throw new Error(inv.error);
      unwrap(await acceptInvitation(db, inv.value));
      await shareDocuments(db, CIRCLE, ['journal']);
    });
    const tabletJournal = await openJournalStore(tablet.db, CIRCLE);
    cleanups.push(() => tabletJournal.close());
    unwrap(await tablet.provider.addDoc(tabletJournal));
    tablet.provider.start();
    await eventually(() => tablet.claims.length > 0, 'the tablet\'s claim');
    expect(tablet.claims).toEqual([{ ok: true }]);
    const answers = assessment('2026-11-23T09:00:00.000Z', 'phq9', [1, 1, 1, 1, 1, 1, 1, 1, 0]);
    unwrap(await tabletJournal.put(answers));
    await eventually(() => phoneJournal.get('assessment', answers.id) !== undefined, 'the answers to reach the patient\'s journal');
    // An entry of any other kind from the tablet is refused by the patient's device.
    const sneaky = diary('2026-11-23T09:05:00.000Z', 2);
    unwrap(await tabletJournal.put(sneaky));
    await tablet.provider.flush();
    await new Promise((r) => setTimeout(r, 500));
    expect(phoneJournal.get('diary', sneaky.id)).toBeUndefined();
    // Nothing of the patient's reaches the tablet, before or after it joined: its subscription
    // brings membership versions only.
    const later = diary('2026-11-23T09:10:00.000Z', 5, { note: 'written while the tablet is live' });
    unwrap(await phoneJournal.put(later));
    await phone.provider.flush();
    await new Promise((r) => setTimeout(r, 500));
    expect(tabletJournal.get('diary', private_.id)).toBeUndefined();
    expect(tabletJournal.get('diary', later.id)).toBeUndefined();
    expect((await classesHeld(tablet.db)).map(([c]) => c)).toEqual(['journal', 'alerts']);
  }, 30_000);

  it('the patient shares the journal with a caregiver (keys sealed in the membership), and removing a member rotates every key', async () => {
    const server = await relay();
    const phone = await patient(server.url);
    const carer = await joiner(server.url, encodeInvitationFragment(await invite(phone, { role: 'caregiver' })), 'caregiver');
    const doctor = await joiner(server.url, encodeInvitationFragment(await invite(phone, { role: 'clinician' })), 'clinician');
    for (const d of [carer, doctor]) {
      unwrap(await d.provider.addDoc(d.docs.messages));
      d.provider.start();
    }
    await eventually(() => carer.claims.length > 0 && doctor.claims.length > 0, 'both claims');
    expect([carer.claims, doctor.claims]).toEqual([[{ ok: true }], [{ ok: true }]]);
    await eventually(async () => (await getMembership(phone.db, CIRCLE))!.links.length === 5, 'the phone to see both claims');

    unwrap(await setCaregiverJournal(phone.db, CIRCLE, carer.keys.publicKey, true));
    await phone.provider.refreshCircle(CIRCLE);
    await eventually(async () => (await listDocKeys(carer.db, `${CIRCLE}/journal`)).length === 1, 'the journal key to reach the caregiver');

    // Remove the caregiver: epoch 2 for everything; the clinician and the phone get the new keys, the caregiver does not.
    unwrap(await removeMember(phone.db, CIRCLE, carer.keys.publicKey));
    await phone.provider.refreshCircle(CIRCLE);
    await eventually(async () => (await listDocKeys(doctor.db, `${CIRCLE}/messages`)).some((k) => k.epoch === 2), 'the rotated key to reach the clinician');
    expect((await listDocKeys(doctor.db, `${CIRCLE}/journal`)).map((k) => k.epoch)).toEqual([1, 2]);
    expect((await listDocKeys(carer.db, `${CIRCLE}/messages`)).map((k) => k.epoch)).toEqual([1]);
    await say(phone, 'after the rotation');
    await eventually(() => texts(doctor).includes('after the rotation'), 'a message sealed under epoch 2 to reach the clinician');
    await new Promise((r) => setTimeout(r, 300));
    expect(texts(carer)).not.toContain('after the rotation');

    // The journal of a circle the caregiver left: nothing new reaches it.
    const journal = await openJournalStore(phone.db, CIRCLE);
    cleanups.push(() => journal.close());
    unwrap(await journal.put(diary('2026-11-20T08:00:00.000Z', 4)));
  });
});
