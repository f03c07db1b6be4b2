// Device identity and circle set-up: keys stored as CryptoKeys survive a reload and still
// sign; the membership chain a circle's owner builds verifies link by link; a joining
// device pins the owner key and refuses a chain that forks or rolls back.
import { describe, expect, it } from 'vitest';
import { PacelineDB } from '../../../src/storage/db';
import { getMembership } from '../../../src/storage/key-store';
import { getSyncDoc, listPending } from '../../../src/storage/sync-store';
import { CircleTrust } from '../../../src/sync/circle-trust';
import { verify } from '../../../src/sync/crypto';
import { addMember, createCircle, exportDocKeys, joinCircle, loadOrCreateDeviceKeys, removeMember, shareDocuments } from '../../../src/sync/identity';
import { type SignedMembership, readSignedMembership, signMembership, verifyMembershipSequence } from '../../../src/sync/protocol-membership';
import { freshName, unwrap } from '../storage/test-db';
import { CIRCLE, JOURNAL_ID } from './client-fixtures';
import { deviceFromSeed } from './fixtures';

const chainOf = async (db: PacelineDB): Promise<SignedMembership[]> =>
  ((await getMembership(db, CIRCLE))?.links ?? []).map((b) => unwrap(readSignedMembership(b)));

describe('device identity', () => {
  it('is created once, stored as a non-extractable CryptoKey, and signs after a reload', async () => {
    const name = freshName('identity');
    const db = new PacelineDB(name);
    const keys = await loadOrCreateDeviceKeys(db);
    expect(keys.privateKey.extractable).toBe(false);
    db.close();
    const reopened = new PacelineDB(name);
    const again = await loadOrCreateDeviceKeys(reopened);
    expect(again.publicKey).toEqual(keys.publicKey);
    const message = new Uint8Array([1, 2, 3]);
    const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', again.privateKey, message));
    expect(await verify(keys.publicKey, signature, message)).toBe(true);
    reopened.close();
  });

  it('two tabs creating it at once end up with one key', async () => {
    const db = new PacelineDB(freshName('identity'));
    const [a, b] = await Promise.all([loadOrCreateDeviceKeys(db), loadOrCreateDeviceKeys(db)]);
    expect(a.publicKey).toEqual(b.publicKey);
    expect(await db.deviceKeys.count()).toBe(1);
  });
});

describe('a circle and its membership', () => {
  it('creation writes owner key, genesis and first-epoch keys for every document class; twice is refused', async () => {
    const db = new PacelineDB(freshName('circle'));
    const phone = await deviceFromSeed(1);
    const genesis = unwrap(await createCircle(db, phone, CIRCLE, 1000));
    expect(genesis.body).toMatchObject({ circleId: CIRCLE, version: 1, keyEpoch: 1, members: [{ role: 'patient', delegate: false }] });
    expect(await createCircle(db, phone, CIRCLE)).toEqual({ ok: false, error: 'exists' });
    expect((await exportDocKeys(db, CIRCLE)).map((k) => [k.docClass, k.epoch])).toEqual([['circle', 1], ['plan', 1], ['journal', 1], ['messages', 1], ['alerts', 1]]);
  });

  it('adding and removing members builds a chain that verifies; removal rotates the keys', async () => {
    const db = new PacelineDB(freshName('circle'));
    const [phone, tablet, clinic] = await Promise.all([deviceFromSeed(1), deviceFromSeed(2), deviceFromSeed(4)]);
    unwrap(await createCircle(db, phone, CIRCLE));
    unwrap(await addMember(db, CIRCLE, { devicePk: tablet.publicKey, role: 'caregiver' }));
    unwrap(await addMember(db, CIRCLE, { devicePk: clinic.publicKey, role: 'clinician', delegate: true }));
    expect(await addMember(db, CIRCLE, { devicePk: clinic.publicKey, role: 'clinician' })).toEqual({ ok: false, error: 'already-member' });
    const removed = unwrap(await removeMember(db, CIRCLE, tablet.publicKey));
    expect(removed.body).toMatchObject({ version: 4, keyEpoch: 2 });
    const chain = await chainOf(db);
    const owner = (await getMembership(db, CIRCLE))!.ownerPk;
    expect(await verifyMembershipSequence(null, chain, owner)).toMatchObject({ ok: true });
    expect((await exportDocKeys(db, CIRCLE, ['journal'])).map((k) => k.epoch)).toEqual([1, 2]);
  });

  it('a device that does not hold the owner key cannot change the membership', async () => {
    const db = new PacelineDB(freshName('joined'));
    const owner = (await deviceFromSeed(9)).publicKey;
    unwrap(await joinCircle(db, { circleId: CIRCLE, ownerPk: owner, keys: [] }));
    expect(await addMember(db, CIRCLE, { devicePk: (await deviceFromSeed(2)).publicKey, role: 'caregiver' })).toEqual({ ok: false, error: 'no-membership' });
  });
});

describe('a joining device', () => {
  async function setup() {
    const ownerDb = new PacelineDB(freshName('owner'));
    const [phone, tablet] = await Promise.all([deviceFromSeed(1), deviceFromSeed(2)]);
    unwrap(await createCircle(ownerDb, phone, CIRCLE));
    unwrap(await addMember(ownerDb, CIRCLE, { devicePk: tablet.publicKey, role: 'caregiver' }));
    const db = new PacelineDB(freshName('joiner'));
    const ownerPk = (await getMembership(ownerDb, CIRCLE))!.ownerPk;
    unwrap(await joinCircle(db, { circleId: CIRCLE, ownerPk, keys: await exportDocKeys(ownerDb, CIRCLE, ['journal']) }));
    const trust = (await CircleTrust.load(db, CIRCLE))!;
    return { ownerDb, db, trust, chain: await chainOf(ownerDb) };
  }

  it('verifies the chain from genesis against the pinned owner key, stores it, and reads with the keys it was given', async () => {
    const { db, trust, chain } = await setup();
    expect(trust.current).toBeNull();
    expect(await trust.receive(chain)).toEqual({ ok: true, value: 2 });
    expect(trust.current?.version).toBe(2);
    expect(trust.relayVersion).toBe(2);
    expect((await CircleTrust.load(db, CIRCLE))?.version).toBe(2);
    expect(await trust.docKey(JOURNAL_ID, 1)).not.toBeNull();
    expect(await trust.docKey(JOURNAL_ID, 2)).toBeNull();
  });

  it('refuses a chain signed by another key, a fork of a known version, and never rolls back', async () => {
    const { trust, chain } = await setup();
    const impostor = await deviceFromSeed(7);
    const forgedGenesis = await signMembership((chain[0] as SignedMembership).body, impostor);
    expect(await trust.receive([forgedGenesis])).toMatchObject({ ok: false, error: { code: 'invalid', reason: 'unknown-signer' } });
    unwrap(await trust.receive(chain));
    const fork = { ...(chain[1] as SignedMembership), signature: new Uint8Array(64) };
    expect(await trust.receive([fork])).toEqual({ ok: false, error: { code: 'fork', version: 2 } });
    // Hearing version 1 again is fine (the relay resends what we hold) and changes nothing.
    expect(await trust.receive([chain[0] as SignedMembership])).toEqual({ ok: true, value: 0 });
    expect(trust.version).toBe(2);
  });

  it('sharing a document that is still empty queues nothing', async () => {
    const { db } = await setup();
    await shareDocuments(db, CIRCLE, ['journal']);
    expect(await getSyncDoc(db, `${CIRCLE}/journal`)).toMatchObject({ cursor: 0, nextDevSeq: 1 });
    expect(await listPending(db, `${CIRCLE}/journal`)).toEqual([]);
  });
});
