// Relay memory per idle connection: 5,000 connections, each authenticated and subscribed to
// one document (500 circles of 10 patient devices, each device on its circle's journal),
// then left idle. RSS and heap of the relay process (after forced GCs) before the
// connections and after all of them are live, divided by the number of connections.
//
// The circles' genesis is published before the "before" reading, so what is counted is
// the connections, their subscriptions, and the per-document and per-circle state that
// subscribing loads (ledgers, membership cache).

import type { DeviceKeys } from '../../src/sync/crypto';
import { type Conn, TAG, connect, decode, eachUpdate, makeCircles, publishGenesis } from './paceline-wire';
import { type RelayProcess, fdLimits } from './relay-process';

export interface IdleMemoryResult {
  connections: number;
  circles: number;
  /** fd limits of this (client) process, and the limit the relay ran with. */
  fdSoft: number;
  fdHard: number;
  relayFdLimit: number;
  connectMs: number;
  relayConnections: number;
  relaySubscriptions: number;
  before: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  after: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  perConnection: { rssBytes: number; heapUsedBytes: number; externalBytes: number };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const pick = (m: NodeJS.MemoryUsage) => ({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers });

export async function runIdleMemory(relay: RelayProcess, connections: number, perCircle = 10): Promise<IdleMemoryResult> {
  const { soft, hard } = fdLimits();
  if (soft < connections + 256) throw new Error(`this process may open ${soft} files; ${connections} connections need more: run "ulimit -n ${connections + 1024}" first`);
  const url = `ws://127.0.0.1:${relay.port}/relay`;
  const circles = await makeCircles(Math.ceil(connections / perCircle), perCircle, 11);
  await publishGenesis(url, circles);
  // Let the publishers' sockets close before the baseline.
  for (let i = 0; i < 100 && (await relay.usage()).connections > 0; i++) await sleep(50);
  await sleep(300);
  const before = await relay.usage(true);

  const devices = circles.flatMap((circle) => circle.devices.map((device) => ({ circle, device }))).slice(0, connections);
  const conns: Conn[] = [];
  const started = performance.now();
  const one = ({ circle, device }: { circle: (typeof circles)[number]; device: DeviceKeys }) =>
    new Promise<void>((resolve, reject) => {
      connect(url, device, (frame) => {
        // The (empty) catch-up ends with an updates page with more: false.
        if (frame[1] === TAG.updates && !eachUpdate(frame, () => {})) resolve();
        else if (frame[1] === TAG.error) {
          const m = decode(frame);
          reject(new Error(`subscribe refused: ${m.type === 'error' ? m.code : m.type}`));
        }
      }).then((conn) => {
        conns.push(conn);
        conn.send({ type: 'subscribe', docId: circle.journal, sinceSeq: 0, membershipVersion: 1 });
      }, reject);
    });
  for (let i = 0; i < devices.length; i += 100) await Promise.all(devices.slice(i, i + 100).map(one));
  const connectMs = performance.now() - started;
  await sleep(1_000);
  const after = await relay.usage(true);

  await Promise.all(
    conns.map((c) => new Promise<void>((resolve) => {
      c.ws.once('close', () => resolve());
      c.ws.close(1000);
      setTimeout(() => { c.ws.terminate(); resolve(); }, 3_000).unref();
    })),
  );
  const n = devices.length;
  return {
    connections: n,
    circles: circles.length,
    fdSoft: soft,
    fdHard: hard,
    relayFdLimit: relay.fdLimit,
    connectMs,
    relayConnections: after.connections,
    relaySubscriptions: after.subscriptions,
    before: pick(before.memory),
    after: pick(after.memory),
    perConnection: {
      rssBytes: (after.memory.rss - before.memory.rss) / n,
      heapUsedBytes: (after.memory.heapUsed - before.memory.heapUsed) / n,
      externalBytes: (after.memory.external - before.memory.external) / n,
    },
  };
}
