// The connection state machine against the real relay (and a real closed port): backoff
// while the relay is away, reconnect when it is back, and a stop with a reason for what
// retrying cannot fix.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../sync-server/server';
import { WebSocket } from '../../../sync-server/ws';
import { RelayConnection } from '../../../src/sync/connection';
import type { ConnectionStatus } from '../../../src/sync/sync-status';
import { eventually, seededRandom } from './client-fixtures';
import { deviceFromSeed } from './fixtures';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function relayAt(port: number): Promise<RunningServer> {
  const relay = await startServer({ port, host: '127.0.0.1', staticDir: join(tmpdir(), 'paceline-no-app'), logLevel: 'silent' });
  cleanups.push(() => relay.close());
  return relay;
}

async function connection(port: number, options: { relayId?: string; baseMs?: number } = {}) {
  const statuses: Array<ConnectionStatus & { at: number }> = [];
  let ready = 0;
  const conn = new RelayConnection({
    url: `ws://127.0.0.1:${port}/relay`,
    relayId: options.relayId ?? `ws://127.0.0.1:${port}`,
    device: await deviceFromSeed(1),
    WebSocket,
    backoff: { baseMs: options.baseMs ?? 200, maxMs: 800, random: seededRandom(3) },
    onStatus: (s) => statuses.push({ ...s, at: Date.now() }),
    onReady: () => { ready += 1; },
    onMessage: () => {},
    onDisconnect: () => {},
  });
  cleanups.push(() => conn.stop());
  return { conn, statuses, ready: () => ready };
}

describe('relay connection', () => {
  it('waits with backoff while the relay is away, within the jitter bounds, and connects when it is back', async () => {
    const port = await freePort();
    const { conn, statuses, ready } = await connection(port);
    conn.start();
    await eventually(() => statuses.filter((s) => s.state === 'offline').length >= 2, 'two failed attempts');
    const waits = statuses.filter((s): s is Extract<ConnectionStatus, { state: 'offline' }> & { at: number } => s.state === 'offline');
    // Attempt 0 waits in [100, 200) ms, attempt 1 in [200, 400).
    expect((waits[0]?.retryAt ?? 0) - (waits[0]?.at ?? 0)).toBeGreaterThanOrEqual(100);
    expect((waits[0]?.retryAt ?? 0) - (waits[0]?.at ?? 0)).toBeLessThan(200 + 5);
    expect((waits[1]?.retryAt ?? 0) - (waits[1]?.at ?? 0)).toBeGreaterThanOrEqual(200);
    await relayAt(port);
    await eventually(() => ready() === 1, 'the connection once the relay is up');
    expect(statuses.at(-1)?.state).toBe('connected');
  });

  it('reconnects after the relay restarts (server-shutting-down is retryable)', async () => {
    const port = await freePort();
    const relay = await relayAt(port);
    const { conn, ready } = await connection(port, { baseMs: 50 });
    conn.start();
    await eventually(() => ready() === 1, 'first connection');
    await relay.close();
    await relayAt(port);
    await eventually(() => ready() === 2, 'reconnection');
  });

  it('stops when the relay names another relay id than the one it meant to reach', async () => {
    const port = await freePort();
    await relayAt(port);
    const { conn, statuses, ready } = await connection(port, { relayId: 'wss://clinic.example.org' });
    conn.start();
    await eventually(() => statuses.some((s) => s.state === 'error'), 'the stop');
    expect(statuses.at(-1)).toMatchObject({ state: 'error', issue: { code: 'wrong-relay' } });
    expect(ready()).toBe(0);
  });
});
