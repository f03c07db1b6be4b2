// Relay configuration: the protocol limits it announces (never above LIMITS), the
// timeouts of its connection state machine, and the backpressure thresholds that keep one
// slow reader from holding memory or stalling others.

import { LIMITS } from '../src/sync/protocol';
import { VerifyPool } from './verify-pool';

export interface RelayLimitsConfig {
  /** Largest frame accepted; larger ones close with 'frame-too-large'. Announced in welcome. */
  maxFrameBytes: number;
  /** Documents one connection may subscribe to. Announced in welcome. */
  maxSubscriptions: number;
  /** Sustained pushes (update, snapshot, ephemeral) per second per connection. Announced in welcome. */
  pushesPerSecond: number;
  pushBurst: number;
  /** A catch-up page stops before this many envelope bytes. */
  pageBytes: number;
  /** Envelopes one device may seal per document and key epoch ('key-budget-exhausted' after). */
  sealsPerDeviceAndEpoch: number;
  /** Refused requests in a row (rate limit, too many documents) after which the connection is closed. */
  abuseStrikes: number;
  /** Frames before authentication, other than hello and auth, after which the connection is closed. */
  framesBeforeAuth: number;
  /** Frames received but not yet handled, per connection, above which the relay stops reading the socket. */
  maxQueuedFrames: number;
}

export interface RelayTimeouts {
  /** From connection to a verified auth. */
  authMs: number;
  /** Nothing received (frames or pongs) for this long closes the connection with 'idle-timeout'. */
  idleMs: number;
  /** WebSocket pings, which browsers answer by themselves; they keep a live but quiet client from looking idle. */
  pingMs: number;
  /** A send buffer that stays above the low-water mark without draining for this long closes with 'too-slow'. */
  tooSlowMs: number;
  /** How often timeouts and slow readers are checked (one timer for all connections). */
  sweepMs: number;
  /** How often snapshots past the retention period are looked for. */
  retentionSweepMs: number;
}

export interface BackpressureConfig {
  /** Catch-up pages and snapshot offers are sent only while the socket buffers less than this. */
  lowWaterBytes: number;
  /** Above this, live updates are no longer buffered: the subscriber is caught up from storage once it drains. */
  highWaterBytes: number;
  /** Above this the reader is far behind and is closed with 'too-slow' at once. */
  maxBufferedBytes: number;
}

export interface RelayOptions {
  /**
   * The relay's id as clients expect it: the origin of the WebSocket URL they connect to
   * (e.g. 'wss://relay.example.org'). Set it in production: the default, taken from the
   * Host header, lets a client that forges Host choose the id, which weakens the binding
   * of the auth proof to this relay.
   */
  relayId?: string;
  limits?: Partial<RelayLimitsConfig>;
  timeouts?: Partial<RelayTimeouts>;
  backpressure?: Partial<BackpressureConfig>;
  /** How long covered updates are kept after a snapshot that no second device confirmed (default 28 days). */
  retentionMs?: number;
  /** Worker threads for signature checks (verify-pool.ts); 0 checks on the main thread. Default: one per core but one. */
  verifyThreads?: number;
}

export interface ResolvedRelayOptions {
  relayId: string | null;
  limits: RelayLimitsConfig;
  timeouts: RelayTimeouts;
  backpressure: BackpressureConfig;
  retentionMs: number;
  verifyThreads: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** Fills in defaults and clamps limits to the protocol's (a relay may only lower them); throws on an unusable relayId (a configuration error). */
export function resolveRelayOptions(o: RelayOptions = {}): ResolvedRelayOptions {
  // welcome carries the id as string(maxTextBytes), non-empty.
  if (o.relayId !== undefined && (o.relayId.length === 0 || new TextEncoder().encode(o.relayId).length > LIMITS.maxTextBytes)) {
    throw new RangeError(`relayId must be 1 to ${LIMITS.maxTextBytes} bytes`);
  }
  const l = o.limits ?? {};
  const limits: RelayLimitsConfig = {
    // The welcome decoder refuses a frame limit below 1 KiB.
    maxFrameBytes: Math.max(1024, Math.min(l.maxFrameBytes ?? LIMITS.maxFrameBytes, LIMITS.maxFrameBytes)),
    maxSubscriptions: Math.max(1, Math.min(l.maxSubscriptions ?? LIMITS.maxSubscriptions, LIMITS.maxSubscriptions)),
    pushesPerSecond: Math.max(1, l.pushesPerSecond ?? LIMITS.pushesPerSecond),
    pushBurst: Math.max(1, l.pushBurst ?? LIMITS.pushBurst),
    pageBytes: 0,
    sealsPerDeviceAndEpoch: Math.max(1, Math.min(l.sealsPerDeviceAndEpoch ?? LIMITS.sealsPerDeviceAndEpoch, LIMITS.sealsPerDeviceAndEpoch)),
    abuseStrikes: Math.max(1, l.abuseStrikes ?? 200),
    framesBeforeAuth: Math.max(1, l.framesBeforeAuth ?? 16),
    maxQueuedFrames: Math.max(1, l.maxQueuedFrames ?? 64),
  };
  // A page also carries a seq per item and the frame header: half the frame limit leaves room.
  limits.pageBytes = Math.max(1, Math.min(l.pageBytes ?? LIMITS.pageBytes, LIMITS.pageBytes, Math.floor(limits.maxFrameBytes / 2)));
  const t = o.timeouts ?? {};
  const timeouts: RelayTimeouts = {
    authMs: t.authMs ?? 10_000,
    idleMs: t.idleMs ?? 90_000,
    pingMs: t.pingMs ?? 30_000,
    tooSlowMs: t.tooSlowMs ?? 60_000,
    sweepMs: t.sweepMs ?? 1_000,
    retentionSweepMs: t.retentionSweepMs ?? 60 * 60 * 1000,
  };
  const b = o.backpressure ?? {};
  const lowWaterBytes = b.lowWaterBytes ?? limits.pageBytes;
  const backpressure: BackpressureConfig = {
    lowWaterBytes,
    highWaterBytes: Math.max(lowWaterBytes, b.highWaterBytes ?? 1024 * 1024),
    maxBufferedBytes: Math.max(lowWaterBytes, b.maxBufferedBytes ?? 2 * limits.maxFrameBytes + 1024 * 1024),
  };
  const verifyThreads = Math.max(0, Math.min(16, Math.floor(o.verifyThreads ?? VerifyPool.defaultThreads())));
  return { relayId: o.relayId ?? null, limits, timeouts, backpressure, retentionMs: o.retentionMs ?? 28 * DAY, verifyThreads };
}
