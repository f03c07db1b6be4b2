// Pushes: durable acks, fan-out, duplicates, sequence rules and authorization.
import { afterEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/sync/codec-bytes';
import { envelopeSignedBytes } from '../../../src/sync/protocol-envelope';
import { sign } from '../../../src/sync/crypto';
import type { RunningServer } from '../../../sync-server/server';
import { createMemoryStore } from '../../../sync-server/storage/memory';
import type { RelayStore, WriteBatch } from '../../../sync-server/storage/store';
import { RelayClient, member, nextMembership, sealEphemeral, sealUpdate } from '../../helpers/relay-client';
import { type TestRelayOptions, publishedCircle, startTestRelay } from '../../helpers/relay-server';

const running: RunningServer[] = [];
async function relayWith(options: TestRelayOptions = {}) {
  const relay = await startTestRelay(options);
  running.push(relay);
  return { relay, circle: await publishedCircle(relay) };
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

/** A memory store whose commits can be held back and are counted. */
function gatedStore(): { store: RelayStore; commits: WriteBatch[]; hold(): () => void } {
  const inner = createMemoryStore();
  const commits: WriteBatch[] = [];
  let gate: Promise<void> | null = null;
  return {
    commits,
    hold() {
      let release = () => {};
      gate = new Promise((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
    store: {
      ...inner,
      kind: 'gated-memory',
      async commit(batch) {
        if (gate) await gate;
        commits.push(batch);
        return inner.commit(batch);
      },
    },
  };
}

describe('relay push', () => {
  it('acknowledges only after the commit; fans out to protocol 3 before it (not durable yet) and to protocol 2 after it', async () => {
    const gated = gatedStore();
    const { relay, circle } = await relayWith({ store: gated.store });
    const journal = circle.doc('journal');
    const tablet = await RelayClient.connect(relay.relayUrl, circle.tablet, { versions: [1, 2] });
    await tablet.catchUp(journal);
    const carer = await RelayClient.connect(relay.relayUrl, circle.doctor);
    expect(carer.version).toBe(3);
    await carer.catchUp(journal);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const envelope = await sealUpdate(circle.phone, journal, 1, utf8('first'));
    const release = gated.hold();
    try {
      phone.send({ type: 'push', envelope });
      // Protocol 3: at once, marked as durable through 0 only.
      expect(await carer.next((m) => m.type === 'updates', 2_000)).toMatchObject({ type: 'updates', docId: journal, more: false, items: [{ seq: 1 }], durableThrough: 0 });
      await new Promise((r) => setTimeout(r, 100));
      // Not durable yet: no ack, nothing for protocol 2, and no watermark moved.
      expect(phone.log.some((m) => m.type === 'ack')).toBe(false);
      expect(tablet.inbox).toEqual([]);
      expect(carer.inbox).toEqual([]);
    } finally {
      release();
    }
    const acked = phone.ackOrError(journal, 1, 2_000);
    expect(await acked).toEqual({ type: 'ack', docId: journal, devSeq: 1, seq: 1 });
    const live = await tablet.next((m) => m.type === 'updates');
    expect(live).toEqual({ type: 'updates', docId: journal, more: false, items: [{ seq: 1, envelope }] });
    // Nothing else went out for the document: a 'durable' frame tells the protocol-3 reader.
    expect(await carer.next((m) => m.type === 'durable', 2_000)).toEqual({ type: 'durable', docId: journal, seq: 1 });
    expect(await gated.store.readUpdates(journal, 1, 1 << 20)).toHaveLength(1);
  });

  it('keeps fanning out to protocol 3 while the disk is slow: a held commit delays acks only', async () => {
    const gated = gatedStore();
    const { relay, circle } = await relayWith({ store: gated.store });
    const journal = circle.doc('journal');
    const carer = await RelayClient.connect(relay.relayUrl, circle.doctor);
    await carer.catchUp(journal);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const envelopes = await Promise.all([1, 2, 3, 4].map((n) => sealUpdate(circle.phone, journal, n, utf8(`entry ${n}`))));
    const release = gated.hold();
    try {
      for (const [i, envelope] of envelopes.entries()) {
        phone.send({ type: 'push', envelope });
        expect(await carer.next((m) => m.type === 'updates', 2_000)).toMatchObject({ items: [{ seq: i + 1 }], durableThrough: 0 });
      }
      expect(phone.log.some((m) => m.type === 'ack')).toBe(false);
    } finally {
      release();
    }
    for (const n of [1, 2, 3, 4]) expect(await phone.ackOrError(journal, n, 2_000)).toMatchObject({ type: 'ack', seq: n });
    // The first went to the store alone; the three sealed while it was held went together.
    expect(gated.commits.filter((b) => b.updates.length > 0).map((b) => b.updates.map((u) => u.seq))).toEqual([[1], [2, 3, 4]]);
  });

  it('a protocol-3 subscriber that catches up while updates are on their way to the disk is sent them after its last page, before they commit', async () => {
    const gated = gatedStore();
    const { relay, circle } = await relayWith({ store: gated.store });
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const envelope = await sealUpdate(circle.phone, journal, 1, utf8('first'));
    const release = gated.hold();
    try {
      phone.send({ type: 'push', envelope });
      await new Promise((r) => setTimeout(r, 50));
      // Storage holds nothing yet: the last page is empty, and seq 1 follows from memory.
      const doctor = await RelayClient.connect(relay.relayUrl, circle.doctor);
      const { pages } = await doctor.catchUp(journal);
      expect(pages).toEqual([{ type: 'updates', docId: journal, items: [], more: false, durableThrough: 0 }]);
      expect(await doctor.next((m) => m.type === 'updates', 2_000)).toEqual({ type: 'updates', docId: journal, items: [{ seq: 1, envelope }], more: false, durableThrough: 0 });
      expect(gated.commits.filter((b) => b.updates.length > 0)).toEqual([]);
      release();
      expect(await doctor.next((m) => m.type === 'durable', 2_000)).toEqual({ type: 'durable', docId: journal, seq: 1 });
    } finally {
      release();
    }
  });

  it('ends protocol-3 subscriptions that were sent a seq whose commit failed; from the durable cursor they get what the seq holds now', async () => {
    const inner = createMemoryStore();
    let failing = false;
    const store: RelayStore = { ...inner, commit: async (b) => (failing ? { ok: false, error: { code: 'unavailable', message: 'disk full' } } : inner.commit(b)) };
    const { relay, circle } = await relayWith({ store });
    const journal = circle.doc('journal');
    const reader = await RelayClient.connect(relay.relayUrl, circle.doctor);
    await reader.catchUp(journal);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const tablet = await RelayClient.connect(relay.relayUrl, circle.tablet);
    expect(await phone.push(await sealUpdate(circle.phone, journal, 1, utf8('a')))).toMatchObject({ type: 'ack', seq: 1 });
    expect(await reader.next((m) => m.type === 'updates')).toMatchObject({ items: [{ seq: 1 }] });
    failing = true;
    const lost = await sealUpdate(circle.phone, journal, 2, utf8('lost'));
    phone.send({ type: 'push', envelope: lost });
    // The reader got seq 2 before its commit, which then fails.
    expect(await reader.next((m) => m.type === 'updates')).toMatchObject({ items: [{ seq: 2, envelope: lost }], durableThrough: 1 });
    expect(await phone.ackOrError(journal, 2)).toMatchObject({ type: 'error', code: 'storage-unavailable' });
    expect(await reader.next((m) => m.type === 'error')).toMatchObject({ code: 'storage-unavailable', ref: { kind: 'doc', docId: journal } });
    failing = false;
    // Another device's update takes seq 2 now; the lost one comes back as seq 3.
    const other = await sealUpdate(circle.tablet, journal, 1, utf8('other'));
    expect(await tablet.push(other)).toMatchObject({ type: 'ack', seq: 2 });
    expect(await phone.push(lost)).toMatchObject({ type: 'ack', seq: 3 });
    // The subscription ended: nothing more came. Subscribed again from its cursor (1), it reads seq 2 as it is now.
    await new Promise((r) => setTimeout(r, 100));
    expect(reader.inbox.filter((m) => m.type === 'updates')).toEqual([]);
    const { items } = await reader.catchUp(journal, 1);
    expect(items.map((i) => [i.seq, i.envelope.header.devicePk])).toEqual([[2, circle.tablet.publicKey], [3, circle.phone.publicKey]]);
  });

  it('commits the pushes of one turn in one transaction (group commit) and acks them all', async () => {
    const gated = gatedStore();
    const { relay, circle } = await relayWith({ store: gated.store, limits: { pushesPerSecond: 1000, pushBurst: 1000 } });
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const envelopes = await Promise.all(Array.from({ length: 40 }, (_, i) => sealUpdate(circle.phone, journal, i + 1, utf8(`entry ${i}`))));
    const before = gated.commits.length;
    for (const envelope of envelopes) phone.send({ type: 'push', envelope });
    const acks = await Promise.all(envelopes.map((e) => phone.ackOrError(journal, e.header.devSeq)));
    expect(acks.map((a) => (a.type === 'ack' ? a.seq : a.code))).toEqual(envelopes.map((_, i) => i + 1));
    const updateCommits = gated.commits.slice(before).filter((b) => b.updates.length > 0);
    // Pipelined pushes are checked one after another in the turns their frames arrive in,
    // and a transaction takes everything added meanwhile: far fewer transactions than pushes.
    expect(updateCommits.length).toBeLessThan(15);
    expect(relay.metrics.pushes.get({ result: 'stored' })).toBe(40);
  });

  it('acknowledges a retransmission again without storing it twice, and refuses the same devSeq with other content', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const env = await sealUpdate(circle.phone, journal, 1, utf8('pain 6'));
    expect(await phone.push(env)).toMatchObject({ type: 'ack', seq: 1 });
    expect(await phone.push(await sealUpdate(circle.phone, journal, 2, utf8('pain 5')))).toMatchObject({ type: 'ack', seq: 2 });
    // Same bytes again, on a new connection (the ack was lost).
    const again = await RelayClient.connect(relay.relayUrl, circle.phone);
    expect(await again.push(env)).toEqual({ type: 'ack', docId: journal, devSeq: 1, seq: 1 });
    // The same devSeq with a fresh nonce is different content.
    expect(await again.push(await sealUpdate(circle.phone, journal, 1, utf8('pain 6')))).toMatchObject({ type: 'error', code: 'seq-conflict', ref: { kind: 'push', docId: journal, devSeq: 1 } });
    expect((await relay.store.readUpdates(journal, 1, 1 << 20)).map((u) => u.seq)).toEqual([1, 2]);
    expect(relay.metrics.pushes.get({ result: 'duplicate' })).toBe(1);
  });

  it('acknowledges a duplicate sent in the same turn as its original once both are durable', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const env = await sealUpdate(circle.phone, journal, 1, utf8('twice'));
    phone.send({ type: 'push', envelope: env });
    phone.send({ type: 'push', envelope: env });
    const first = await phone.ackOrError(journal, 1);
    const second = await phone.ackOrError(journal, 1);
    expect([first, second]).toEqual([{ type: 'ack', docId: journal, devSeq: 1, seq: 1 }, { type: 'ack', docId: journal, devSeq: 1, seq: 1 }]);
  });

  it('refuses a devSeq gap and names the expected devSeq', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const gap = await phone.push(await sealUpdate(circle.phone, journal, 2, utf8('x')));
    expect(gap).toMatchObject({ type: 'error', code: 'seq-gap', message: 'expected devSeq 1', ref: { kind: 'push', devSeq: 2, expectedDevSeq: 1 } });
    expect(await phone.push(await sealUpdate(circle.phone, journal, 1, utf8('x')))).toMatchObject({ type: 'ack', seq: 1 });
  });

  it('refuses a signer outside the membership, a role without write rights, a wrong epoch and a bad signature', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    const stranger = await RelayClient.connect(relay.relayUrl, circle.stranger);
    expect(await stranger.push(await sealUpdate(circle.stranger, journal, 1, utf8('x')))).toMatchObject({ code: 'unknown-signer' });
    // WRITE_RIGHTS: clinician -> journal is 'none'.
    const doctor = await RelayClient.connect(relay.relayUrl, circle.doctor);
    expect(await doctor.push(await sealUpdate(circle.doctor, journal, 1, utf8('x')))).toMatchObject({ code: 'forbidden' });
    expect(await doctor.push(await sealUpdate(circle.doctor, circle.doc('plan'), 1, utf8('x')))).toMatchObject({ type: 'ack' });
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    expect(await phone.push(await sealUpdate(circle.phone, journal, 1, utf8('x'), 1))).toMatchObject({ code: 'wrong-epoch' });
    const tampered = await sealUpdate(circle.phone, journal, 1, utf8('x'));
    tampered.ciphertext[0] = (tampered.ciphertext[0] as number) ^ 1;
    expect(await phone.push(tampered)).toMatchObject({ code: 'bad-signature' });
    // Another member's envelope pushed over this connection: the signer must be the connected device.
    expect(await phone.push(await sealUpdate(circle.tablet, journal, 1, utf8('x')))).toMatchObject({ code: 'unknown-signer' });
    expect(await relay.store.readUpdates(journal, 1, 1 << 20)).toEqual([]);
    expect(relay.metrics.pushesRejected.get({ code: 'forbidden' })).toBe(1);
  });

  it('refuses a validly signed ciphertext of a member only when the header does not fit (the relay cannot see content)', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const env = await sealUpdate(circle.phone, journal, 1, utf8('x'));
    const garbage = { ...env, ciphertext: env.ciphertext.map((b) => b ^ 0xff) };
    garbage.signature = await sign(circle.phone.privateKey, envelopeSignedBytes(garbage));
    expect(await phone.push(garbage)).toMatchObject({ type: 'ack' });
  });

  it('counts the seal budget per document, epoch and device', async () => {
    const { relay, circle } = await relayWith({ limits: { sealsPerDeviceAndEpoch: 2 } });
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    for (const devSeq of [1, 2]) expect(await phone.push(await sealUpdate(circle.phone, journal, devSeq, utf8('x')))).toMatchObject({ type: 'ack' });
    expect(await phone.push(await sealUpdate(circle.phone, journal, 3, utf8('x')))).toMatchObject({ code: 'key-budget-exhausted' });
    // Another document has its own budget.
    expect(await phone.push(await sealUpdate(circle.phone, circle.doc('messages'), 1, utf8('x')))).toMatchObject({ type: 'ack' });
    // A new epoch (the owner rotates the key) starts a fresh budget.
    expect(await phone.publish([await nextMembership(circle.genesis, { keyEpoch: 1 }, circle.owner)])).toBe('ok');
    expect(await phone.push(await sealUpdate(circle.phone, journal, 3, utf8('x'), 1))).toMatchObject({ type: 'ack', seq: 3 });
  });

  it('still acknowledges a retransmission after a key rotation made its epoch old', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const env = await sealUpdate(circle.phone, journal, 1, utf8('x'));
    expect(await phone.push(env)).toMatchObject({ type: 'ack', seq: 1 });
    const v2 = await nextMembership(circle.genesis, { keyEpoch: 1, members: circle.genesis.body.members.filter((m) => m.role !== 'caregiver') }, circle.owner);
    expect(await phone.publish([v2])).toBe('ok');
    expect(await phone.push(env)).toEqual({ type: 'ack', docId: journal, devSeq: 1, seq: 1 });
    expect(await phone.push(await sealUpdate(circle.phone, journal, 2, utf8('y')))).toMatchObject({ code: 'wrong-epoch' });
  });

  it('rate-limits pushes per connection with an error, then closes a client that keeps going', async () => {
    const { relay, circle } = await relayWith({ limits: { pushesPerSecond: 1, pushBurst: 3, abuseStrikes: 5 } });
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const envs = await Promise.all(Array.from({ length: 12 }, (_, i) => sealUpdate(circle.phone, journal, i + 1, utf8('x'))));
    for (const envelope of envs.slice(0, 4)) phone.send({ type: 'push', envelope });
    const results = await Promise.all(envs.slice(0, 4).map((e) => phone.ackOrError(journal, e.header.devSeq)));
    expect(results.map((r) => (r.type === 'ack' ? 'ack' : r.code))).toEqual(['ack', 'ack', 'ack', 'rate-limited']);
    for (const envelope of envs.slice(4)) phone.send({ type: 'push', envelope });
    expect(await phone.closed).toMatchObject({ code: 4003, reason: 'rate-limited' });
  });

  it('forwards ephemeral messages to the other live subscribers and stores nothing', async () => {
    const { relay, circle } = await relayWith();
    const plan = circle.doc('plan');
    const doctor = await RelayClient.connect(relay.relayUrl, circle.doctor);
    const carer = await RelayClient.connect(relay.relayUrl, circle.carer);
    await doctor.catchUp(plan);
    await carer.catchUp(plan);
    const awareness = await sealEphemeral(circle.carer, plan, utf8('typing'));
    carer.send({ type: 'ephemeral', envelope: awareness });
    expect(await doctor.next((m) => m.type === 'ephemeral')).toEqual({ type: 'ephemeral', envelope: awareness });
    const stranger = await RelayClient.connect(relay.relayUrl, circle.stranger);
    stranger.send({ type: 'ephemeral', envelope: await sealEphemeral(circle.stranger, plan, utf8('spam')) });
    expect(await stranger.error(plan)).toMatchObject({ code: 'unknown-signer' });
    await new Promise((r) => setTimeout(r, 50));
    expect(carer.log.some((m) => m.type === 'ephemeral')).toBe(false);
    expect(doctor.inbox.filter((m) => m.type === 'ephemeral')).toEqual([]);
    expect(await relay.store.readUpdates(plan, 1, 1 << 20)).toEqual([]);
  });

  it('serves many members of a circle pushing to one document with one gap-free sequence', async () => {
    const { relay, circle } = await relayWith({ limits: { pushesPerSecond: 1000, pushBurst: 1000 } });
    const messages = circle.doc('messages');
    const writers = [circle.phone, circle.tablet, circle.carer, circle.doctor];
    const clients = await Promise.all(writers.map((d) => RelayClient.connect(relay.relayUrl, d)));
    const reader = await RelayClient.connect(relay.relayUrl, circle.phone);
    await reader.catchUp(messages);
    const sends = clients.map(async (c, i) => {
      const device = writers[i]!;
      const envs = await Promise.all(Array.from({ length: 25 }, (_, k) => sealUpdate(device, messages, k + 1, utf8(`m${i}.${k}`))));
      for (const envelope of envs) c.send({ type: 'push', envelope });
      return Promise.all(envs.map((e) => c.ackOrError(messages, e.header.devSeq)));
    });
    const acks = (await Promise.all(sends)).flat();
    expect(acks.every((a) => a.type === 'ack')).toBe(true);
    expect(acks.map((a) => (a.type === 'ack' ? a.seq : 0)).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const seen: number[] = [];
    while (seen.length < 100) {
      const page = await reader.next((m) => m.type === 'updates');
      if (page.type === 'updates') seen.push(...page.items.map((i) => i.seq));
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('lets a device removed from the circle keep nothing: its subscription ends and its pushes are refused', async () => {
    const { relay, circle } = await relayWith();
    const messages = circle.doc('messages');
    const carer = await RelayClient.connect(relay.relayUrl, circle.carer);
    await carer.catchUp(messages);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const v2 = await nextMembership(circle.genesis, { keyEpoch: 1, members: circle.genesis.body.members.filter((m) => m.role !== 'caregiver').concat(member(circle.physio, 'clinician')) }, circle.owner);
    expect(await phone.publish([v2])).toBe('ok');
    expect(await carer.next((m) => m.type === 'membership')).toMatchObject({ chain: [{ body: { version: 2 } }] });
    expect(carer.log.filter((m) => m.type === 'membership')).toHaveLength(2);
    expect(await carer.error(messages)).toMatchObject({ code: 'forbidden' });
    expect(await carer.push(await sealUpdate(circle.carer, messages, 1, utf8('x'), 1))).toMatchObject({ code: 'unknown-signer' });
    expect(await phone.push(await sealUpdate(circle.phone, messages, 1, utf8('x'), 1))).toMatchObject({ type: 'ack' });
    await new Promise((r) => setTimeout(r, 50));
    expect(carer.inbox.filter((m) => m.type === 'updates')).toEqual([]);
  });
});
