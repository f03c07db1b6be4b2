// Connection state machine: hello/welcome/auth, version negotiation, named close reasons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from '../../../sync-server/ws';
import { writeMessage } from '../../../src/sync/codec';
import { LIMITS } from '../../../src/sync/protocol';
import { answerChallenge } from '../../../src/sync/protocol-auth';
import type { RunningServer } from '../../../sync-server/server';
import { type Circle, RelayClient } from '../../helpers/relay-client';
import { publishedCircle, startTestRelay } from '../../helpers/relay-server';

describe('relay handshake', () => {
  let relay: RunningServer;
  let circle: Circle;
  beforeAll(async () => {
    relay = await startTestRelay({ limits: { maxSubscriptions: 500 } });
    circle = await publishedCircle(relay);
  });
  afterAll(() => relay.close());

  it('welcomes with the negotiated version, the relay id taken from Host, a fresh challenge and its limits', async () => {
    const a = await RelayClient.open(relay.relayUrl);
    const b = await RelayClient.open(relay.relayUrl);
    const wa = await a.hello(circle.phone, [1, 2, 7]);
    const wb = await b.hello(circle.phone);
    expect(wa.protocolVersion).toBe(2); // the highest both speak
    expect(wa.relayId).toBe(new URL(relay.relayUrl).origin);
    expect(wa.limits).toEqual({ maxFrameBytes: LIMITS.maxFrameBytes, maxSubscriptions: 500, pushesPerSecond: LIMITS.pushesPerSecond });
    expect(wa.challenge).not.toEqual(wb.challenge);
    expect(Math.abs(wa.serverTime - Date.now())).toBeLessThan(5_000);
    a.close();
    b.close();
  });

  it('authenticates and then serves requests', async () => {
    const c = await RelayClient.connect(relay.relayUrl, circle.phone);
    const { offer, items, pages } = await c.catchUp(circle.doc('journal'));
    expect(offer).toBeNull();
    expect(items).toEqual([]);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.more).toBe(false);
    c.close();
  });

  it('uses the configured relay id instead of the Host header', async () => {
    const other = await startTestRelay({ relayId: 'wss://relay.example.org' });
    try {
      const c = await RelayClient.open(other.relayUrl);
      expect((await c.hello(circle.phone)).relayId).toBe('wss://relay.example.org');
      c.close();
    } finally {
      await other.close();
    }
  });

  it('closes with protocol-version-unsupported when no version is shared', async () => {
    const c = await RelayClient.open(relay.relayUrl);
    c.sendRaw(writeMessage({ type: 'hello', protocolVersions: [4, 5], devicePk: circle.phone.publicKey }, 1));
    expect(await c.closed).toMatchObject({ code: 4000, reason: 'protocol-version-unsupported', reasonText: 'protocol-version-unsupported' });
  });

  it('closes with unauthorized on a signature by another key, before any pipelined request takes effect', async () => {
    const c = await RelayClient.open(relay.relayUrl);
    const welcome = await c.hello(circle.phone);
    c.send({ type: 'auth', signature: await answerChallenge(circle.stranger, welcome) });
    c.send({ type: 'membership', chain: [circle.genesis] });
    expect(await c.closed).toMatchObject({ code: 4005, reason: 'unauthorized' });
    expect(c.log.filter((m) => m.type !== 'welcome')).toEqual([]);
  });

  it('closes with unauthorized when the proof was made for another relay id', async () => {
    const c = await RelayClient.open(relay.relayUrl);
    const welcome = await c.hello(circle.phone);
    c.send({ type: 'auth', signature: await answerChallenge(circle.phone, { ...welcome, relayId: 'wss://other.example' }) });
    expect((await c.closed).reason).toBe('unauthorized');
  });

  it('answers requests sent before auth with not-authenticated and keeps the connection', async () => {
    const c = await RelayClient.open(relay.relayUrl);
    const welcome = await c.hello(circle.phone);
    c.send({ type: 'subscribe', docId: circle.doc('plan'), sinceSeq: 0, membershipVersion: 0 });
    expect(await c.error(circle.doc('plan'))).toMatchObject({ code: 'not-authenticated', ref: { kind: 'doc', docId: circle.doc('plan') } });
    c.send({ type: 'auth', signature: await answerChallenge(circle.phone, welcome) });
    expect((await c.catchUp(circle.doc('plan'))).items).toEqual([]);
    c.close();
  });

  it('closes with bad-frame for a request before hello, a text frame, garbage, or a second hello', async () => {
    const first = await RelayClient.open(relay.relayUrl);
    first.send({ type: 'subscribe', docId: circle.doc('plan'), sinceSeq: 0, membershipVersion: 0 });
    const text = await RelayClient.open(relay.relayUrl);
    text.ws.send('{"type":"hello"}');
    const garbage = await RelayClient.open(relay.relayUrl);
    garbage.sendRaw(new Uint8Array([1, 99, 1, 2, 3]));
    const twice = await RelayClient.connect(relay.relayUrl, circle.phone);
    twice.sendRaw(writeMessage({ type: 'hello', protocolVersions: [1], devicePk: circle.phone.publicKey }, 1));
    for (const c of [first, text, garbage, twice]) expect(await c.closed).toMatchObject({ code: 4001, reason: 'bad-frame' });
  });

  it('closes with frame-too-large for a frame over the limit, not a bare 1009', async () => {
    const small = await startTestRelay({ limits: { maxFrameBytes: 4096 } });
    try {
      const c = await RelayClient.connect(small.relayUrl, circle.phone);
      c.sendRaw(new Uint8Array(5000));
      expect(await c.closed).toMatchObject({ code: 4002, reason: 'frame-too-large' });
    } finally {
      await small.close();
    }
  });

  it('closes with auth-timeout a connection that never authenticates, and keeps a quiet live one', async () => {
    const quick = await startTestRelay({ timeouts: { authMs: 150, idleMs: 300, pingMs: 100, sweepMs: 25 } });
    try {
      const silent = await RelayClient.open(quick.relayUrl);
      const alive = await RelayClient.connect(quick.relayUrl, circle.phone);
      expect(await silent.closed).toMatchObject({ code: 4007, reason: 'auth-timeout' });
      // Quiet for longer than idleMs, but it answers the relay's pings (as browsers do).
      await new Promise((r) => setTimeout(r, 500));
      expect(alive.ws.readyState).toBe(WebSocket.OPEN);
      alive.close();
    } finally {
      await quick.close();
    }
  });

  it('closes an authenticated peer that stops answering pings with idle-timeout', async () => {
    const quick = await startTestRelay({ timeouts: { idleMs: 300, pingMs: 100, sweepMs: 25 } });
    try {
      const c = await RelayClient.open(quick.relayUrl, { autoPong: false });
      const welcome = await c.hello(circle.phone);
      c.send({ type: 'auth', signature: await answerChallenge(circle.phone, welcome) });
      expect(await c.closed).toMatchObject({ code: 4009, reason: 'idle-timeout' });
    } finally {
      await quick.close();
    }
  });

  it('closes every connection with server-shutting-down on close()', async () => {
    const other = await startTestRelay();
    const c = await RelayClient.connect(other.relayUrl, circle.phone);
    await other.close();
    expect(await c.closed).toMatchObject({ code: 4006, reason: 'server-shutting-down' });
  });
});
