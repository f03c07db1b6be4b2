// Operating the relay: /metrics, a failing disk, a clean restart on the same data directory.
import { afterEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/sync/codec-bytes';
import type { RunningServer } from '../../../sync-server/server';
import { createMemoryStore } from '../../../sync-server/storage/memory';
import type { RelayStore } from '../../../sync-server/storage/store';
import { RelayClient, sealUpdate } from '../../helpers/relay-client';
import { publishedCircle, startTestRelay, tempDir } from '../../helpers/relay-server';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

describe('relay operations', () => {
  it('exposes Prometheus metrics without ids or content in labels', async () => {
    const relay = await startTestRelay();
    running.push(relay);
    const circle = await publishedCircle(relay);
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    await phone.catchUp(journal);
    await phone.push(await sealUpdate(circle.phone, journal, 1, utf8('x')));
    await phone.push(await sealUpdate(circle.phone, journal, 3, utf8('x')));
    const res = await fetch(new URL('/metrics', relay.url));
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toMatch(/^paceline_relay_connections 1$/m);
    expect(text).toMatch(/^paceline_relay_subscriptions 1$/m);
    expect(text).toMatch(/^paceline_relay_pushes_total\{result="stored"\} 1$/m);
    expect(text).toMatch(/^paceline_relay_pushes_rejected_total\{code="seq-gap"\} 1$/m);
    expect(text).toMatch(/^paceline_relay_store_commit_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^paceline_relay_received_bytes_total \d+$/m);
    expect(text).toMatch(/^paceline_relay_sent_bytes_total \d+$/m);
    expect(text).toMatch(/^paceline_signaling_topics 0$/m);
    // Where the stored push's time went: one observation per stage; the refused one is only checked and decided.
    expect(text).toMatch(/^paceline_relay_push_seconds_count\{stage="check"\} 2$/m);
    expect(text).toMatch(/^paceline_relay_push_seconds_count\{stage="decided"\} 2$/m);
    expect(text).toMatch(/^paceline_relay_push_seconds_count\{stage="acked"\} 1$/m);
    expect(text).toMatch(/^paceline_relay_push_seconds_bucket\{stage="acked",le="1"\} 1$/m);
    // No circle, document or device id anywhere.
    expect(text).not.toContain(circle.circleId);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{[a-z]+="[A-Za-z0-9+.-]+"(,[a-z]+="[A-Za-z0-9+.-]+")*\})? [0-9.e+-]+$/);
  });

  it('answers storage-unavailable when a commit fails, and recovers with a gap-free seq', async () => {
    const inner = createMemoryStore();
    let failing = false;
    const store: RelayStore = { ...inner, commit: async (b) => (failing ? { ok: false, error: { code: 'unavailable', message: 'disk full' } } : inner.commit(b)) };
    const relay = await startTestRelay({ store });
    running.push(relay);
    const circle = await publishedCircle(relay);
    const journal = circle.doc('journal');
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    // Protocol 2: updates reach it only once durable (relay-push.test.ts has protocol 3's early fan-out).
    const reader = await RelayClient.connect(relay.relayUrl, circle.tablet, { versions: [1, 2] });
    await reader.catchUp(journal);
    expect(await phone.push(await sealUpdate(circle.phone, journal, 1, utf8('a')))).toMatchObject({ type: 'ack', seq: 1 });
    failing = true;
    const lost = await sealUpdate(circle.phone, journal, 2, utf8('b'));
    phone.send({ type: 'push', envelope: lost });
    phone.send({ type: 'push', envelope: await sealUpdate(circle.phone, journal, 3, utf8('c')) });
    expect(await phone.ackOrError(journal, 2)).toMatchObject({ type: 'error', code: 'storage-unavailable', ref: { kind: 'push', devSeq: 2 } });
    failing = false;
    // The outbox retries from the first unacknowledged entry; the relay reloaded its counters.
    const retried = await phone.ackOrError(journal, 3);
    expect(retried.type === 'ack' || retried.code === 'storage-unavailable' || retried.code === 'seq-gap').toBe(true);
    expect(await phone.push(lost)).toEqual({ type: 'ack', docId: journal, devSeq: 2, seq: 2 });
    expect(await phone.push(await sealUpdate(circle.phone, journal, 3, utf8('c')))).toMatchObject({ type: 'ack', seq: 3 });
    const seen: number[] = [];
    while (seen.length < 3) {
      const m = await reader.next((x) => x.type === 'updates');
      if (m.type === 'updates') seen.push(...m.items.map((i) => i.seq));
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it('serves what it stored after a clean restart on the same data directory', async () => {
    const data = tempDir();
    try {
      const first = await startTestRelay({ dataDir: data.dir });
      const circle = await publishedCircle(first);
      const journal = circle.doc('journal');
      const phone = await RelayClient.connect(first.relayUrl, circle.phone);
      const env = await sealUpdate(circle.phone, journal, 1, utf8('kept'));
      expect(await phone.push(env)).toMatchObject({ type: 'ack', seq: 1 });
      await first.close();
      const second = await startTestRelay({ dataDir: data.dir });
      running.push(second);
      const tablet = await RelayClient.connect(second.relayUrl, circle.tablet);
      const { membership, items } = await tablet.catchUp(journal);
      expect(membership).toEqual([circle.genesis]);
      expect(items.map((i) => i.seq)).toEqual([1]);
      const again = await RelayClient.connect(second.relayUrl, circle.phone);
      expect(await again.push(env)).toMatchObject({ type: 'ack', seq: 1 });
      expect(await again.push(await sealUpdate(circle.phone, journal, 2, utf8('next')))).toMatchObject({ type: 'ack', seq: 2 });
      expect((await fetch(new URL('/healthz', second.url)).then((r) => r.json())) as unknown).toMatchObject({ status: 'ok', store: 'sqlite' });
    } finally {
      await Promise.all(running.splice(0).map((r) => r.close()));
      data.remove();
    }
  });

  it('refuses to start on a data directory another relay holds', async () => {
    const data = tempDir();
    try {
      const first = await startTestRelay({ dataDir: data.dir });
      running.push(first);
      await expect(startTestRelay({ dataDir: data.dir })).rejects.toThrow(/in use by another relay/);
    } finally {
      await Promise.all(running.splice(0).map((r) => r.close()));
      data.remove();
    }
  });
});
