// Membership frames: genesis pins the owner key, the chain only grows by verified links.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../sync-server/server';
import { utf8 } from '../../../src/sync/codec-bytes';
import { RelayClient, makeCircle, member, nextMembership, sealEphemeral, sealUpdate } from '../../helpers/relay-client';
import { startTestRelay } from '../../helpers/relay-server';

const running: RunningServer[] = [];
async function relay() {
  const r = await startTestRelay();
  running.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

describe('relay membership', () => {
  it('pins the owner key with the first genesis and refuses another genesis for the circle', async () => {
    const r = await relay();
    const circle = await makeCircle();
    const phone = await RelayClient.connect(r.relayUrl, circle.phone);
    expect(await phone.publish([circle.genesis])).toBe('ok');
    expect(phone.log.filter((m) => m.type === 'membership')).toHaveLength(1);
    // Someone else's "genesis" for the same circle id: a fork of version 1.
    const squatter = await makeCircle(circle.circleId, 20);
    const other = await RelayClient.connect(r.relayUrl, squatter.phone);
    expect(await other.publish([squatter.genesis])).toMatchObject({ code: 'membership-conflict', ref: { kind: 'membership', circleId: circle.circleId, version: 1 } });
    // Version 2 signed by the squatter's owner key does not chain either.
    expect(await other.publish([await nextMembership(circle.genesis, {}, squatter.owner)])).toMatchObject({ code: 'membership-rejected', message: 'unknown-signer', ref: { version: 2 } });
    // The same genesis again is a harmless retransmission.
    expect(await phone.publish([circle.genesis])).toBe('ok');
    expect((await r.store.loadCircle(circle.circleId))?.ownerPk).toEqual(circle.owner.publicKey);
  });

  it('refuses a first link that is not a genesis', async () => {
    const r = await relay();
    const circle = await makeCircle();
    const phone = await RelayClient.connect(r.relayUrl, circle.phone);
    expect(await phone.publish([await nextMembership(circle.genesis, {}, circle.owner)])).toMatchObject({ code: 'membership-rejected', message: 'not-genesis' });
    expect(await r.store.loadCircle(circle.circleId)).toBeNull();
  });

  it('accepts the next version by the owner or a delegate and fans it out to the circle, publisher included', async () => {
    const r = await relay();
    const circle = await makeCircle();
    const phone = await RelayClient.connect(r.relayUrl, circle.phone);
    expect(await phone.publish([circle.genesis])).toBe('ok');
    const carer = await RelayClient.connect(r.relayUrl, circle.carer);
    expect((await carer.catchUp(circle.doc('messages'))).membership.map((m) => m.body.version)).toEqual([1]);
    const doctor = await RelayClient.connect(r.relayUrl, circle.doctor);
    const v2 = await nextMembership(circle.genesis, { members: [...circle.genesis.body.members, member(circle.physio, 'clinician')] }, circle.doctor);
    expect(await doctor.publish([v2])).toBe('ok');
    expect(await carer.next((m) => m.type === 'membership')).toEqual({ type: 'membership', chain: [v2] });
    const v3 = await nextMembership(v2, { keyEpoch: 1, members: v2.body.members.filter((m) => m.role !== 'caregiver') }, circle.owner);
    expect(await phone.publish([v2, v3])).toBe('ok');
    // A new subscriber from version 1 gets exactly the versions it lacks, oldest first.
    const physio = await RelayClient.connect(r.relayUrl, circle.physio);
    expect((await physio.catchUp(circle.doc('plan'), 0, 1)).membership).toEqual([v2, v3]);
    expect((await r.store.loadCircle(circle.circleId))?.links).toHaveLength(3);
  });

  it('refuses a rollback, a skipped version, a wrong prevHash, a removal without rotation and a forged signature', async () => {
    const r = await relay();
    const circle = await makeCircle();
    const phone = await RelayClient.connect(r.relayUrl, circle.phone);
    expect(await phone.publish([circle.genesis])).toBe('ok');
    const v2 = await nextMembership(circle.genesis, { keyEpoch: 1 }, circle.owner);
    expect(await phone.publish([v2])).toBe('ok');
    // A different version 2 after one was accepted: a fork.
    const otherV2 = await nextMembership(circle.genesis, { keyEpoch: 2 }, circle.owner);
    expect(await phone.publish([otherV2])).toMatchObject({ code: 'membership-conflict', ref: { version: 2 } });
    const v3 = await nextMembership(v2, {}, circle.owner);
    const v4 = await nextMembership(v3, {}, circle.owner);
    expect(await phone.publish([v4])).toMatchObject({ code: 'membership-rejected', message: 'skipped-version', ref: { version: 4 } });
    expect(await phone.publish([await nextMembership(v2, { prevHash: new Uint8Array(32) }, circle.owner)])).toMatchObject({ message: 'wrong-prev-hash' });
    const removal = await nextMembership(v2, { members: v2.body.members.filter((m) => m.role !== 'caregiver') }, circle.owner);
    expect(await phone.publish([removal])).toMatchObject({ message: 'removal-without-rotation' });
    expect(await phone.publish([await nextMembership(v2, { keyEpoch: 0 }, circle.owner)])).toMatchObject({ message: 'epoch-rollback' });
    const forged = { ...v3, body: { ...v3.body, keyEpoch: 9 } };
    expect(await phone.publish([forged])).toMatchObject({ message: 'bad-signature' });
    expect(await phone.publish([v3])).toBe('ok');
    expect((await r.store.loadCircle(circle.circleId))?.links).toHaveLength(3);
  });

  it('accepts exactly one of two different versions published at once', async () => {
    const r = await relay();
    const circle = await makeCircle();
    const a = await RelayClient.connect(r.relayUrl, circle.phone);
    const b = await RelayClient.connect(r.relayUrl, circle.tablet);
    expect(await a.publish([circle.genesis])).toBe('ok');
    const [x, y] = await Promise.all([
      a.publish([await nextMembership(circle.genesis, { keyEpoch: 1 }, circle.owner)]),
      b.publish([await nextMembership(circle.genesis, { keyEpoch: 2 }, circle.owner)]),
    ]);
    expect([x, y].filter((v) => v === 'ok')).toHaveLength(1);
    expect([x, y].find((v) => v !== 'ok')).toMatchObject({ code: 'membership-conflict' });
  });

  it('judges frames sent right after a membership frame on the same connection by that membership', async () => {
    const r = await relay();
    const circle = await makeCircle();
    const journal = circle.doc('journal');
    // Genesis and a push at once, without waiting for the genesis to be acknowledged.
    const phone = await RelayClient.connect(r.relayUrl, circle.phone);
    phone.send({ type: 'membership', chain: [circle.genesis] });
    expect(await phone.push(await sealUpdate(circle.phone, journal, 1, utf8('first')))).toMatchObject({ type: 'ack', seq: 1 });
    // A device added by version 2 publishes it and, in the same breath, pushes, subscribes and sends an ephemeral message.
    const v2 = await nextMembership(circle.genesis, { members: [...circle.genesis.body.members, member(circle.physio, 'patient')] }, circle.owner);
    const physio = await RelayClient.connect(r.relayUrl, circle.physio);
    const listener = await RelayClient.connect(r.relayUrl, circle.tablet);
    await listener.catchUp(journal);
    physio.send({ type: 'membership', chain: [v2] });
    physio.send({ type: 'push', envelope: await sealUpdate(circle.physio, journal, 1, utf8('second')) });
    physio.send({ type: 'ephemeral', envelope: await sealEphemeral(circle.physio, journal, utf8('typing')) });
    expect(await physio.ackOrError(journal, 1)).toMatchObject({ type: 'ack', seq: 2 });
    expect(physio.log.filter((m) => m.type === 'error')).toEqual([]);
    expect(await listener.next((m) => m.type === 'ephemeral')).toMatchObject({ type: 'ephemeral' });
  });
});
