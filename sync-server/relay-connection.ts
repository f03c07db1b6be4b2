// One relay connection: its place in the handshake, its device, its subscriptions and its
// send path. Kept to a few fields (maps are created on first use) because a relay holds
// thousands of idle connections; the timers live in the relay's single sweep, not here.

import { WebSocket } from './ws';
import { type Bytes, toHex } from '../src/sync/codec-bytes';
import { writeMessage } from '../src/sync/codec';
import { CLOSE_REASONS, type CircleId, type CloseReason, type DocId, type ErrorCode, type ErrorRef, type RelayMessage } from '../src/sync/protocol';
import type { ServerMetrics } from './metrics';
import { TokenBucket } from './rate-limit';
import type { VerifyKey } from './verify';
import { wsBinaryFrame } from './ws-frame';

export type ConnectionState = 'awaiting-hello' | 'awaiting-auth' | 'authenticating' | 'ready' | 'closed';

/**
 * A document subscription. Phases: send the membership links the client lacks, then the
 * snapshot offer if its cursor is older, then catch-up pages, then live updates. A live
 * subscriber whose socket backs up drops back to 'pages' and is caught up from storage.
 */
export interface Subscription {
  readonly docId: DocId;
  readonly circleId: CircleId;
  readonly sinceSeq: number;
  phase: 'membership' | 'offer' | 'pages' | 'live';
  /** The highest seq sent (or covered by the snapshot offered). */
  sentThrough: number;
  /** Protocol 3: the durable watermark last sent ('updates' carry one, 'durable' frames too). */
  toldDurable: number;
  /** Whether a page with more: false was sent since subscribing (the "caught up" signal). */
  announced: boolean;
  /** A member that writes this document without reading it: membership only, never its content. */
  writeOnly: boolean;
}

/** What a connection needs from its relay. */
export interface ConnectionHost {
  readonly metrics: ServerMetrics;
  /** The socket wrote something out: there may be room for more catch-up pages. */
  onWritable(conn: Connection): void;
  /** Called before each frame is sent (the relay may cork the socket to join frames into one write). */
  willSend(conn: Connection): void;
}

/** The relay's state for one WebSocket. */
export class Connection {
  state: ConnectionState = 'awaiting-hello';
  /** The negotiated protocol version (byte 0 of every frame after welcome). */
  version = 1;
  devicePk: Bytes | null = null;
  /** devicePk in hex, computed on first use (see deviceHex). */
  private hex = '';
  /** devicePk imported for signature checks, at hello: every envelope of this connection is signed by it. */
  verifyKey: VerifyKey | null = null;
  challenge: Bytes | null = null;
  relayId = '';
  readonly openedAt: number;
  lastHeard: number;
  lastPinged = 0;
  /** Non-handshake frames received before authentication. */
  preAuthFrames = 0;
  /** Subscriptions refused for the document limit in a row. */
  strikes = 0;
  readonly bucket: TokenBucket;
  subs: Map<DocId, Subscription> | null = null;
  /** Per circle, the newest membership version this client has (claimed or been sent). */
  membershipSent: Map<CircleId, number> | null = null;
  pumpQueue: Subscription[] | null = null;
  pumping = false;
  /** Frames received and not yet handled; above the limit the socket is paused. */
  queued = 0;
  /** The in-order handling chain: frames are applied one after another. */
  tail: Promise<void> = Promise.resolve();
  /** Whether the socket is corked until the relay's current fan-out has been sent (Relay.willSend). */
  corked = false;
  /** When the send buffer last rose above the low-water mark without draining (0: not behind). */
  behindSince = 0;
  behindBytes = 0;
  private readonly afterSend: (err?: Error | null) => void;

  constructor(
    readonly ws: RelaySocket,
    private readonly host: ConnectionHost,
    now: number,
    rate: number,
    burst: number,
  ) {
    this.openedAt = now;
    this.lastHeard = now;
    this.bucket = new TokenBucket(rate, burst, now);
    // One closure per connection, not per frame.
    this.afterSend = () => this.host.onWritable(this);
  }

  /** devicePk in lower-case hex, computed once (the relay's maps are keyed by it). */
  get deviceHex(): string {
    if (!this.hex && this.devicePk) this.hex = toHex(this.devicePk);
    return this.hex;
  }

  /** True while frames can still be sent. */
  get open(): boolean {
    return this.state !== 'closed' && this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes queued in user space and the socket, not yet written to the network. */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  /** Sends one relay frame as is. */
  send(frame: Uint8Array): void {
    if (this.open) this.sendFramed(wsBinaryFrame(frame), frame.length);
  }

  /**
   * Sends a relay frame already framed for WebSocket (wsBinaryFrame): a fan-out frames a
   * page once for all its subscribers. `bytes`: the relay frame's own length, for metrics.
   */
  sendFramed(framed: Buffer, bytes: number): void {
    if (!this.open) return;
    this.host.metrics.bytesOut.inc(undefined, bytes);
    this.host.willSend(this);
    // The write callback wakes the catch-up pump. It is needed only while a pump runs or
    // waits, or while earlier bytes are still buffered (a live subscriber that falls behind
    // goes back to catch-up then); skipping it saves the bookkeeping on every other frame.
    const wake = this.pumping || this.pumpQueue?.length || this.ws.bufferedAmount > 0 ? this.afterSend : undefined;
    this.ws.writeFramed(framed, wake);
  }

  /** Encodes and sends a message in the negotiated version. */
  sendMessage(msg: RelayMessage): void {
    this.send(writeMessage(msg, this.version));
  }

  /** Sends an error frame; the connection stays open. */
  sendError(code: ErrorCode, message?: string, ref?: ErrorRef): void {
    this.host.metrics.errorsSent.inc({ code });
    this.sendMessage({ type: 'error', code, ...(message !== undefined && { message }), ...(ref && { ref }) });
  }

  /** Closes with a named reason (never a bare number); idempotent. */
  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.host.metrics.closes.inc({ reason });
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(CLOSE_REASONS[reason], reason);
    // A peer that never answers the closing handshake must not hold the socket.
    const socket = this.ws;
    setTimeout(() => socket.terminate(), 5_000).unref();
  }

  /** The subscription map, created on first use. */
  subscriptions(): Map<DocId, Subscription> {
    if (!this.subs) this.subs = new Map();
    return this.subs;
  }

  /** Whether this connection is subscribed to any document of the circle. */
  inCircle(circleId: CircleId): boolean {
    if (!this.subs) return false;
    for (const sub of this.subs.values()) if (sub.circleId === circleId) return true;
    return false;
  }
}

/**
 * The WebSocket class the relay's server uses. ws closes a connection by itself with a
 * bare 1009 when a frame exceeds maxPayload, and with 1002/1007 for protocol-level
 * garbage; Paceline names every close reason, so those become 'frame-too-large' and
 * 'bad-frame'.
 */
export class RelaySocket extends WebSocket {
  /**
   * Holds this socket's writes until uncork(), so several frames leave in one system call.
   * ws has no API for it; its TCP socket (`_socket`, stable since ws 1) has. False when
   * there is no socket to cork.
   */
  cork(): boolean {
    const socket = (this as unknown as { _socket?: { cork(): void } | null })._socket;
    if (!socket) return false;
    socket.cork();
    return true;
  }

  /** Sends what cork() held. */
  uncork(): void {
    (this as unknown as { _socket?: { uncork(): void } | null })._socket?.uncork();
  }

  /**
   * Writes a complete WebSocket frame (ws-frame.ts) to the TCP socket, in order with what
   * ws itself writes (pings, close). Safe because the relay never enables permessage-deflate,
   * the only case in which ws queues frames of its own instead of writing them at once.
   */
  writeFramed(framed: Buffer, cb?: (err?: Error | null) => void): void {
    const socket = (this as unknown as { _socket?: { write(b: Buffer, cb?: (err?: Error | null) => void): boolean } | null })._socket;
    if (socket) return void socket.write(framed, cb);
    // Should ws ever rename its socket field: unwrap the payload and let ws frame it again.
    const length7 = (framed[1] as number) & 0x7f;
    this.send(framed.subarray(length7 === 127 ? 10 : length7 === 126 ? 4 : 2), { binary: true }, cb ?? undefined);
  }

  override close(code?: number, data?: string | Buffer): void {
    if (code === 1009) return super.close(CLOSE_REASONS['frame-too-large'], 'frame-too-large');
    if (code === 1002 || code === 1007) return super.close(CLOSE_REASONS['bad-frame'], 'bad-frame');
    super.close(code, data);
  }
}
