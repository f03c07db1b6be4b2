// Subscriptions: catch-up from a cursor in byte-bounded pages, snapshots, read checks.
import { afterEach, describe, expect, it } from 'vitest';
import { bytesEqual, utf8 } from '../../../src/sync/codec-bytes';
import { LIMITS } from '../../../src/sync/protocol';
import { envelopeHash, writeEnvelope } from '../../../src/sync/protocol-envelope';
import type { RunningServer } from '../../../sync-server/server';
import { createMemoryStore } from '../../../sync-server/storage/memory';
import type { RelayStore } from '../../../sync-server/storage/store';
import { type Circle, RelayClient, filler, sealSnapshot, sealUpdate } from '../../helpers/relay-client';
import { type TestRelayOptions, publishedCircle, startTestRelay } from '../../helpers/relay-server';

const running: RunningServer[] = [];
async function relayWith(options: TestRelayOptions = {}) {
  const relay = await startTestRelay({ limits: { pushesPerSecond: 10_000, pushBurst: 10_000 }, ...options });
  running.push(relay);
  return { relay, circle: await publishedCircle(relay) };
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

/** Pushes n updates of `size` bytes from the phone to a document; returns their envelopes. */
async function pushMany(relay: RunningServer, circle: Circle, docId: ReturnType<Circle['doc']>, n: number, size: number, from = 1) {
  const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
  const envs = await Promise.all(Array.from({ length: n }, (_, i) => sealUpdate(circle.phone, docId, from + i, filler(size, i))));
  for (const envelope of envs) phone.send({ type: 'push', envelope });
  const acks = await Promise.all(envs.map((e) => phone.ackOrError(docId, e.header.devSeq)));
  if (!acks.every((a) => a.type === 'ack')) throw new Error('push refused');
  phone.close();
  return envs;
}

/**
 * A memory store whose next update read can be held after it has read: its answer is what
 * storage held when it was asked, delivered when the test releases it.
 */
function staleReadStore(): { store: RelayStore; holdNextRead(): { asked: Promise<void>; release: () => void } } {
  const inner = createMemoryStore();
  let held: { asked: () => void; gate: Promise<void> } | null = null;
  return {
    holdNextRead() {
      let asked = () => {};
      let release = () => {};
      const askedP = new Promise<void>((r) => (asked = r));
      held = { asked, gate: new Promise((r) => (release = r)) };
      return { asked: askedP, release };
    },
    store: {
      ...inner,
      kind: 'stale-read-memory',
      async readUpdates(docId, fromSeq, maxBytes) {
        const hold = held;
        held = null;
        const items = await inner.readUpdates(docId, fromSeq, maxBytes);
        if (hold) {
          hold.asked();
          await hold.gate;
        }
        return items;
      },
    },
  };
}

describe('relay catch-up', () => {
  for (const versions of [[3], [2]]) {
    it(`a subscriber (protocol ${versions[0]}) whose page was read just before a commit landed still gets that commit's updates, without further traffic`, async () => {
      const stale = staleReadStore();
      const { relay, circle } = await relayWith({ store: stale.store });
      const journal = circle.doc('journal');
      const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
      const doctor = await RelayClient.connect(relay.relayUrl, circle.doctor, { versions });
      const read = stale.holdNextRead();
      doctor.send({ type: 'subscribe', docId: journal, sinceSeq: 0, membershipVersion: 0 });
      // The page read found nothing; the push commits (and fans out to live subscribers) before the page goes out.
      await read.asked;
      const envelope = await sealUpdate(circle.phone, journal, 1, utf8('entry'));
      expect(await phone.push(envelope)).toMatchObject({ type: 'ack', seq: 1 });
      read.release();
      const { items } = await doctor.collect(journal, 2_000);
      const later = items.length > 0 ? [] : [await doctor.next((m) => m.type === 'updates' && m.items.length > 0, 2_000)];
      expect([...items, ...later.flatMap((m) => (m.type === 'updates' ? m.items : []))].map((i) => i.seq)).toEqual([1]);
    });
  }

  it('streams everything after a cursor in pages bounded by pageBytes, with more: true until the last', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    // 12 updates of 30 KB: more than one 256 KiB page at the default page size.
    const envs = await pushMany(relay, circle, journal, 12, 30_000);
    const tablet = await RelayClient.connect(relay.relayUrl, circle.tablet);
    const all = await tablet.catchUp(journal);
    expect(all.pages.length).toBe(2);
    expect(all.pages.map((p) => p.more)).toEqual([true, false]);
    expect(all.items.map((i) => i.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // Byte comparison: a deep equal over 360 KB of typed arrays takes a second.
    expect(all.items.every((item, k) => bytesEqual(writeEnvelope(item.envelope), writeEnvelope(envs[k]!)))).toBe(true);
    for (const page of all.pages) expect(page.items.reduce((n, i) => n + i.envelope.ciphertext.length, 0)).toBeLessThanOrEqual(LIMITS.pageBytes);
    expect(all.membership.map((m) => m.body.version)).toEqual([1]);
    const later = await (await RelayClient.connect(relay.relayUrl, circle.tablet)).catchUp(journal, 9, 1);
    expect(later.items.map((i) => i.seq)).toEqual([10, 11, 12]);
    expect(later.membership).toEqual([]);
  });

  it('pages a month offline in one exchange and then goes live', async () => {
    const { relay, circle } = await relayWith({ limits: { pageBytes: 4096, pushesPerSecond: 10_000, pushBurst: 10_000 } });
    const journal = circle.doc('journal');
    await pushMany(relay, circle, journal, 60, 700);
    const tablet = await RelayClient.connect(relay.relayUrl, circle.tablet);
    const { pages, items } = await tablet.catchUp(journal, 5);
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.slice(0, -1).every((p) => p.more)).toBe(true);
    expect(items.map((i) => i.seq)).toEqual(Array.from({ length: 55 }, (_, i) => i + 6));
    await pushMany(relay, circle, journal, 1, 100, 61);
    expect(await tablet.next((m) => m.type === 'updates')).toMatchObject({ more: false, items: [{ seq: 61 }] });
  });

  it('sends an empty last page when there is nothing new, and cursor-ahead for a cursor past the head', async () => {
    const { relay, circle } = await relayWith();
    const plan = circle.doc('plan');
    await pushMany(relay, circle, plan, 0, 0);
    const tablet = await RelayClient.connect(relay.relayUrl, circle.tablet);
    expect((await tablet.catchUp(plan)).pages).toEqual([{ type: 'updates', docId: plan, items: [], more: false, durableThrough: 0 }]);
    tablet.send({ type: 'subscribe', docId: circle.doc('messages'), sinceSeq: 7, membershipVersion: 1 });
    expect(await tablet.error(circle.doc('messages'))).toMatchObject({ code: 'cursor-ahead' });
  });

  it('checks read rights: unknown circle, non-member, a role that does not read the class, too many documents', async () => {
    const { relay, circle } = await relayWith({ limits: { maxSubscriptions: 2 } });
    const stranger = await RelayClient.connect(relay.relayUrl, circle.stranger);
    stranger.send({ type: 'subscribe', docId: circle.doc('plan'), sinceSeq: 0, membershipVersion: 0 });
    expect(await stranger.error(circle.doc('plan'))).toMatchObject({ code: 'forbidden' });
    const other = '01HZY3J6Q8W8X7V5T4S3R2Q1P9.plan' as const;
    stranger.send({ type: 'subscribe', docId: other, sinceSeq: 0, membershipVersion: 0 });
    expect(await stranger.error(other)).toMatchObject({ code: 'unknown-circle' });
    const carer = await RelayClient.connect(relay.relayUrl, circle.carer);
    carer.send({ type: 'subscribe', docId: circle.doc('alerts'), sinceSeq: 0, membershipVersion: 0 });
    expect(await carer.error(circle.doc('alerts'))).toMatchObject({ code: 'forbidden' });
    // 'if-shared' (journal for a caregiver): this caregiver carries the journal flag, so the relay allows it.
    await carer.catchUp(circle.doc('journal'));
    await carer.catchUp(circle.doc('plan'));
    carer.send({ type: 'subscribe', docId: circle.doc('messages'), sinceSeq: 0, membershipVersion: 0 });
    expect(await carer.error(circle.doc('messages'))).toMatchObject({ code: 'too-many-documents' });
    carer.send({ type: 'unsubscribe', docId: circle.doc('plan') });
    await carer.catchUp(circle.doc('messages'));
  });

  it('offers the newest snapshot to a cursor older than it, then the updates after it', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    await pushMany(relay, circle, journal, 10, 200);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const snap = await sealSnapshot(circle.phone, journal, 8, null, filler(500));
    phone.send({ type: 'snapshot', envelope: snap });
    const hash = await envelopeHash(snap);
    expect(await phone.next((m) => m.type === 'snapshot-ack')).toEqual({ type: 'snapshot-ack', docId: journal, coversSeq: 8, snapshotHash: hash });
    const tablet = await RelayClient.connect(relay.relayUrl, circle.tablet);
    const old = await tablet.catchUp(journal, 3);
    expect(old.offer).toEqual({ type: 'snapshot-offer', docId: journal, envelope: snap });
    expect(old.items.map((i) => i.seq)).toEqual([9, 10]);
    const recent = await (await RelayClient.connect(relay.relayUrl, circle.tablet)).catchUp(journal, 9);
    expect(recent.offer).toBeNull();
    expect(recent.items.map((i) => i.seq)).toEqual([10]);
    // The same snapshot again (its ack was lost) is acknowledged again.
    phone.send({ type: 'snapshot', envelope: snap });
    expect(await phone.next((m) => m.type === 'snapshot-ack')).toMatchObject({ coversSeq: 8 });
  });

  it('refuses a snapshot past the head, not chained to the newest, or covering no more than it', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    await pushMany(relay, circle, journal, 5, 100);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const refused = async (coversSeq: number, prev: Uint8Array | null) => {
      phone.send({ type: 'snapshot', envelope: await sealSnapshot(circle.phone, journal, coversSeq, prev ? new Uint8Array(prev) : null, utf8('state')) });
      return phone.next((m) => m.type === 'snapshot-ack' || m.type === 'error');
    };
    expect(await refused(6, null)).toMatchObject({ type: 'error', code: 'snapshot-rejected', ref: { kind: 'doc', docId: journal } });
    expect(await refused(3, new Uint8Array(32))).toMatchObject({ code: 'snapshot-rejected' });
    const first = await refused(3, null);
    expect(first).toMatchObject({ type: 'snapshot-ack', coversSeq: 3 });
    const firstHash = first.type === 'snapshot-ack' ? first.snapshotHash : new Uint8Array();
    expect(await refused(4, null)).toMatchObject({ code: 'snapshot-rejected' });
    expect(await refused(3, firstHash)).toMatchObject({ code: 'snapshot-rejected' });
    expect(await refused(5, firstHash)).toMatchObject({ type: 'snapshot-ack', coversSeq: 5 });
    const doctor = await RelayClient.connect(relay.relayUrl, circle.doctor);
    doctor.send({ type: 'snapshot', envelope: await sealSnapshot(circle.doctor, journal, 5, null, utf8('state')) });
    expect(await doctor.error(journal)).toMatchObject({ code: 'forbidden' });
  });

  it('keeps covered updates until a second device confirms the snapshot, then drops them', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    const envs = await pushMany(relay, circle, journal, 6, 100);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const snap = await sealSnapshot(circle.phone, journal, 4, null, filler(300));
    phone.send({ type: 'snapshot', envelope: snap });
    const ack = await phone.next((m) => m.type === 'snapshot-ack');
    const confirm = { type: 'snapshot-confirm', docId: journal, coversSeq: 4, snapshotHash: await envelopeHash(snap) } as const;
    phone.send(confirm);
    expect(await phone.error(journal)).toMatchObject({ code: 'snapshot-rejected', message: 'a second device must confirm a snapshot' });
    expect((await relay.store.readUpdates(journal, 1, 1 << 20)).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const tablet = await RelayClient.connect(relay.relayUrl, circle.tablet);
    tablet.send({ ...confirm, snapshotHash: new Uint8Array(32) });
    expect(await tablet.error(journal)).toMatchObject({ code: 'snapshot-rejected' });
    tablet.send(confirm);
    await relay.relay.committer.flushed();
    await expect.poll(async () => (await relay.store.readUpdates(journal, 1, 1 << 20)).length).toBe(0);
    expect((await relay.store.readUpdates(journal, 5, 1 << 20)).map((u) => u.seq)).toEqual([5, 6]);
    const fresh = await (await RelayClient.connect(relay.relayUrl, circle.tablet)).catchUp(journal);
    expect(fresh.offer?.envelope).toEqual(snap);
    expect(fresh.items.map((i) => i.seq)).toEqual([5, 6]);
    expect(ack).toMatchObject({ coversSeq: 4 });
    // A retransmission of a pruned update is still recognized as a duplicate.
    expect(await phone.push(envs[0]!)).toEqual({ type: 'ack', docId: journal, devSeq: 1, seq: 1 });
  });

  it('offers a new snapshot to the live subscribers of other devices, which can then confirm it', async () => {
    const { relay, circle } = await relayWith();
    const journal = circle.doc('journal');
    await pushMany(relay, circle, journal, 3, 100);
    // Up to date and live: catch-up has nothing to offer them.
    const tablet = await RelayClient.connect(relay.relayUrl, circle.tablet);
    expect((await tablet.catchUp(journal, 3)).offer).toBeNull();
    const carer = await RelayClient.connect(relay.relayUrl, circle.carer);
    await carer.catchUp(journal, 3);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    await phone.catchUp(journal, 3);
    const snap = await sealSnapshot(circle.phone, journal, 3, null, filler(300));
    phone.send({ type: 'snapshot', envelope: snap });
    await phone.next((m) => m.type === 'snapshot-ack');
    expect(await tablet.next((m) => m.type === 'snapshot-offer')).toEqual({ type: 'snapshot-offer', docId: journal, envelope: snap });
    expect(await carer.next((m) => m.type === 'snapshot-offer')).toMatchObject({ docId: journal });
    // Not to the uploading device.
    await new Promise((r) => setTimeout(r, 20));
    expect(phone.log.filter((m) => m.type === 'snapshot-offer')).toEqual([]);
    tablet.send({ type: 'snapshot-confirm', docId: journal, coversSeq: 3, snapshotHash: await envelopeHash(snap) });
    await expect.poll(async () => (await relay.store.loadDoc(journal)).snapshot?.confirmedAt ?? null).not.toBeNull();
    await expect.poll(async () => (await relay.store.readUpdates(journal, 1, 1 << 20)).length).toBe(0);
  });

  it('drops covered updates of an unconfirmed snapshot after the retention period', async () => {
    const { relay, circle } = await relayWith({ retentionMs: 30 });
    const journal = circle.doc('journal');
    await pushMany(relay, circle, journal, 3, 100);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    phone.send({ type: 'snapshot', envelope: await sealSnapshot(circle.phone, journal, 2, null, filler(300)) });
    await phone.next((m) => m.type === 'snapshot-ack');
    expect(await relay.relay.sweepRetention()).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(await relay.relay.sweepRetention()).toBe(1);
    expect((await relay.store.readUpdates(journal, 1, 1 << 20)).map((u) => u.seq)).toEqual([]);
    expect((await relay.store.readUpdates(journal, 3, 1 << 20)).map((u) => u.seq)).toEqual([3]);
    expect(await relay.relay.sweepRetention()).toBe(0);
  });
});
