// y-webrtc signaling on /signal: the stock client's JSON messages (node_modules/y-webrtc/bin/server.js).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../sync-server/server';
import { WebSocket } from '../../../sync-server/ws';
import { startTestRelay } from '../../helpers/relay-server';

type Json = Record<string, unknown>;

/** A raw signaling client collecting JSON messages. */
async function peer(url: string): Promise<{ ws: WebSocket; send(m: Json): void; next(pred?: (m: Json) => boolean): Promise<Json>; got: Json[] }> {
  const ws = new WebSocket(url);
  const got: Json[] = [];
  const waiters: { pred: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Json;
    const i = waiters.findIndex((w) => w.pred(m));
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(m);
    else got.push(m);
  });
  await new Promise((r) => ws.once('open', r));
  return {
    ws,
    got,
    send: (m) => ws.send(JSON.stringify(m)),
    next: (pred = () => true) => {
      const i = got.findIndex(pred);
      if (i >= 0) return Promise.resolve(got.splice(i, 1)[0] as Json);
      return new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        setTimeout(() => reject(new Error('no signaling message')), 2_000);
      });
    },
  };
}

describe('signaling', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestRelay();
  });
  afterAll(() => server.close());

  it('relays a publish to every subscriber of the topic with the subscriber count', async () => {
    const a = await peer(server.signalUrl);
    const b = await peer(server.signalUrl);
    const c = await peer(server.signalUrl);
    a.send({ type: 'subscribe', topics: ['room-1'] });
    b.send({ type: 'subscribe', topics: ['room-1', 'room-2'] });
    c.send({ type: 'subscribe', topics: ['room-2'] });
    // Subscriptions are handled in order per socket; a ping round trip makes sure they landed.
    for (const p of [a, b, c]) {
      p.send({ type: 'ping' });
      expect(await p.next()).toEqual({ type: 'pong' });
    }
    const announce = { type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'peer-a' } };
    a.send(announce);
    expect(await b.next()).toEqual({ ...announce, clients: 2 });
    // The sender gets its own message too (y-webrtc ignores messages from itself).
    expect(await a.next()).toEqual({ ...announce, clients: 2 });
    b.send({ type: 'unsubscribe', topics: ['room-1'] });
    b.send({ type: 'ping' });
    await b.next((m) => m.type === 'pong');
    a.send({ ...announce, data: 'again' });
    expect(await a.next()).toMatchObject({ data: 'again', clients: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(b.got).toEqual([]);
    expect(c.got).toEqual([]);
    expect(server.metrics.registry.render()).toMatch(/^paceline_signaling_topics 2$/m);
    for (const p of [a, b, c]) p.ws.close();
  });

  it('ignores malformed JSON and unknown messages instead of crashing', async () => {
    const a = await peer(server.signalUrl);
    a.ws.send('{not json');
    a.send({ type: 'nonsense' });
    a.send({ type: 'subscribe', topics: 'not-a-list' });
    a.send({ type: 'publish' });
    a.send({ type: 'ping' });
    expect(await a.next()).toEqual({ type: 'pong' });
    a.ws.close();
  });

  it('forgets the topics of a closed connection', async () => {
    const a = await peer(server.signalUrl);
    a.send({ type: 'subscribe', topics: ['lonely-room'] });
    a.send({ type: 'ping' });
    await a.next();
    const before = Number(/^paceline_signaling_topics (\d+)$/m.exec(server.metrics.registry.render())?.[1]);
    a.ws.close();
    await expect.poll(() => Number(/^paceline_signaling_topics (\d+)$/m.exec(server.metrics.registry.render())?.[1])).toBe(before - 1);
  });
});
