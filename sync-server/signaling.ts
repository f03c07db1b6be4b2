// y-webrtc's signaling protocol on /signal, compatible with the stock y-webrtc 10.3.0
// client (node_modules/y-webrtc/bin/server.js is the reference). JSON text messages:
//   {type:'subscribe', topics:[...]}  {type:'unsubscribe', topics:[...]}
//   {type:'publish', topic, ...}  -> sent to every subscriber of topic (sender included),
//                                    with `clients` set to the number of subscribers
//   {type:'ping'}                 -> {type:'pong'}
// Topics are room names; the payloads are signalling data that y-webrtc encrypts with the
// room password, derived from the document key, so the relay learns nothing from them.
// Unlike the stock server, malformed JSON is ignored rather than thrown, topics and
// message sizes are bounded, publishes are rate-limited, and a receiver that does not
// read is skipped (signaling is best effort; the peers retry).

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from './ws';
import type { ServerMetrics } from './metrics';
import { TokenBucket } from './rate-limit';

export interface SignalingOptions {
  maxMessageBytes: number;
  maxTopicsPerConnection: number;
  maxTopicLength: number;
  publishesPerSecond: number;
  publishBurst: number;
  /** Liveness: a connection that does not answer a ping within this period is dropped. */
  pingMs: number;
  /** Receivers buffering more than this are skipped. */
  maxBufferedBytes: number;
}

const DEFAULTS: SignalingOptions = {
  maxMessageBytes: 256 * 1024,
  maxTopicsPerConnection: 256,
  maxTopicLength: 512,
  publishesPerSecond: 50,
  publishBurst: 200,
  pingMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
};

interface Peer {
  ws: WebSocket;
  topics: Set<string>;
  alive: boolean;
  bucket: TokenBucket;
}

const isTopicList = (v: unknown): v is unknown[] => Array.isArray(v);

/** The /signal endpoint for y-webrtc peers. */
export class Signaling {
  private readonly topics = new Map<string, Set<Peer>>();
  private readonly peers = new Set<Peer>();
  private readonly wss: WebSocketServer;
  private readonly opts: SignalingOptions;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly metrics: ServerMetrics | null,
    options: Partial<SignalingOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.opts.maxMessageBytes, perMessageDeflate: false, clientTracking: false });
    this.timer = setInterval(() => this.checkAlive(), this.opts.pingMs);
    this.timer.unref();
  }

  /** Open signaling connections. */
  get connectionCount(): number {
    return this.peers.size;
  }

  /** Topics with at least one subscriber. */
  get topicCount(): number {
    return this.topics.size;
  }

  /** Takes over an HTTP upgrade request for /signal. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  /** Closes every signaling connection. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const closing = [...this.peers].map(
      (p) =>
        new Promise<void>((resolve) => {
          p.ws.once('close', () => resolve());
          p.ws.close(1001, 'server-shutting-down');
          setTimeout(() => {
            p.ws.terminate();
            resolve();
          }, 1_000).unref();
        }),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    const peer: Peer = { ws, topics: new Set(), alive: true, bucket: new TokenBucket(this.opts.publishesPerSecond, this.opts.publishBurst, Date.now()) };
    this.peers.add(peer);
    ws.on('pong', () => {
      peer.alive = true;
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      for (const topic of peer.topics) this.leave(peer, topic);
      this.peers.delete(peer);
    });
    ws.on('message', (data) => {
      peer.alive = true;
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        this.metrics?.signalingMessages.inc({ type: 'malformed' });
        return;
      }
      this.onMessage(peer, message);
    });
  }

  private onMessage(peer: Peer, message: unknown): void {
    if (typeof message !== 'object' || message === null || !('type' in message)) return;
    const m = message as { type: unknown; topics?: unknown; topic?: unknown };
    switch (m.type) {
      case 'subscribe':
        this.metrics?.signalingMessages.inc({ type: 'subscribe' });
        if (isTopicList(m.topics)) for (const t of m.topics) if (this.validTopic(t) && peer.topics.size < this.opts.maxTopicsPerConnection) this.join(peer, t);
        return;
      case 'unsubscribe':
        this.metrics?.signalingMessages.inc({ type: 'unsubscribe' });
        if (isTopicList(m.topics)) for (const t of m.topics) if (typeof t === 'string') this.leave(peer, t);
        return;
      case 'publish': {
        if (!this.validTopic(m.topic)) return;
        if (!peer.bucket.take(Date.now())) {
          this.metrics?.signalingMessages.inc({ type: 'rate-limited' });
          return;
        }
        this.metrics?.signalingMessages.inc({ type: 'publish' });
        const receivers = this.topics.get(m.topic);
        if (!receivers) return;
        const out = JSON.stringify({ ...message, clients: receivers.size });
        for (const r of receivers) if (r.ws.readyState === WebSocket.OPEN && r.ws.bufferedAmount < this.opts.maxBufferedBytes) r.ws.send(out);
        return;
      }
      case 'ping':
        this.metrics?.signalingMessages.inc({ type: 'ping' });
        if (peer.ws.readyState === WebSocket.OPEN) peer.ws.send(JSON.stringify({ type: 'pong' }));
        return;
      default:
        this.metrics?.signalingMessages.inc({ type: 'unknown' });
    }
  }

  private validTopic(t: unknown): t is string {
    return typeof t === 'string' && t.length > 0 && t.length <= this.opts.maxTopicLength;
  }

  private join(peer: Peer, topic: string): void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(peer);
    peer.topics.add(topic);
  }

  private leave(peer: Peer, topic: string): void {
    const set = this.topics.get(topic);
    set?.delete(peer);
    if (set?.size === 0) this.topics.delete(topic);
    peer.topics.delete(topic);
  }

  private checkAlive(): void {
    for (const peer of this.peers) {
      if (!peer.alive) {
        peer.ws.terminate();
        continue;
      }
      peer.alive = false;
      peer.ws.ping();
    }
  }
}
