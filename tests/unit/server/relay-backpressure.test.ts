// A reader that stops reading delays only itself: the relay stops buffering for it, keeps
// serving everyone else, and closes it with 'too-slow' when it stays behind.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../sync-server/server';
import { RelayClient, filler, sealUpdate } from '../../helpers/relay-client';
import { publishedCircle, startTestRelay } from '../../helpers/relay-server';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

describe('relay backpressure', () => {
  it('serves a fast subscriber while a stalled one stays bounded and is closed too-slow', async () => {
    const relay = await startTestRelay({
      limits: { pushesPerSecond: 10_000, pushBurst: 10_000 },
      backpressure: { lowWaterBytes: 64 * 1024, highWaterBytes: 256 * 1024, maxBufferedBytes: 64 * 1024 * 1024 },
      timeouts: { tooSlowMs: 400, sweepMs: 50 },
    });
    running.push(relay);
    const circle = await publishedCircle(relay);
    const journal = circle.doc('journal');
    const slow = await RelayClient.connect(relay.relayUrl, circle.tablet);
    await slow.catchUp(journal);
    slow.ws.pause();
    const fast = await RelayClient.connect(relay.relayUrl, circle.doctor);
    await fast.catchUp(journal);
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);

    // 48 updates of 256 KB (12 MB): more than the kernel buffers of the stalled socket.
    let maxBuffered = 0;
    const slowConn = () => [...relay.relay.connections].find((c) => c.devicePk?.[0] === circle.tablet.publicKey[0] && c.subs?.size);
    for (let batch = 0; batch < 6; batch++) {
      const envs = await Promise.all(Array.from({ length: 8 }, (_, i) => sealUpdate(circle.phone, journal, batch * 8 + i + 1, filler(256 * 1024, i))));
      const started = performance.now();
      for (const envelope of envs) phone.send({ type: 'push', envelope });
      await Promise.all(envs.map((e) => phone.ackOrError(journal, e.header.devSeq)));
      // The fast reader has every update of the batch promptly.
      let last = 0;
      while (last < (batch + 1) * 8) {
        const page = await fast.next((m) => m.type === 'updates', 2_000);
        if (page.type === 'updates') last = page.items.at(-1)?.seq ?? last;
      }
      expect(performance.now() - started).toBeLessThan(1_500);
      maxBuffered = Math.max(maxBuffered, slowConn()?.buffered ?? 0);
    }
    // Live fan-out stops at the high-water mark: the stalled reader costs about one frame beyond it.
    expect(maxBuffered).toBeLessThan(256 * 1024 + 8 * 260 * 1024);
    await expect.poll(() => relay.metrics.closes.get({ reason: 'too-slow' }), { timeout: 3_000 }).toBe(1);
    slow.ws.resume();
    expect(await slow.closed).toMatchObject({ code: 4008, reason: 'too-slow' });
    expect(fast.ws.readyState).toBe(fast.ws.OPEN);
  });

  it('catches a lagging subscriber up from storage, in order, once it reads again', async () => {
    const relay = await startTestRelay({
      limits: { pushesPerSecond: 10_000, pushBurst: 10_000 },
      backpressure: { lowWaterBytes: 64 * 1024, highWaterBytes: 128 * 1024 },
      timeouts: { tooSlowMs: 60_000, sweepMs: 50 },
    });
    running.push(relay);
    const circle = await publishedCircle(relay);
    const journal = circle.doc('journal');
    const lagging = await RelayClient.connect(relay.relayUrl, circle.tablet);
    await lagging.catchUp(journal);
    lagging.ws.pause();
    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    // 12 MB: more than the kernel buffers of the paused socket, so the relay's own buffer fills.
    const envs = await Promise.all(Array.from({ length: 48 }, (_, i) => sealUpdate(circle.phone, journal, i + 1, filler(256 * 1024, i))));
    for (const envelope of envs) phone.send({ type: 'push', envelope });
    await Promise.all(envs.map((e) => phone.ackOrError(journal, e.header.devSeq)));
    lagging.ws.resume();
    const seqs: number[] = [];
    while (seqs.length < 48) {
      const page = await lagging.next((m) => m.type === 'updates', 5_000);
      if (page.type === 'updates') seqs.push(...page.items.map((i) => i.seq));
    }
    expect(seqs).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
  });
});
