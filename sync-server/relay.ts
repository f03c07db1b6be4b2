// The relay: accepts WebSocket connections on /relay, runs one sweep timer for every
// connection's timeouts, pings and slow-reader checks, commits writes in groups, and shuts
// down cleanly (pending commits are made durable and acknowledged before sockets close).

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from './ws';
import { DocLedgers } from './doc-ledger';
import { GroupCommitter } from './group-commit';
import type { Logger } from './log';
import { MembershipCache } from './membership-cache';
import { ReadCounter, type ServerMetrics } from './metrics';
import { Connection, type ConnectionHost, RelaySocket } from './relay-connection';
import { DocService } from './relay-docs';
import { FrameHandler } from './relay-handlers';
import { VerifyPool } from './verify-pool';
import type { ResolvedRelayOptions } from './relay-options';
import { Subscriptions } from './relay-subscriptions';
import type { RelayStore } from './storage/store';

export interface RelayDeps {
  store: RelayStore;
  metrics: ServerMetrics;
  log: Logger;
  options: ResolvedRelayOptions;
  /** The clock (ms); tests may pass a fake one. */
  now?: () => number;
}

// A Host header we are willing to echo as the relay id (a host name or address and a port).
const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The /relay endpoint: connections, timeouts, group commit and shutdown. */
export class Relay implements ConnectionHost {
  readonly metrics: ServerMetrics;
  readonly connections = new Set<Connection>();
  readonly committer: GroupCommitter;
  readonly subscriptions: Subscriptions;
  private readonly wss: WebSocketServer;
  private readonly frames: FrameHandler;
  private readonly verifier: VerifyPool | null;
  private readonly docs: DocService;
  private readonly now: () => number;
  private readonly timers: NodeJS.Timeout[] = [];
  private closing = false;
  /** Between a commit and the end of its acknowledgements (see willSend). */
  private corking = false;
  private corked: Connection[] = [];

  constructor(private readonly deps: RelayDeps) {
    const { store, metrics, log, options } = deps;
    this.metrics = metrics;
    this.now = deps.now ?? Date.now;
    const ledgers = new DocLedgers(store);
    let subscriptions: Subscriptions | null = null;
    let memberships: MembershipCache | null = null;
    this.committer = new GroupCommitter(store, {
      onSealed: (batch) => {
        this.corking = true;
        subscriptions?.onSealed(batch);
        this.uncorkAll();
      },
      onCommit: (seconds, writes, ok) => {
        metrics.commitSeconds.observe(seconds);
        if (ok) metrics.commitWrites.observe(writes);
      },
      onCommitted: (batch) => {
        this.corking = true;
        subscriptions?.onCommitted(batch);
      },
      // The acks are sent from the waiters' continuations, queued by now: uncork after them.
      onSettled: () => queueMicrotask(() => this.uncorkAll()),
      onHookError: (e) => log.error('commit-hook-failed', { error: e instanceof Error ? e.message : String(e) }),
      onFailure: (error) => {
        log.error('store-commit-failed', { code: error.code, message: error.message });
        subscriptions?.onFailed();
        ledgers.invalidate();
        memberships?.invalidate();
      },
    });
    memberships = new MembershipCache(store, this.committer, this.now);
    this.docs = new DocService(store, ledgers, memberships, this.committer, options.limits, this.now);
    subscriptions = new Subscriptions(store, ledgers, memberships, this.docs, options, log);
    this.subscriptions = subscriptions;
    this.verifier = options.verifyThreads > 0 ? new VerifyPool(options.verifyThreads) : null;
    const verifier = this.verifier;
    if (verifier) {
      metrics.registry.add(new ReadCounter('paceline_relay_signature_checks_total', "Envelope signature checks by the pool, by where they ran: on the relay's main thread or on a worker.", 'thread', () => verifier.counts));
    }
    this.frames = new FrameHandler(options, this.docs, memberships, subscriptions, metrics, log, this.now, this.verifier);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.limits.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
      WebSocket: RelaySocket,
    });
    this.timers.push(setInterval(() => this.sweep(), options.timeouts.sweepMs));
    this.timers.push(setInterval(() => void this.sweepRetention().catch((e: unknown) => log.error('retention-sweep-failed', { error: String(e) })), options.timeouts.retentionSweepMs));
    for (const t of this.timers) t.unref();
  }

  /** Takes over an HTTP upgrade request for /relay. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const relayId = this.relayIdFor(req);
    if (this.closing || !relayId) {
      socket.end(`HTTP/1.1 ${this.closing ? '503 Service Unavailable' : '400 Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws as RelaySocket, relayId));
  }

  /** Called by a connection when its socket wrote something out. */
  onWritable(conn: Connection): void {
    this.subscriptions.pump(conn);
  }

  /**
   * While a commit's fan-out and acknowledgements go out, each socket is corked at its first
   * frame and uncorked once they all are: a subscriber's pages of several documents, or a
   * pusher's own update and its ack, leave in one write instead of one each.
   */
  willSend(conn: Connection): void {
    if (!this.corking || conn.corked || !conn.ws.cork()) return;
    conn.corked = true;
    this.corked.push(conn);
  }

  private uncorkAll(): void {
    this.corking = false;
    for (const conn of this.corked) {
      conn.corked = false;
      conn.ws.uncork();
    }
    this.corked = [];
  }

  /** Drops updates covered by snapshots that nobody confirmed within the retention period. */
  sweepRetention(): Promise<number> {
    return this.docs.sweepRetention(this.deps.options.retentionMs);
  }

  /** Stops accepting, makes pending writes durable and acknowledged, then closes every connection with 'server-shutting-down'. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const t of this.timers) clearInterval(t);
    this.subscriptions.close();
    for (const conn of this.connections) conn.ws.pause();
    await Promise.all([...this.connections].map((c) => c.tail));
    await this.committer.flushed();
    // Acks are sent from the commit's continuations: let them run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const closed = [...this.connections].map((conn) => new Promise<void>((resolve) => {
      if (conn.ws.readyState === RelaySocket.CLOSED) return resolve();
      conn.ws.once('close', () => resolve());
      // Read again so the peer's closing handshake arrives (new frames are ignored now).
      conn.ws.resume();
      conn.close('server-shutting-down');
      setTimeout(() => {
        conn.ws.terminate();
        resolve();
      }, 1_000).unref();
    }));
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.verifier?.close();
  }

  private relayIdFor(req: IncomingMessage): string | null {
    if (this.deps.options.relayId) return this.deps.options.relayId;
    const host = req.headers.host;
    if (!host || host.length > 255 || !HOST_PATTERN.test(host)) return null;
    const secure = 'encrypted' in req.socket && req.socket.encrypted === true;
    return `${secure ? 'wss' : 'ws'}://${host.toLowerCase()}`;
  }

  private onConnection(ws: RelaySocket, relayId: string): void {
    const { limits } = this.deps.options;
    const conn = new Connection(ws, this, this.now(), limits.pushesPerSecond, limits.pushBurst);
    conn.relayId = relayId;
    this.connections.add(conn);
    this.metrics.connectionsOpened.inc();
    ws.on('message', (data, isBinary) => {
      if (this.closing) return;
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      try {
        this.frames.onFrame(conn, frame, isBinary);
      } catch (e) {
        // A bug: keep the process (and every other connection) up, and say so.
        this.deps.log.error('frame-failed', { error: e instanceof Error ? e.message : String(e) });
        if (conn.open) conn.sendError('internal', 'the relay failed to handle this frame');
      }
    });
    ws.on('pong', () => {
      conn.lastHeard = this.now();
    });
    // ws closes the socket itself after a WebSocket-level protocol error (with our named
    // reason, see RelaySocket); count it like our own closes.
    ws.on('error', (err: Error & { code?: string }) => {
      if (conn.state === 'closed' || !err.code?.startsWith('WS_ERR_')) return;
      conn.state = 'closed';
      this.metrics.closes.inc({ reason: err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'frame-too-large' : 'bad-frame' });
    });
    ws.on('close', () => {
      conn.state = 'closed';
      this.connections.delete(conn);
      this.subscriptions.drop(conn);
    });
  }

  /** One pass over every connection: timeouts, pings, slow readers, stalled catch-ups. */
  private sweep(): void {
    const now = this.now();
    for (const conn of this.connections) {
      if (conn.state === 'closed') continue;
      try {
        this.check(conn, now);
      } catch (e) {
        this.deps.log.error('sweep-failed', { error: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private check(conn: Connection, now: number): void {
    const { timeouts, backpressure } = this.deps.options;
    if (conn.state !== 'ready' && now - conn.openedAt > timeouts.authMs) return conn.close('auth-timeout');
    if (now - conn.lastHeard > timeouts.idleMs) return conn.close('idle-timeout');
    if (now - conn.lastHeard >= timeouts.pingMs && now - conn.lastPinged >= timeouts.pingMs) {
      conn.lastPinged = now;
      conn.ws.ping();
    }
    const buffered = conn.buffered;
    if (buffered > backpressure.maxBufferedBytes) return conn.close('too-slow');
    if (buffered < backpressure.lowWaterBytes) conn.behindSince = 0;
    else if (conn.behindSince === 0 || buffered < conn.behindBytes) {
      // Behind, or draining since the last look: (re)start the clock.
      conn.behindSince = now;
      conn.behindBytes = buffered;
    } else if (now - conn.behindSince > timeouts.tooSlowMs) {
      return conn.close('too-slow');
    }
    if (conn.pumpQueue?.length) this.subscriptions.pump(conn);
  }
}
