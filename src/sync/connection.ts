// One logical connection to the relay, reconnecting as needed: the WebSocket state machine
// (connecting -> hello sent -> ready), the hello/welcome/auth handshake with the relay id
// check, and reconnects with exponential backoff and jitter. Close reasons that mean "fix
// the client" (unauthorized, unsupported version, a frame one side got wrong) stop it and
// are reported instead of retried forever.

import { type Bytes } from './codec-bytes';
import { readMessage, writeMessage } from './codec';
import type { DeviceKeys } from './crypto';
import { type BackoffOptions, DEFAULT_BACKOFF, backoffDelay } from './backoff';
import {
  type ClientMessage,
  type RelayLimits,
  type RelayMessage,
  CLOSE_REASONS,
  LIMITS,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  closeReasonOf,
  isRetryableClose,
} from './protocol';
import { answerChallenge } from './protocol-auth';
import type { ConnectionStatus, SyncIssue } from './sync-status';

/** What the client needs of a WebSocket; the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ConnectionOptions {
  /** ws:// or wss:// URL of the relay endpoint. */
  url: string;
  /** The relay id the welcome must name (the origin of the URL): binds the auth proof to this relay. */
  relayId: string;
  device: DeviceKeys;
  WebSocket: WebSocketConstructor;
  backoff?: BackoffOptions;
  /** A connection open this long counts as stable: the next failure starts the backoff from the beginning. */
  stableMs?: number;
  /** No welcome within this long: give up on this socket and retry. */
  handshakeMs?: number;
  now?: () => number;
  onStatus(status: ConnectionStatus): void;
  /** Authenticated: subscriptions and pushes may be sent (the relay handles frames in order). */
  onReady(limits: RelayLimits): void;
  onMessage(msg: RelayMessage): void;
  /** The socket is gone; everything in flight must be sent again on the next onReady. */
  onDisconnect(): void;
}

type Phase = 'idle' | 'opening' | 'hello-sent' | 'ready';

export class RelayConnection {
  private socket: WebSocketLike | null = null;
  private phase: Phase = 'idle';
  private running = false;
  private attempt = 0;
  private readySince = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  private version = PROTOCOL_VERSION;
  private relayLimits: RelayLimits = { maxFrameBytes: LIMITS.maxFrameBytes, maxSubscriptions: LIMITS.maxSubscriptions, pushesPerSecond: LIMITS.pushesPerSecond };

  constructor(private readonly opts: ConnectionOptions) {}

  private get now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** The limits the relay announced (the protocol defaults before the first welcome). */
  get limits(): RelayLimits {
    return this.relayLimits;
  }

  get ready(): boolean {
    return this.phase === 'ready';
  }

  /** Bytes the socket has not written yet (0 when not connected). */
  get buffered(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  /** Connects, and keeps reconnecting until stop() or a stop reason. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.open();
  }

  /** Closes and stops reconnecting. */
  stop(): void {
    this.running = false;
    this.clearTimers();
    this.drop(1000, 'client stopped');
    this.opts.onStatus({ state: 'offline', retryAt: null });
  }

  /** Skips the current backoff wait (the browser says it is online again). */
  retryNow(): void {
    if (!this.running || this.socket || !this.retryTimer) return;
    this.clearTimers();
    this.open();
  }

  /** Sends a message; false when not connected or the frame is over the relay's limit. */
  send(msg: ClientMessage): boolean {
    if (this.phase !== 'ready' || !this.socket) return false;
    const frame = writeMessage(msg, this.version);
    if (frame.length > this.relayLimits.maxFrameBytes) return false;
    this.socket.send(frame);
    return true;
  }

  private open(): void {
    this.opts.onStatus({ state: 'connecting' });
    let socket: WebSocketLike;
    try {
      socket = new this.opts.WebSocket(this.opts.url);
    } catch {
      // A URL the platform refuses is configuration, not a network failure.
      this.halt({ code: 'relay-error', error: 'invalid-relay-url' });
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.phase = 'opening';
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      // hello is always version 1 so that any client can negotiate with any relay.
      socket.send(writeMessage({ type: 'hello', protocolVersions: [...SUPPORTED_PROTOCOL_VERSIONS], devicePk: this.opts.device.publicKey }, 1));
      this.phase = 'hello-sent';
    });
    socket.addEventListener('message', (event) => {
      if (this.socket === socket) void this.receive(socket, event.data);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket === socket) this.closed(event.code, event.reason);
    });
    socket.addEventListener('error', () => {
      // A 'close' event always follows; the retry is decided there.
    });
    this.handshakeTimer = setTimeout(() => {
      if (this.socket === socket && this.phase !== 'ready') this.drop(1000, 'handshake timeout', true);
    }, this.opts.handshakeMs ?? 15_000);
  }

  private async receive(socket: WebSocketLike, data: unknown): Promise<void> {
    const bytes = toBytes(data);
    const read = bytes ? readMessage(bytes) : null;
    if (!read?.ok) return this.protocolError(`bad frame from relay${read ? `: ${read.error.code} at ${read.error.field}` : ''}`);
    const msg = read.value;
    if (this.phase === 'hello-sent') {
      if (msg.type !== 'welcome') return this.protocolError(`expected welcome, got ${msg.type}`);
      if (msg.relayId !== this.opts.relayId) {
        this.drop(1000, 'wrong relay');
        return this.halt({ code: 'wrong-relay' });
      }
      const signature = await answerChallenge(this.opts.device, msg);
      if (this.socket !== socket) return;
      this.version = msg.protocolVersion;
      this.relayLimits = msg.limits;
      socket.send(writeMessage({ type: 'auth', signature }, this.version));
      this.phase = 'ready';
      this.readySince = this.now;
      if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
      this.handshakeTimer = null;
      this.opts.onStatus({ state: 'connected', since: this.readySince });
      this.opts.onReady(msg.limits);
      return;
    }
    if (this.phase !== 'ready') return;
    if (msg.type === 'welcome' || !isRelayMessage(msg)) return this.protocolError(`unexpected ${msg.type}`);
    this.opts.onMessage(msg);
  }

  private protocolError(reason: string): void {
    // The relay sent something this client cannot read: a bug on one side. Reconnecting
    // is still right (it may be a relay being upgraded), but with backoff.
    this.opts.onStatus({ state: 'error', issue: { code: 'protocol-error', reason } });
    this.drop(CLOSE_REASONS['bad-frame'], 'bad-frame', true);
  }

  private closed(code: number, reason: string): void {
    const wasReady = this.phase === 'ready';
    this.socket = null;
    this.phase = 'idle';
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    if (wasReady) this.opts.onDisconnect();
    if (!this.running) return;
    const named = closeReasonOf(code);
    if (named && !isRetryableClose(named)) {
      const issue: SyncIssue =
        named === 'unauthorized' ? { code: 'unauthorized' } : named === 'protocol-version-unsupported' ? { code: 'version-unsupported', side: 'client' } : { code: 'protocol-error', reason: named };
      return this.halt(issue);
    }
    if (wasReady && this.now - this.readySince >= (this.opts.stableMs ?? 10_000)) this.attempt = 0;
    this.scheduleRetry(reason);
  }

  private scheduleRetry(_reason: string): void {
    const delay = backoffDelay(this.attempt, this.opts.backoff ?? DEFAULT_BACKOFF);
    this.attempt += 1;
    this.opts.onStatus({ state: 'offline', retryAt: this.now + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running) this.open();
    }, delay);
  }

  /** Stops for a reason that retrying cannot fix. */
  private halt(issue: SyncIssue): void {
    this.running = false;
    this.clearTimers();
    this.opts.onStatus({ state: 'error', issue });
  }

  /** Closes the current socket; `retry` treats it like a close by the relay. */
  private drop(code: number, reason: string, retry = false): void {
    const socket = this.socket;
    if (!socket) return;
    const wasReady = this.phase === 'ready';
    this.socket = null;
    this.phase = 'idle';
    try {
      socket.close(code, reason);
    } catch {
      // Already closing: nothing to do.
    }
    if (wasReady) this.opts.onDisconnect();
    if (retry && this.running) {
      if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
      this.handshakeTimer = null;
      this.scheduleRetry(reason);
    }
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.retryTimer = null;
    this.handshakeTimer = null;
  }
}

function toBytes(data: unknown): Bytes | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  // Node's ws hands out Buffers unless binaryType took effect; copy into a plain ArrayBuffer.
  if (data instanceof Uint8Array) return new Uint8Array(data);
  return null;
}

// Every relay message type but the handshake's; a Record, so a new type cannot be forgotten here.
const RELAY_TYPES: Record<Exclude<RelayMessage['type'], 'welcome'>, true> = { ack: true, 'snapshot-ack': true, updates: true, durable: true, 'snapshot-offer': true, membership: true, ephemeral: true, error: true };

function isRelayMessage(msg: { type: string }): msg is RelayMessage {
  return Object.hasOwn(RELAY_TYPES, msg.type);
}
