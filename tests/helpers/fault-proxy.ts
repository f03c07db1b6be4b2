// A fault-injecting WebSocket proxy for sync tests: clients connect to it as if it were the
// relay (its /relay endpoint), and it opens one upstream connection to the REAL relay per
// client connection. A seeded PRNG decides, frame by frame, what the network does:
//
// - pass: the frame goes through after a latency, sometimes after a longer stall (a
//   connection's frames keep their order; a stall delays everything behind it);
// - drop: the frame is lost. A WebSocket is an ordered, reliable stream, so a lost frame
//   means a dead connection: everything after it in that direction is lost too, and the
//   connection is killed a few milliseconds later;
// - duplicate (client to relay; push, snapshot and membership frames only): the relay
//   receives the frame twice. PROTOCOL.md makes these retransmissions harmless: a push or a
//   snapshot is acknowledged again, a membership segment the relay holds is sent back. The
//   relay answers every push, so the answer to the copy of a push is swallowed here: the
//   client sees exactly one answer per push it sent, as the protocol promises it;
// - cut: a connection dies at a random time. When a connection dies, the client's frames
//   still in flight may yet reach the relay ("linger"), later, on the dead connection, while
//   the client has already reconnected and sent them again: duplicates and reordering ACROSS
//   connections, which is what a real network does to a reconnecting client;
// - offline: a client's connections are cut and new ones refused (HTTP 503) until it is
//   online again; with no upstream set (relay restarting) every connection fails the same way.
//
// Decisions come from PRNGs per connection and direction, seeded from (seed, client,
// connection number), so a connection's n-th frame in a direction always gets the same fate. When frames arrive still depends
// on real timing, so a run is reproducible in its faults but not to the millisecond.
// Clients identify themselves with `?client=<name>` in the URL (socketFor() adds it).

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { readMessage } from '../../src/sync/codec';
import type { Message } from '../../src/sync/protocol';
import { WebSocket, WebSocketServer } from '../../sync-server/ws';
import { mulberry32 } from './fixtures';

export interface FaultRates {
  /** Every frame, each direction, takes a time drawn from this to arrive (in order): frames are in flight when a connection dies. */
  latencyMs: readonly [number, number];
  /** Per frame, each direction: the frame is lost and its connection dies soon after. */
  drop: number;
  /** Per push, snapshot or membership frame from a client: the relay receives it twice. */
  duplicate: number;
  /** Per frame, each direction: delivery stalls for a time drawn from stallMs. */
  stall: number;
  stallMs: readonly [number, number];
  /** Per connection: it is cut after a time drawn from cutAfterMs. */
  cut: number;
  cutAfterMs: readonly [number, number];
  /** When a connection dies: the chance that client frames in flight still reach the relay, lingerMs later. */
  linger: number;
  lingerMs: readonly [number, number];
}

export const NO_FAULTS: FaultRates = { latencyMs: [0, 0], drop: 0, duplicate: 0, stall: 0, stallMs: [0, 0], cut: 0, cutAfterMs: [0, 0], linger: 0, lingerMs: [0, 0] };

export interface ProxyStats {
  connections: number;
  refused: number;
  framesUp: number;
  framesDown: number;
  dropped: number;
  duplicated: number;
  /** Answers to duplicated pushes that the client never asked for. */
  swallowed: number;
  stalled: number;
  cuts: number;
  /** Dead connections whose in-flight client frames were still delivered to the relay. */
  lingered: number;
  /** Client frames the relay received on a dead connection after the client had opened a newer one. */
  late: number;
  /** Closes of upstream sockets as they reported them (the relay's reasons, and the proxy's own 'client gone'), and closes clients made. */
  upstreamCloses: Record<string, number>;
  clientCloses: Record<string, number>;
}

/** What the proxy saw: every frame as its sender sent it, before any fault. */
export interface FrameEvent {
  client: string;
  connection: number;
  /** 'up': client to relay; 'down': relay to client. */
  direction: 'up' | 'down';
  msg: Message;
  /** The device of the connection (from its hello), if known yet. */
  devicePk: Uint8Array | null;
}

export interface FaultProxyOptions {
  seed: number;
  rates?: FaultRates;
  /** Called for every decodable frame the proxy receives (before faults): tests record pushes and acks here. */
  onFrame?: (event: FrameEvent) => void;
}

type Rng = () => number;
const between = (rng: Rng, [lo, hi]: readonly [number, number]) => lo + Math.floor(rng() * (hi - lo + 1));

/** FNV-1a of a string, to seed a connection's PRNG from (seed, client, number). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return Buffer.from(data as ArrayBuffer);
}

/** A close code that may be sent on the wire (1005 and 1006 may not). */
const sendable = (code: number) => code === 1000 || (code >= 3000 && code <= 4999);

type Item = { data: Buffer; at: number } | { close: { code: number; reason: string }; at: number };

/** One direction of one connection: frames in order, each not before its time. */
class Lane {
  private queue: Item[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = 0;
  /** Called once the lane has nothing left (after drain() was asked for). */
  private drained: (() => void) | null = null;

  constructor(
    private readonly ready: () => boolean,
    private readonly send: (data: Buffer) => void,
    private readonly closeTarget: (code: number, reason: string) => void,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  push(data: Buffer, delayMs: number): void {
    this.add({ data, at: 0 }, delayMs);
  }

  pushClose(code: number, reason: string): void {
    this.add({ close: { code, reason }, at: 0 }, 0);
  }

  /** Everything queued arrives no earlier than `delayMs` from now (in flight on a dying connection). */
  postpone(delayMs: number): void {
    const at = Date.now() + delayMs;
    for (const item of this.queue) item.at = Math.max(item.at, at);
    this.last = Math.max(this.last, at);
    this.pump();
  }

  /** Calls `done` when the queue is empty (at once if it is). */
  drain(done: () => void): void {
    this.drained = done;
    this.pump();
  }

  clear(): void {
    this.queue = [];
    this.drained = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  pump(): void {
    if (this.timer) return;
    while (this.queue.length > 0 && this.ready()) {
      const head = this.queue[0] as Item;
      const wait = head.at - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
        return;
      }
      this.queue.shift();
      if ('data' in head) this.send(head.data);
      else return this.closeTarget(head.close.code, head.close.reason);
    }
    if (this.queue.length === 0 && this.drained) {
      const done = this.drained;
      this.drained = null;
      done();
    }
  }

  private add(item: Item, delayMs: number): void {
    // Order is kept: never before the frame in front of it.
    item.at = Math.max(this.last, Date.now() + delayMs);
    this.last = item.at;
    this.queue.push(item);
    this.pump();
  }
}

class ProxiedConnection {
  readonly up: Lane;
  readonly down: Lane;
  upstream: WebSocket | null = null;
  devicePk: Uint8Array | null = null;
  /** The client side is gone (killed, or closed by the client). */
  dead = false;
  /** Frames from this direction on are lost (a drop happened); the kill follows. */
  upLost = false;
  downLost = false;
  cutTimer: ReturnType<typeof setTimeout> | null = null;
  /** Per push (docId:devSeq): copies sent by the proxy whose answers are still to be swallowed, and answers passed. */
  readonly owed = new Map<string, number>();
  readonly answered = new Map<string, number>();

  constructor(
    readonly client: string,
    readonly number: number,
    readonly socket: WebSocket,
    /** Connection-level draws (cut, linger); each direction has its own, so a frame's fate depends only on its index. */
    readonly rng: Rng,
    readonly upRng: Rng,
    readonly downRng: Rng,
    onUpSent: (conn: ProxiedConnection) => void,
  ) {
    this.up = new Lane(
      () => this.upstream?.readyState === WebSocket.OPEN,
      (data) => {
        this.upstream?.send(data, { binary: true });
        onUpSent(this);
      },
      () => undefined,
    );
    this.down = new Lane(
      () => this.socket.readyState === WebSocket.OPEN,
      (data) => this.socket.send(data, { binary: true }),
      (code, reason) => {
        this.dead = true;
        if (sendable(code)) this.socket.close(code, reason);
        else this.socket.terminate();
      },
    );
  }
}

/** The proxy: start() it, point it at the relay with setUpstream(), give clients socketFor(name). */
export class FaultProxy {
  readonly stats: ProxyStats = { connections: 0, refused: 0, framesUp: 0, framesDown: 0, dropped: 0, duplicated: 0, swallowed: 0, stalled: 0, cuts: 0, lingered: 0, late: 0, upstreamCloses: {}, clientCloses: {} };
  private rates: FaultRates;
  private upstreamUrl: string | null = null;
  private readonly offline = new Set<string>();
  private readonly connections = new Set<ProxiedConnection>();
  private readonly counters = new Map<string, number>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly opts: FaultProxyOptions,
  ) {
    this.rates = opts.rates ?? NO_FAULTS;
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  static async start(opts: FaultProxyOptions): Promise<FaultProxy> {
    const server = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => ok());
    });
    const addr = server.address();
    if (!addr || typeof addr !== 'object') throw new Error('the proxy has no port');
    return new FaultProxy(server, addr.port, opts);
  }

  /** The http origin clients are given as their relay URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** The relay id clients expect (the origin of the proxy's WebSocket URL): start the relay with it. */
  get relayId(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The relay's ws:// /relay URL, or null while it is down (connections then fail at once). */
  setUpstream(url: string | null): void {
    this.upstreamUrl = url;
  }

  setRates(rates: FaultRates): void {
    this.rates = rates;
  }

  /** No more faults from now on (frames already stalled still arrive late) and every client online. */
  heal(): void {
    this.rates = NO_FAULTS;
    this.offline.clear();
    for (const conn of this.connections) {
      if (conn.cutTimer) clearTimeout(conn.cutTimer);
      conn.cutTimer = null;
    }
  }

  isOffline(client: string): boolean {
    return this.offline.has(client);
  }

  /** Takes a client offline (its connections die, new ones are refused) or back online. */
  setOffline(client: string, offline: boolean): void {
    if (!offline) {
      this.offline.delete(client);
      return;
    }
    this.offline.add(client);
    for (const conn of this.connections) if (conn.client === client) this.kill(conn);
  }

  /** The network fails under every connection at once (as around a relay crash). */
  killAll(): void {
    for (const conn of [...this.connections]) this.kill(conn);
  }

  /** A WebSocket class for the client `name`: the `ws` WebSocket with ?client=name on the URL. */
  socketFor(name: string): typeof WebSocket {
    return class extends WebSocket {
      constructor(url: string) {
        const u = new URL(url);
        u.searchParams.set('client', name);
        super(u.toString(), { perMessageDeflate: false });
      }
    } as unknown as typeof WebSocket;
  }

  /** Stops listening and kills every connection. */
  async close(): Promise<void> {
    this.heal();
    for (const conn of [...this.connections]) {
      conn.up.clear();
      conn.down.clear();
      conn.socket.terminate();
      conn.upstream?.terminate();
    }
    this.connections.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- connections ----------------------------------------------------------------

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const client = url.searchParams.get('client') ?? 'anonymous';
    if (url.pathname !== '/relay' || this.offline.has(client)) {
      this.stats.refused += 1;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws as WebSocket, client));
  }

  private accept(socket: WebSocket, client: string): void {
    const number = (this.counters.get(client) ?? 0) + 1;
    this.counters.set(client, number);
    const rng = (part: string) => mulberry32(hash32(`${this.opts.seed}:${client}:${number}:${part}`));
    const conn = new ProxiedConnection(client, number, socket, rng('connection'), rng('up'), rng('down'), (c) => {
      if (c.dead && (this.counters.get(c.client) ?? 0) > c.number) this.stats.late += 1;
    });
    this.connections.add(conn);
    this.stats.connections += 1;
    // Drawn first, so that a connection's fate does not depend on how many frames it saw.
    const cutRoll = conn.rng();
    const cutAfter = between(conn.rng, this.rates.cutAfterMs);
    if (cutRoll < this.rates.cut) {
      conn.cutTimer = setTimeout(() => {
        conn.cutTimer = null;
        if (this.rates.cut > 0) {
          this.stats.cuts += 1;
          this.kill(conn);
        }
      }, cutAfter);
    }
    socket.on('message', (data) => this.fromClient(conn, toBuffer(data)));
    socket.on('close', (code, reason) => this.clientClosed(conn, code, reason.toString()));
    socket.on('error', () => undefined);

    const target = this.upstreamUrl;
    if (!target) {
      // The relay is down: the connection fails like a refused TCP connect behind a load balancer.
      conn.dead = true;
      socket.terminate();
      return;
    }
    const upstream = new WebSocket(target, { perMessageDeflate: false });
    conn.upstream = upstream;
    upstream.on('open', () => conn.up.pump());
    upstream.on('message', (data) => this.fromRelay(conn, toBuffer(data)));
    upstream.on('close', (code, reason) => this.relayClosed(conn, code, reason.toString()));
    upstream.on('error', () => undefined);
  }

  private fromClient(conn: ProxiedConnection, frame: Buffer): void {
    if (conn.dead || conn.upLost) return;
    this.stats.framesUp += 1;
    const msg = this.observe(conn, 'up', frame);
    const rates = this.rates;
    const r = conn.upRng;
    const [latency, dropRoll, stallRoll, stallMs, dupRoll, dupGap] = [between(r, rates.latencyMs), r(), r(), between(r, rates.stallMs), r(), between(r, [0, 30])];
    if (dropRoll < rates.drop) return this.lose(conn, 'up');
    const stalled = stallRoll < rates.stall;
    if (stalled) this.stats.stalled += 1;
    const delay = latency + (stalled ? stallMs : 0);
    conn.up.push(frame, delay);
    if (msg && (msg.type === 'push' || msg.type === 'snapshot' || msg.type === 'membership') && dupRoll < rates.duplicate) {
      this.stats.duplicated += 1;
      conn.up.push(Buffer.from(frame), delay + dupGap);
      if (msg.type === 'push' && msg.envelope.header.type === 'update') {
        const h = msg.envelope.header;
        const key = `${h.docId}:${h.devSeq}`;
        conn.owed.set(key, (conn.owed.get(key) ?? 0) + 1);
      }
    }
  }

  private fromRelay(conn: ProxiedConnection, frame: Buffer): void {
    this.stats.framesDown += 1;
    const msg = this.observe(conn, 'down', frame);
    if (conn.dead || conn.downLost) return;
    if (msg && this.swallow(conn, msg)) return;
    const rates = this.rates;
    const r = conn.downRng;
    const [latency, dropRoll, stallRoll, stallMs] = [between(r, rates.latencyMs), r(), r(), between(r, rates.stallMs)];
    if (dropRoll < rates.drop) return this.lose(conn, 'down');
    // The handshake reply is never stalled: a late welcome is just a slow connect.
    const stalled = stallRoll < rates.stall && msg?.type !== 'welcome';
    if (stalled) this.stats.stalled += 1;
    const delay = latency + (stalled ? stallMs : 0);
    conn.down.push(frame, delay);
  }

  /** The answer to the proxy's own copy of a push: the first answer per copy passes, the next is dropped. */
  private swallow(conn: ProxiedConnection, msg: Message): boolean {
    const key =
      msg.type === 'ack' ? `${msg.docId}:${msg.devSeq}` : msg.type === 'error' && msg.ref?.kind === 'push' ? `${msg.ref.docId}:${msg.ref.devSeq}` : null;
    if (key === null) return false;
    const owed = conn.owed.get(key) ?? 0;
    const passed = conn.answered.get(key) ?? 0;
    if (owed > 0 && passed > 0) {
      conn.owed.set(key, owed - 1);
      conn.answered.set(key, passed - 1);
      this.stats.swallowed += 1;
      return true;
    }
    conn.answered.set(key, passed + 1);
    return false;
  }

  private observe(conn: ProxiedConnection, direction: 'up' | 'down', frame: Buffer): Message | null {
    const read = readMessage(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
    if (!read.ok) return null;
    const msg = read.value;
    if (msg.type === 'hello') conn.devicePk = msg.devicePk;
    this.opts.onFrame?.({ client: conn.client, connection: conn.number, direction, msg, devicePk: conn.devicePk });
    return msg;
  }

  /** A frame was lost: what follows it in that direction is lost too, and the connection dies soon. */
  private lose(conn: ProxiedConnection, direction: 'up' | 'down'): void {
    this.stats.dropped += 1;
    if (direction === 'up') conn.upLost = true;
    else conn.downLost = true;
    setTimeout(() => this.kill(conn), between(conn.rng, [0, 20]));
  }

  /**
   * The network fails under a connection: the client sees an abnormal close (1006) at once;
   * its frames in flight are lost, or (linger) still reach the relay later on the old
   * connection, which then closes.
   */
  private kill(conn: ProxiedConnection): void {
    if (conn.cutTimer) clearTimeout(conn.cutTimer);
    conn.cutTimer = null;
    if (conn.dead) return;
    conn.dead = true;
    conn.down.clear();
    conn.socket.terminate();
    const upstream = conn.upstream;
    if (!upstream) return;
    const [lingerRoll, lingerMs] = [conn.rng(), between(conn.rng, this.rates.lingerMs)];
    if (lingerRoll < this.rates.linger && conn.up.size > 0 && upstream.readyState !== WebSocket.CLOSED) {
      this.stats.lingered += 1;
      conn.up.postpone(lingerMs);
      conn.up.drain(() => upstream.close(1000, 'client gone'));
      return;
    }
    conn.up.clear();
    upstream.terminate();
  }

  /** The client closed its socket itself (stop, handshake timeout, a frame it refused). */
  private clientClosed(conn: ProxiedConnection, code: number, reason: string): void {
    if (conn.cutTimer) clearTimeout(conn.cutTimer);
    conn.cutTimer = null;
    if (conn.dead) {
      this.forget(conn);
      return;
    }
    conn.dead = true;
    const name = reason || String(code);
    this.stats.clientCloses[name] = (this.stats.clientCloses[name] ?? 0) + 1;
    conn.down.clear();
    const upstream = conn.upstream;
    if (!upstream) return this.forget(conn);
    // TCP delivers what was sent before the close.
    conn.up.drain(() => {
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) {
        if (sendable(code)) upstream.close(code, reason);
        else upstream.terminate();
      }
    });
  }

  /** The relay side closed (shutdown, a close reason, or the relay was not reachable). */
  private relayClosed(conn: ProxiedConnection, code: number, reason: string): void {
    conn.up.clear();
    const name = reason || String(code);
    this.stats.upstreamCloses[name] = (this.stats.upstreamCloses[name] ?? 0) + 1;
    if (!conn.dead && !conn.downLost) conn.down.pushClose(code, reason);
    else if (!conn.dead) this.kill(conn);
    this.forget(conn);
  }

  /** Forgets a connection once both of its sockets are closed. */
  private forget(conn: ProxiedConnection): void {
    if (conn.socket.readyState === WebSocket.CLOSED && (!conn.upstream || conn.upstream.readyState === WebSocket.CLOSED)) this.connections.delete(conn);
  }
}
