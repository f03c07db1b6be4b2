// 10,000 malformed, truncated, oversized or premature frames from many connections leave
// the relay up, and a well-behaved client keeps being served with normal latency.
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/sync/codec-bytes';
import { writeMessage } from '../../../src/sync/codec';
import type { RunningServer } from '../../../sync-server/server';
import { WebSocket } from '../../../sync-server/ws';
import { Rng } from '../../helpers/fixtures';
import { type Circle, RelayClient, filler, sealUpdate } from '../../helpers/relay-client';
import { publishedCircle, startTestRelay } from '../../helpers/relay-server';
import { PROTOCOL_VERSION } from '../../../src/sync/protocol';

const MAX_FRAME = 4 * 1024;
const CONNECTIONS = 40;
const FRAMES_PER_CONNECTION = 250;

type Attack = 'random' | 'truncated' | 'bit-flip' | 'huge' | 'before-auth' | 'before-hello' | 'bad-signature';
const ATTACKS: Attack[] = ['random', 'truncated', 'bit-flip', 'huge', 'before-auth', 'before-hello', 'bad-signature'];

describe('relay under malformed input', () => {
  let relay: RunningServer;
  let circle: Circle;
  beforeAll(async () => {
    relay = await startTestRelay({ limits: { maxFrameBytes: MAX_FRAME } });
    circle = await publishedCircle(relay);
  });
  afterAll(() => relay.close());

  it('stays up and keeps serving a good client with normal latency', async () => {
    const rng = new Rng(20261123);
    const journal = circle.doc('journal');
    const validPush = writeMessage({ type: 'push', envelope: await sealUpdate(circle.stranger, journal, 1, filler(300)) });
    // A member's envelopes with broken signatures: these cost the relay a real verification each.
    const badSig = await sealUpdate(circle.carer, journal, 1, filler(300));
    badSig.signature[5] = (badSig.signature[5] as number) ^ 0x40;
    const badSigPush = writeMessage({ type: 'push', envelope: badSig });
    // The frames after it are written in the current version, so the hello offers that one.
    const hello = writeMessage({ type: 'hello', protocolVersions: [PROTOCOL_VERSION], devicePk: circle.stranger.publicKey }, 1);
    const subscribe = writeMessage({ type: 'subscribe', docId: journal, sinceSeq: 0, membershipVersion: 0 });

    const frameFor = (attack: Attack, i: number): Uint8Array => {
      switch (attack) {
        case 'random':
          return Uint8Array.from({ length: rng.int(0, 2_000) }, () => rng.int(0, 255));
        case 'truncated':
          return validPush.slice(0, rng.int(1, validPush.length - 1));
        case 'bit-flip': {
          const f = validPush.slice();
          const at = rng.int(0, f.length - 1);
          f[at] = (f[at] as number) ^ (1 << rng.int(0, 7));
          return f;
        }
        case 'huge':
          return new Uint8Array(MAX_FRAME + 1 + rng.int(0, 1_000));
        case 'before-auth':
          return i === 0 ? hello : rng.chance(0.5) ? subscribe : validPush;
        case 'before-hello':
          return rng.chance(0.5) ? subscribe : validPush;
        case 'bad-signature':
          return badSigPush;
      }
    };

    // Hostile frames, prepared up front; a worker thread sends them (see abuse-worker.mjs).
    const plans: { attack: Attack; frames: Uint8Array[] }[] = Array.from({ length: CONNECTIONS }, (_, c) => {
      const attack = ATTACKS[c % ATTACKS.length] as Attack;
      return { attack, frames: Array.from({ length: FRAMES_PER_CONNECTION }, (_, i) => frameFor(attack, i)) };
    });
    const remote = plans.filter((p) => p.attack !== 'bad-signature');
    const worker = new Worker(new URL('../../helpers/abuse-worker.mjs', import.meta.url), { workerData: { url: relay.relayUrl, plans: remote.map((p) => p.frames) } });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // The good client: pushes one update at a time and measures each round trip to its ack.
    const good = await RelayClient.connect(relay.relayUrl, circle.phone);
    const latencies: number[] = [];
    let stop = false;
    const goodLoop = (async () => {
      for (let devSeq = 1; !stop || devSeq <= 10; devSeq++) {
        const env = await sealUpdate(circle.phone, journal, devSeq, utf8(`entry ${devSeq}`));
        const started = performance.now();
        const ack = await good.push(env);
        latencies.push(performance.now() - started);
        expect(ack).toMatchObject({ type: 'ack', devSeq });
        // Well-behaved: inside the relay's push rate (20/s sustained, burst of 100).
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const workerDone = new Promise<{ sent: number; code: number; reason: string }[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    worker.postMessage('go');
    // An authenticated member sending envelopes whose signatures do not verify, from here.
    const local = plans.filter((p) => p.attack === 'bad-signature').map(async (p) => {
      const client = await RelayClient.connect(relay.relayUrl, circle.carer);
      for (const frame of p.frames) client.sendRaw(frame);
      const first = await client.error(journal);
      client.close();
      return { attack: p.attack, sent: p.frames.length, code: 0, reason: first.code };
    });
    const remoteResults = await workerDone;
    await worker.terminate();
    const outcomes = [...remoteResults.map((r, i) => ({ attack: (remote[i] as { attack: Attack }).attack, ...r })), ...(await Promise.all(local))];
    stop = true;
    await goodLoop;
    const sent = outcomes.reduce((n, o) => n + o.sent, 0);

    expect(sent).toBeGreaterThanOrEqual(CONNECTIONS * FRAMES_PER_CONNECTION * 0.9);
    // Every attacker was closed with a named reason.
    for (const o of outcomes) expect(['bad-frame', 'frame-too-large', 'unauthorized', 'bad-signature'], `${o.attack}: ${o.code}`).toContain(o.reason);
    expect(outcomes.filter((o) => o.attack === 'huge').every((o) => o.reason === 'frame-too-large')).toBe(true);
    expect(outcomes.filter((o) => o.attack === 'before-auth').every((o) => o.reason === 'unauthorized')).toBe(true);
    // The relay is up, the good client's connection survived, and its pushes were fast.
    expect((await fetch(new URL('/healthz', relay.url))).status).toBe(200);
    expect(good.ws.readyState).toBe(WebSocket.OPEN);
    const sorted = [...latencies].sort((a, b) => a - b);
    // Idle round trips are 1-2 ms, and in a plain Node process under this attack the first
    // ones take under 10 ms. Under vitest on two shared cores, with the attack's worker
    // thread competing for CPU, they reach tens of ms, so the bounds only catch a stall.
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    expect(latencies.length).toBeGreaterThanOrEqual(10);
    expect(median).toBeLessThan(250);
    expect(sorted.at(-1)).toBeLessThan(2_000);
    const { items } = await (await RelayClient.connect(relay.relayUrl, circle.tablet)).catchUp(journal);
    expect(items.map((i) => i.seq)).toEqual(latencies.map((_, i) => i + 1));
    expect(relay.metrics.framesRejected.get({ code: 'truncated' }) + relay.metrics.framesRejected.get({ code: 'invalid-field' })).toBeGreaterThan(0);
    expect(relay.metrics.closes.get({ reason: 'frame-too-large' })).toBe(outcomes.filter((o) => o.attack === 'huge').length);
  });
});
