// The connection state machine and per-message handling.
//
//   awaiting-hello --hello--> awaiting-auth --auth--> authenticating --verified--> ready
//
// Every frame is size-limited by the socket (maxPayload), decoded strictly (readMessage
// never throws), and then handled IN ORDER per connection, checks included: a push is
// judged (membership gate, signature) only after every earlier frame of its connection has
// taken effect, so a push right behind the membership that adds its device, or behind
// auth, is judged by it. Other connections do not wait. Acknowledgements wait for the
// durable commit without holding up the next frame, so a connection's pushes of one turn
// share one transaction. Frames piling up beyond maxQueuedFrames pause the socket.

import { type Bytes, bytesEqual } from '../src/sync/codec-bytes';
import { readMessage } from '../src/sync/codec';
import { CHALLENGE_BYTES, type ClientMessage, type ErrorRef, type Message, SUPPORTED_PROTOCOL_VERSIONS, assertNever } from '../src/sync/protocol';
import { randomBytes } from '../src/sync/crypto';
import { type EnvelopeHeader, type EphemeralHeader, type SealedEnvelope, type SnapshotHeader, type UpdateHeader, envelopeSignedBytes } from '../src/sync/protocol-envelope';
import { verifyChallengeAnswer } from '../src/sync/protocol-auth';
import { envelopeHashOf, signedBytesOf } from './envelope-bytes';
import { ackFrame } from './frames';
import type { Logger } from './log';
import type { MembershipCache } from './membership-cache';
import type { ServerMetrics } from './metrics';
import type { Connection } from './relay-connection';
import type { CheckedEnvelope, DocService } from './relay-docs';
import type { ResolvedRelayOptions } from './relay-options';
import type { Subscriptions } from './relay-subscriptions';
import { verifyKeyOf, verifyWithKey } from './verify';
import type { VerifyPool } from './verify-pool';

const NO_HASH = new Uint8Array(0);
const STORED = { result: 'stored' } as const;
const DUPLICATE = { result: 'duplicate' } as const;
// Where a push's time goes, from its frame to its ack (paceline_relay_push_seconds).
const STAGE_CHECK = { stage: 'check' } as const;
const STAGE_DECIDED = { stage: 'decided' } as const;
const STAGE_ACKED = { stage: 'acked' } as const;

const CLIENT_TYPES = new Set<Message['type']>(['hello', 'auth', 'subscribe', 'unsubscribe', 'push', 'snapshot', 'snapshot-confirm', 'membership', 'ephemeral']);
const isClientMessage = (m: Message): m is ClientMessage => CLIENT_TYPES.has(m.type);

/** What an error about this request refers to. */
function refOf(msg: ClientMessage): ErrorRef | undefined {
  switch (msg.type) {
    case 'push': {
      const h = msg.envelope.header;
      return h.type === 'update' ? { kind: 'push', docId: h.docId, devSeq: h.devSeq } : { kind: 'doc', docId: h.docId };
    }
    case 'snapshot':
    case 'ephemeral':
      return { kind: 'doc', docId: msg.envelope.header.docId };
    case 'subscribe':
    case 'unsubscribe':
    case 'snapshot-confirm':
      return { kind: 'doc', docId: msg.docId };
    case 'membership': {
      const first = msg.chain[0];
      return first && { kind: 'membership', circleId: first.body.circleId, version: first.body.version };
    }
    case 'hello':
    case 'auth':
      return undefined;
    default:
      return assertNever(msg);
  }
}

/** Decodes each frame and routes it through the connection's state machine. */
export class FrameHandler {
  constructor(
    private readonly opts: ResolvedRelayOptions,
    private readonly docs: DocService,
    private readonly memberships: MembershipCache,
    private readonly subscriptions: Subscriptions,
    private readonly metrics: ServerMetrics,
    private readonly log: Logger,
    private readonly now: () => number,
    /** Signature checks on worker threads; null: on this thread. */
    private readonly verifier: VerifyPool | null = null,
  ) {}

  /** Handles one received WebSocket message. */
  onFrame(conn: Connection, data: Buffer, isBinary: boolean): void {
    conn.lastHeard = this.now();
    this.metrics.bytesIn.inc(undefined, data.length);
    if (conn.state === 'closed') return;
    if (!isBinary) return this.badFrame(conn, 'text-frame');
    const read = readMessage(data);
    if (!read.ok) return this.badFrame(conn, read.error.code);
    const msg = read.value;
    // hello is always sent as version 1 (its layout is frozen); everything after it in the negotiated version.
    const expected = conn.state === 'awaiting-hello' ? 1 : conn.version;
    if (!isClientMessage(msg) || data[0] !== expected) return this.badFrame(conn, 'unexpected-message');
    switch (conn.state) {
      case 'awaiting-hello':
        return msg.type === 'hello' ? this.hello(conn, msg.protocolVersions, msg.devicePk) : this.badFrame(conn, 'expected-hello');
      case 'awaiting-auth':
        if (msg.type === 'hello') return this.badFrame(conn, 'second-hello');
        if (msg.type === 'auth') {
          conn.state = 'authenticating';
          // Pipelined pushes are checked only after this: once the device is known to be who it says.
          return this.enqueue(conn, msg, () => this.auth(conn, msg.signature));
        }
        // Refused, but the connection stays open: the auth frame may simply be late.
        if (++conn.preAuthFrames > this.opts.limits.framesBeforeAuth) return conn.close('unauthorized');
        return conn.sendError('not-authenticated', 'send auth first', refOf(msg));
      case 'authenticating':
      case 'ready':
        if (msg.type === 'hello' || msg.type === 'auth') return this.badFrame(conn, 'second-handshake');
        return this.request(conn, msg, data);
    }
  }

  private badFrame(conn: Connection, code: string): void {
    this.metrics.framesRejected.inc({ code });
    conn.close('bad-frame');
  }

  private hello(conn: Connection, offered: number[], devicePk: Bytes): void {
    const common = offered.filter((v) => SUPPORTED_PROTOCOL_VERSIONS.includes(v));
    if (common.length === 0) return conn.close('protocol-version-unsupported');
    conn.version = Math.max(...common);
    conn.devicePk = devicePk;
    // Imported once: every envelope this connection sends must be signed by this key.
    conn.verifyKey = verifyKeyOf(devicePk);
    conn.challenge = randomBytes(CHALLENGE_BYTES);
    conn.state = 'awaiting-auth';
    const { maxFrameBytes, maxSubscriptions, pushesPerSecond } = this.opts.limits;
    conn.sendMessage({ type: 'welcome', protocolVersion: conn.version, relayId: conn.relayId, challenge: conn.challenge, serverTime: this.now(), limits: { maxFrameBytes, maxSubscriptions, pushesPerSecond } });
  }

  private async auth(conn: Connection, signature: Bytes): Promise<void> {
    const { devicePk, challenge } = conn;
    if (!devicePk || !challenge) return conn.close('unauthorized');
    const ok = await verifyChallengeAnswer(devicePk, { protocolVersion: conn.version, relayId: conn.relayId, challenge }, signature);
    if (conn.state !== 'authenticating') return;
    if (!ok) return conn.close('unauthorized');
    conn.challenge = null;
    conn.state = 'ready';
  }

  private request(conn: Connection, msg: Exclude<ClientMessage, { type: 'hello' | 'auth' }>, frame: Buffer): void {
    switch (msg.type) {
      case 'push':
      case 'snapshot':
      case 'ephemeral': {
        if (!conn.bucket.take(this.now())) {
          this.metrics.pushesRejected.inc({ code: 'rate-limited' });
          if (conn.bucket.refusedInARow >= this.opts.limits.abuseStrikes) return conn.close('rate-limited');
          return this.enqueue(conn, msg, () => conn.sendError('rate-limited', `at most ${this.opts.limits.pushesPerSecond} per second`, refOf(msg)));
        }
        // The connection's authenticated device signs what it sends; this refusal costs no signature check.
        if (!conn.devicePk || !bytesEqual(conn.devicePk, msg.envelope.header.devicePk)) {
          this.metrics.pushesRejected.inc({ code: 'unknown-signer' });
          return this.enqueue(conn, msg, () => conn.sendError('unknown-signer', "sign with this connection's device key", refOf(msg)));
        }
        // The codec already matched envelope type to message type; this narrows it for the compiler.
        const { header } = msg.envelope;
        // The signature check starts now, on a worker thread when there is one, so the frames a
        // connection pipelines are checked together and their pushes still commit together.
        if (msg.type === 'push' && header.type === 'update') {
          const received = performance.now();
          const signing = this.startCheck(conn, msg.envelope, frame);
          return this.enqueue(conn, msg, async () => {
            const checked = await this.check(conn, { ...msg.envelope, header }, signing, true);
            this.stageDone(received, STAGE_CHECK);
            return this.push(conn, checked, refOf(msg), received);
          });
        }
        if (msg.type === 'snapshot' && header.type === 'snapshot') {
          const signing = this.startCheck(conn, msg.envelope, frame);
          return this.enqueue(conn, msg, async () => this.snapshot(conn, await this.check(conn, { ...msg.envelope, header }, signing, true)));
        }
        if (msg.type === 'ephemeral' && header.type === 'ephemeral') {
          const signing = this.startCheck(conn, msg.envelope, frame);
          return this.enqueue(conn, msg, async () => this.ephemeral(conn, await this.check(conn, { ...msg.envelope, header }, signing, false), frame));
        }
        return this.badFrame(conn, 'envelope-type');
      }
      case 'subscribe':
        return this.enqueue(conn, msg, () => this.subscriptions.subscribe(conn, msg));
      case 'unsubscribe':
        return this.enqueue(conn, msg, () => this.subscriptions.unsubscribe(conn, msg.docId));
      case 'snapshot-confirm':
        return this.enqueue(conn, msg, () => this.confirm(conn, msg));
      case 'membership':
        // Each link costs a signature check: a link takes a push token.
        if (!conn.bucket.take(this.now(), msg.chain.length)) {
          this.metrics.pushesRejected.inc({ code: 'rate-limited' });
          if (conn.bucket.refusedInARow >= this.opts.limits.abuseStrikes) return conn.close('rate-limited');
          return this.enqueue(conn, msg, () => conn.sendError('rate-limited', `at most ${this.opts.limits.pushesPerSecond} per second`, refOf(msg)));
        }
        return this.enqueue(conn, msg, () => this.membership(conn, msg.chain));
      default:
        return assertNever(msg);
    }
  }

  /**
   * The membership gate, the envelope hash and the signature check's result, at the frame's
   * turn. The check itself ran on a worker thread since the frame arrived (verify-pool.ts), or
   * runs here, synchronously, without one (verify.ts); the signed bytes and the hash come
   * straight from the frame (envelope-bytes.ts). The envelope is signed by this connection's
   * device (request() checked), whose key was imported at hello.
   */
  /**
   * The envelope's bytes and signed bytes, and its signature check started on a worker thread
   * (null without a pool: check() then checks inline, at the frame's turn).
   */
  private startCheck(conn: Connection, env: SealedEnvelope, frame: Buffer): { bytes: Uint8Array; signed: Uint8Array; verifying: Promise<boolean> | null } {
    // Bytes 2.. of a push or snapshot frame are exactly the canonical envelope. Copied,
    // because ws may hand out views into a shared buffer.
    const bytes = new Uint8Array(frame.subarray(2));
    const signed = signedBytesOf(bytes) ?? envelopeSignedBytes(env);
    const key = conn.verifyKey;
    if (key === null) return { bytes, signed, verifying: Promise.resolve(false) };
    if (!this.verifier) return { bytes, signed, verifying: null };
    // A pool that failed (a worker died) falls back to the inline check.
    const verifying = this.verifier.verify(key.raw, env.signature, signed).catch(() => verifyWithKey(key, env.signature, signed));
    return { bytes, signed, verifying };
  }

  private async check<H extends EnvelopeHeader>(conn: Connection, env: SealedEnvelope<H>, signing: { bytes: Uint8Array; signed: Uint8Array; verifying: Promise<boolean> | null }, withHash: boolean): Promise<CheckedEnvelope<H>> {
    const { bytes, signed, verifying } = signing;
    const key = conn.verifyKey;
    try {
      const refusal = await this.docs.gate(env.header, conn.deviceHex);
      if (refusal) return { env, bytes, hash: NO_HASH, signatureOk: false, refusal };
    } catch (e) {
      this.log.error('check-failed', { error: e instanceof Error ? e.message : String(e) });
      return { env, bytes, hash: NO_HASH, signatureOk: false, refusal: { code: 'storage-unavailable', message: 'the relay could not check this now; retry later' } };
    }
    const signatureOk = verifying ? await verifying : key !== null && verifyWithKey(key, env.signature, signed);
    return { env, bytes, hash: withHash ? envelopeHashOf(signed) : NO_HASH, signatureOk, refusal: null };
  }

  private async push(conn: Connection, checked: CheckedEnvelope<UpdateHeader>, ref: ErrorRef | undefined, received: number): Promise<void> {
    const decision = await this.docs.push(checked, conn.deviceHex);
    this.stageDone(received, STAGE_DECIDED);
    if (!decision.ok) {
      const { code, message, expectedDevSeq } = decision.error;
      this.metrics.pushesRejected.inc({ code });
      // A version-1 client reads an expected devSeq only with a seq-gap.
      const named = expectedDevSeq !== undefined && (code === 'seq-gap' || conn.version >= 2);
      return conn.sendError(code, message, ref?.kind === 'push' && named ? { ...ref, expectedDevSeq } : ref);
    }
    const { seq, duplicate, durable } = decision.value;
    const { docId, devSeq } = checked.env.header;
    this.after(durable, (result) => {
      if (!result.ok) {
        this.metrics.pushesRejected.inc({ code: 'storage-unavailable' });
        return conn.sendError('storage-unavailable', 'not stored; retry later', ref);
      }
      this.metrics.pushes.inc(duplicate ? DUPLICATE : STORED);
      conn.send(ackFrame(conn.version, docId, devSeq, seq));
      this.subscriptions.acked(conn, docId, seq);
      this.stageDone(received, STAGE_ACKED);
    });
  }

  private async snapshot(conn: Connection, checked: CheckedEnvelope<SnapshotHeader>): Promise<void> {
    const ref = { kind: 'doc', docId: checked.env.header.docId } as const;
    const decision = await this.docs.snapshot(checked);
    if (!decision.ok) {
      this.metrics.pushesRejected.inc({ code: decision.error.code });
      return conn.sendError(decision.error.code, decision.error.message, ref);
    }
    const { coversSeq } = checked.env.header;
    this.after(decision.value.durable, (result) => {
      if (!result.ok) return conn.sendError('storage-unavailable', 'not stored; retry later', ref);
      conn.sendMessage({ type: 'snapshot-ack', docId: ref.docId, coversSeq, snapshotHash: checked.hash });
    });
  }

  private async ephemeral(conn: Connection, checked: CheckedEnvelope<EphemeralHeader>, frame: Buffer): Promise<void> {
    const docId = checked.env.header.docId;
    const refusal = await this.docs.ephemeral(checked);
    if (refusal) {
      this.metrics.pushesRejected.inc({ code: refusal.code });
      return conn.sendError(refusal.code, refusal.message, { kind: 'doc', docId });
    }
    this.subscriptions.forwardEphemeral(conn, docId, new Uint8Array(frame));
  }

  private async confirm(conn: Connection, msg: Extract<ClientMessage, { type: 'snapshot-confirm' }>): Promise<void> {
    if (!conn.devicePk) return;
    const ref = { kind: 'doc', docId: msg.docId } as const;
    const decision = await this.docs.confirm(conn.devicePk, msg);
    if (!decision.ok) return conn.sendError(decision.error.code, decision.error.message, ref);
    this.after(decision.value, (result) => {
      if (!result.ok) conn.sendError('storage-unavailable', 'not stored; retry later', ref);
    });
  }

  private async membership(conn: Connection, chain: Extract<ClientMessage, { type: 'membership' }>['chain']): Promise<void> {
    const first = chain[0];
    if (!first) return;
    const circleId = first.body.circleId;
    const published = await this.memberships.publish(chain);
    if (!published.ok) {
      const { code, version, reason } = published.error;
      return conn.sendError(code, reason, { kind: 'membership', circleId, version: Math.max(1, version) });
    }
    const { circle, durable } = published.value;
    // The publisher holds everything before its segment; the fan-out (or this reply) is its acknowledgement.
    this.subscriptions.claimMembership(conn, circleId, first.body.version - 1);
    // Nothing new (a retransmission): acknowledge by sending the known links back once durable.
    if (!durable) {
      // A device that is not in the circle yet (one claiming an invitation from the link's copy of
      // the version that invited it) needs the versions after that too, to claim on top of the newest.
      const upTo = conn.inCircle(circleId) ? (chain.at(-1) ?? first).body.version : circle.chain.length;
      this.after(circle.lastDurable, () => this.subscriptions.resendMembership(conn, circle, first.body.version, upTo));
      return;
    }
    this.after(durable, (result) => {
      if (!result.ok) return conn.sendError('storage-unavailable', 'not stored; retry later', { kind: 'membership', circleId, version: first.body.version });
      // Subscribers of the circle already got it from the commit's fan-out.
      if (!conn.inCircle(circleId)) this.subscriptions.sendMembership(conn, circle);
    });
  }

  /** Records that a push received at `received` (performance.now()) reached the end of a stage. */
  private stageDone(received: number, stage: typeof STAGE_CHECK | typeof STAGE_DECIDED | typeof STAGE_ACKED): void {
    this.metrics.pushStages.observe((performance.now() - received) / 1000, stage);
  }

  /** Runs a reply once a write settles; nothing awaits it, so a failure (a bug) is logged here. */
  private after<T>(settles: Promise<T>, reply: (value: T) => void): void {
    settles.then(reply).catch((e: unknown) => this.log.error('reply-failed', { error: e instanceof Error ? e.message : String(e) }));
  }

  /** Queues a frame's handling behind the connection's earlier frames (conn.tail then settles, never rejecting, once it was handled). */
  private enqueue(conn: Connection, msg: ClientMessage, task: () => Promise<void> | void): void {
    conn.queued++;
    if (conn.queued > this.opts.limits.maxQueuedFrames && !conn.ws.isPaused) conn.ws.pause();
    conn.tail = conn.tail
      .then(async () => {
        if (conn.state === 'closed') return;
        try {
          await task();
        } catch (e) {
          // A bug or a failed storage read: say so without closing, and log without content.
          this.log.error('request-failed', { type: msg.type, error: e instanceof Error ? e.message : String(e) });
          conn.sendError('internal', 'the relay failed to handle this request; retry later', refOf(msg));
        }
      })
      .finally(() => {
        conn.queued--;
        if (conn.ws.isPaused && conn.queued <= this.opts.limits.maxQueuedFrames / 2 && conn.state !== 'closed') conn.ws.resume();
      });
  }
}
