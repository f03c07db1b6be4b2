import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { createStaticHandler, SECURITY_HEADERS } from './static';
import { type Logger, type LogLevel, createLogger, parseLogLevel } from './log';
import { type ServerMetrics, createMetrics } from './metrics';
import { Relay } from './relay';
import { type RelayOptions, resolveRelayOptions } from './relay-options';
import { Signaling, type SignalingOptions } from './signaling';
import { createMemoryStore } from './storage/memory';
import { openSqliteStore } from './storage/sqlite';
import { openSqliteStoreOnThread } from './storage/sqlite-thread';
import type { RelayStore } from './storage/store';

export interface ServerOptions extends RelayOptions {
  port: number;
  host: string;
  /** Folder with the built app (vite build output). */
  staticDir: string;
  /** Folder for the relay's SQLite database. Without it (and without `store`) the relay keeps data in memory only. */
  dataDir?: string;
  /** Runs the SQLite store on a thread of its own (default), so commits never block the event loop; false runs it inline. */
  storeThread?: boolean;
  /** A store to use instead of opening one; the caller owns it (close() leaves it open). */
  store?: RelayStore;
  /** Default 'error' here; `npm start` passes LOG_LEVEL or 'info'. */
  logLevel?: LogLevel;
  log?: Logger;
  signaling?: Partial<SignalingOptions>;
}

export interface RunningServer {
  server: Server;
  /** The app's URL (ends with '/'). */
  url: string;
  /** ws:// URLs of the relay protocol and of y-webrtc signaling. */
  relayUrl: string;
  signalUrl: string;
  relay: Relay;
  store: RelayStore;
  metrics: ServerMetrics;
  /** Stops accepting, makes pending writes durable and acknowledged, closes every socket, then the store. */
  close(): Promise<void>;
}

/** Starts the Paceline server: static app, relay (/relay), signaling (/signal), /healthz and /metrics. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? createLogger(opts.logLevel ?? 'error');
  let store = opts.store;
  if (!store && opts.dataDir) {
    const opened = opts.storeThread === false ? openSqliteStore(opts.dataDir) : await openSqliteStoreOnThread(opts.dataDir);
    if (!opened.ok) throw new Error(`Could not open the relay database: ${opened.error.message}`);
    store = opened.value;
  }
  const ownsStore = !opts.store;
  const theStore = store ?? createMemoryStore();
  let relay: Relay | null = null;
  let signaling: Signaling | null = null;
  const metrics = createMetrics({
    connections: () => relay?.connections.size ?? 0,
    subscriptions: () => relay?.subscriptions.count ?? 0,
    signalingConnections: () => signaling?.connectionCount ?? 0,
    signalingTopics: () => signaling?.topicCount ?? 0,
  });
  relay = new Relay({ store: theStore, metrics, log, options: resolveRelayOptions(opts) });
  signaling = new Signaling(metrics, opts.signaling);

  const serveStatic = createStaticHandler(opts.staticDir);
  const startedAt = Date.now();
  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), store: theStore.kind }));
      return;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(metrics.registry.render());
      return;
    }
    if (path === '/relay' || path === '/signal') {
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
      res.end('This address takes WebSocket connections.\n');
      return;
    }
    if (!serveStatic) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The app has not been built. Run "npm start" (it builds first) or "npm run build".\n');
      return;
    }
    serveStatic(req, res, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/relay') return relay?.handleUpgrade(req, socket, head);
    if (path === '/signal') return signaling?.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
  const hostPort = `${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  let closing: Promise<void> | null = null;
  const close = async () => {
    // Stop taking new connections first; the relay then flushes and closes its own.
    server.close();
    await relay?.close();
    await signaling?.close();
    server.closeAllConnections();
    if (ownsStore) await theStore.close();
  };
  return {
    server,
    url: `http://${hostPort}/`,
    relayUrl: `ws://${hostPort}/relay`,
    signalUrl: `ws://${hostPort}/signal`,
    relay,
    store: theStore,
    metrics,
    close: () => (closing ??= close()),
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = dirname(fileURLToPath(import.meta.url));
  const port = Number(process.env.PORT ?? 8787);
  const host = process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a number from 0 to 65535, got "${process.env.PORT}"`);
    process.exit(2);
  }
  const staticDir = process.env.STATIC_DIR ?? resolve(here, '../dist');
  const dataDir = process.env.DATA_DIR ?? resolve(here, '../data');
  const retentionDays = process.env.RETENTION_DAYS === undefined ? undefined : Number(process.env.RETENTION_DAYS);
  const verifyThreads = process.env.VERIFY_THREADS === undefined ? undefined : Number(process.env.VERIFY_THREADS);
  startServer({
    port,
    host,
    staticDir,
    dataDir,
    logLevel: parseLogLevel(process.env.LOG_LEVEL, 'info'),
    ...(process.env.RELAY_ID && { relayId: process.env.RELAY_ID }),
    ...(retentionDays !== undefined && Number.isFinite(retentionDays) && { retentionMs: retentionDays * 24 * 60 * 60 * 1000 }),
    ...(verifyThreads !== undefined && Number.isFinite(verifyThreads) && { verifyThreads }),
  }).then(
    (running) => {
      console.log(`Paceline is running at ${running.url}`);
      const stop = () => { void running.close().then(() => process.exit(0)); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err: unknown) => {
      console.error(`Could not start the server on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
