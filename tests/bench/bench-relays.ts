// Child-process entry for the relay benchmarks: starts ONE relay on 127.0.0.1 (ephemeral
// port) so that its CPU and memory are measured alone, then answers the orchestrator over
// the IPC channel (see relay-process.ts, which spawns it).
//
//   node --import tsx tests/bench/bench-relays.ts <kind>      (kind: see RelayKind)
//   env BENCH_RELAY_OPTIONS: JSON of RelayOptions['limits'] etc. for the Paceline relay
//
// Kinds:
// - bare: a `ws` broadcast relay, each message to the other sockets of the same room (the URL
//   path); no parsing, no storage: the upper bound.
// - yws: @y/websocket-server 0.1.1 exactly as its bin server (src/server.js) runs it: the
//   `ws` it ships with (6.x), `setupWSConnection` per connection, one WSSharedDoc per room
//   (the URL path), no persistence (YPERSISTENCE unset), GC on.
// - paceline-memory / paceline-sqlite: startServer from sync-server/server.ts with the
//   in-memory store, or the SQLite store (WAL, synchronous=FULL, group commit) in a fresh
//   temporary directory.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as WsModule from 'ws';
import { type LoopDelay, loopDelayMonitor } from './fanout';
import { type ServerOptions, startServer } from '../../sync-server/server';

export type RelayKind = 'bare' | 'yws' | 'paceline-memory' | 'paceline-sqlite' | 'paceline-sqlite-main';

/** Orchestrator -> relay. */
/** `resetLoopDelay` starts a new event-loop delay window (a step's start); usage reports the window so far. */
export type RelayCommand = { type: 'usage'; gc?: boolean; resetLoopDelay?: boolean } | { type: 'stop' };

/** Relay -> orchestrator. */
export type RelayReport =
  | { type: 'ready'; port: number; pid: number; detail: string }
  | { type: 'usage'; cpu: NodeJS.CpuUsage; memory: NodeJS.MemoryUsage; at: number; connections: number; subscriptions: number; loopDelay: LoopDelay };

interface Running {
  port: number;
  detail: string;
  counts(): { connections: number; subscriptions: number };
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

function startBare(): Promise<Running> {
  const { WebSocketServer } = require('ws') as typeof WsModule;
  const rooms = new Map<string, Set<WsModule.WebSocket>>();
  let connections = 0;
  const http = createServer((_req, res) => res.end('bare'));
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: false });
  wss.on('connection', (ws, req) => {
    const room = (req.url ?? '/').slice(1);
    let members = rooms.get(room);
    if (!members) rooms.set(room, (members = new Set()));
    members.add(ws);
    connections++;
    ws.on('message', (data, isBinary) => {
      for (const other of members) if (other !== ws && other.readyState === 1) other.send(data, { binary: isBinary });
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      members.delete(ws);
      connections--;
    });
  });
  return listen(http, 'ws ' + (require('ws/package.json') as { version: string }).version, () => ({ connections, subscriptions: connections }), () => wss.close());
}

async function startYws(): Promise<Running> {
  // Resolve `ws` from @y/websocket-server's own folder: its bin server uses the copy it ships with.
  const ywsRequire = createRequire(require.resolve('@y/websocket-server/package.json'));
  const ywsVersion = (ywsRequire('./package.json') as { version: string }).version;
  const { Server } = ywsRequire('ws') as { Server: new (o: { noServer: true }) => YwsServer };
  const wsVersion = (ywsRequire('ws/package.json') as { version: string }).version;
  const utils = (await import('@y/websocket-server/utils')) as unknown as YwsUtils;
  const wss = new Server({ noServer: true });
  const http = createServer((_req, res) => res.end('okay'));
  wss.on('connection', utils.setupWSConnection);
  http.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  const counts = () => {
    let connections = 0;
    for (const doc of utils.docs.values()) connections += doc.conns.size;
    return { connections, subscriptions: connections };
  };
  return listen(http, `@y/websocket-server ${ywsVersion} (ws ${wsVersion}, yjs ${(require('yjs/package.json') as { version: string }).version})`, counts, () => wss.close());
}

interface YwsServer {
  on(event: 'connection', listener: (...args: never[]) => void): void;
  handleUpgrade(req: unknown, socket: unknown, head: Buffer, cb: (ws: unknown) => void): void;
  emit(event: 'connection', ws: unknown, req: unknown): boolean;
  close(): void;
}
interface YwsUtils {
  setupWSConnection: (...args: never[]) => void;
  docs: Map<string, { conns: Map<unknown, unknown> }>;
}

function listen(http: ReturnType<typeof createServer>, detail: string, counts: Running['counts'], closeWss: () => void): Promise<Running> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => {
      const addr = http.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        port,
        detail,
        counts,
        close: async () => {
          closeWss();
          http.closeAllConnections();
          await new Promise<void>((done) => http.close(() => done()));
        },
      });
    });
  });
}

async function startPaceline(durable: boolean, storeThread = true): Promise<Running> {
  const extra = { ...(JSON.parse(process.env.BENCH_RELAY_OPTIONS ?? '{}') as Partial<ServerOptions>), ...(!storeThread && { storeThread }) };
  const data = durable ? mkdtempSync(join(tmpdir(), 'paceline-bench-relay-')) : null;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    staticDir: join(tmpdir(), 'paceline-no-app'),
    logLevel: 'error',
    ...(data && { dataDir: data }),
    ...extra,
  });
  return {
    port: Number(new URL(server.url).port),
    detail: `Paceline relay, ${server.store.kind} store${data ? ` (WAL, synchronous=FULL, group commit) in a temporary directory, on ${extra.storeThread === false ? 'the main thread' : 'a thread of its own'}` : ''}`,
    counts: () => ({ connections: server.relay.connections.size, subscriptions: server.relay.subscriptions.count }),
    close: async () => {
      await server.close();
      if (data) rmSync(data, { recursive: true, force: true });
    },
  };
}

const send = (msg: RelayReport) => process.send?.(msg);
const loop = loopDelayMonitor();
const gc = (globalThis as { gc?: () => void }).gc;

const kind = process.argv[2] as RelayKind;
const starters: Record<RelayKind, () => Promise<Running>> = {
  bare: startBare,
  yws: startYws,
  'paceline-memory': () => startPaceline(false),
  'paceline-sqlite': () => startPaceline(true),
  'paceline-sqlite-main': () => startPaceline(true, false),
};
const running = await (Object.hasOwn(starters, kind) ? starters[kind]() : Promise.reject(new Error(`unknown relay kind ${kind}`)));
process.on('message', (cmd: RelayCommand) => {
  if (cmd.type === 'usage') {
    if (cmd.gc && gc) for (let i = 0; i < 3; i++) gc();
    send({ type: 'usage', cpu: process.cpuUsage(), memory: process.memoryUsage(), at: performance.now() + performance.timeOrigin, ...running.counts(), loopDelay: loop.read() });
    if (cmd.resetLoopDelay) loop.reset();
  } else if (cmd.type === 'stop') {
    // The orchestrator waits for this process to exit.
    void running.close().finally(() => process.exit(0));
  }
});
// The orchestrator died: do not linger.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', port: running.port, pid: process.pid, detail: running.detail });
