// The relay client: one connection (connection.ts) for all shared documents of this
// device. On each authentication it publishes membership versions the relay lacks,
// subscribes every document from its cursor and pushes its outbox; then it routes what
// the relay sends to the document it is about. Pushes go out behind a token bucket set
// to the rate the relay announced. Status for the UI is `provider.status`.

import type { PacelineDB } from '../storage/db';
import type { SyncableDoc } from '../storage/syncable';
import { type BackoffOptions, DEFAULT_BACKOFF, TokenBucket } from './backoff';
import { CircleTrust } from './circle-trust';
import { RelayConnection, type WebSocketConstructor } from './connection';
import type { DeviceKeys, DocKey } from './crypto';
import { DocSync, type DocSyncHost } from './doc-sync';
import { type ClaimOutcome, InviteClaim } from './invite-claim';
import type { BoxKeys } from './membership-keys';
import { type CircleId, type ClientMessage, type DocId, type RelayLimits, type RelayMessage, type Result, assertNever } from './protocol';
import type { SignedMembership } from './protocol-membership';
import type { SealedEnvelope, SnapshotHeader } from './protocol-envelope';
import { circleStatusOf } from './device-list';
import { relayEndpoints } from './endpoints';
import { docIdOfDoc } from './sync-ids';
import { type SyncIssue, type SyncStatusSource, SyncStatusStore } from './sync-status';

export { relayEndpoints };

export interface RelayProviderOptions {
  db: PacelineDB;
  /** The relay's http(s) origin, e.g. 'https://clinic.example.org' (usually the app's own origin). */
  relayUrl: string;
  device: DeviceKeys;
  /** This device's X25519 key: needed to claim invitations (and to open key bundles). */
  box?: BoxKeys;
  /** Told when an invitation this device accepted was claimed, or why it could not be. */
  onClaim?: (circleId: CircleId, outcome: ClaimOutcome) => void;
  /** Defaults to the platform WebSocket; Node tests pass the `ws` package's class. */
  WebSocket?: WebSocketConstructor;
  /** The relay id the welcome must carry; defaults to the origin of the WebSocket URL. */
  relayId?: string;
  /** How long local changes are merged before one envelope is sealed (default 500 ms). */
  batchMs?: number;
  /** Acknowledged pushes after which a snapshot of the document is uploaded (default 200). */
  snapshotEvery?: number;
  /** Delay before retrying a refused push or subscription (default 2 s). */
  retryMs?: number;
  backoff?: Partial<BackoffOptions>;
  now?: () => number;
  /** Hold a Web Lock so only one tab per database talks to the relay (default true where supported). */
  singleTab?: boolean;
}

export type AddDocError = 'not-shared' | 'no-membership';

export class RelayProvider {
  private readonly statusStore = new SyncStatusStore();
  private readonly conn: RelayConnection;
  private readonly docs = new Map<DocId, DocSync>();
  private readonly circles = new Map<CircleId, CircleTrust>();
  /** Invitations accepted here and not claimed yet: their circles' documents wait for the claim. */
  private readonly claims = new Map<CircleId, InviteClaim>();
  private inbound: Promise<unknown> = Promise.resolve();
  private pushQueue: Array<Extract<ClientMessage, { type: 'push' | 'snapshot' }>> = [];
  private pushTimer: ReturnType<typeof setTimeout> | null = null;
  private bucket: TokenBucket | null = null;
  private limits: RelayLimits | null = null;
  /** Circles republished in this connection after 'unknown-circle' (once each, so a refusal cannot loop). */
  private republished = new Set<CircleId>();
  private releaseLock: (() => void) | null = null;
  private running = false;
  private readonly host: DocSyncHost;
  private readonly onOnline = () => this.conn.retryNow();

  constructor(private readonly opts: RelayProviderOptions) {
    const endpoints = relayEndpoints(opts.relayUrl);
    const Socket = opts.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!Socket) throw new Error('no WebSocket implementation: pass one in RelayProviderOptions.WebSocket');
    this.conn = new RelayConnection({
      url: endpoints.relay,
      relayId: opts.relayId ?? endpoints.relayId,
      device: opts.device,
      WebSocket: Socket,
      backoff: { ...DEFAULT_BACKOFF, ...opts.backoff },
      now: () => this.now(),
      onStatus: (status) => this.statusStore.setConnection(status),
      onReady: (limits) => this.ready(limits),
      onMessage: (msg) => this.route(msg),
      onDisconnect: () => this.disconnected(),
    });
    this.host = {
      db: opts.db,
      device: opts.device,
      status: this.statusStore,
      batchMs: opts.batchMs ?? 500,
      snapshotEvery: opts.snapshotEvery ?? 200,
      retryMs: opts.retryMs ?? 2_000,
      now: () => this.now(),
      isConnected: () => this.conn.ready,
      send: (msg) => this.conn.send(msg),
      queuePush: (msg) => this.queuePush(msg),
      circleUnknown: (circleId) => this.circleUnknown(circleId),
      devicesChanged: (circleId) => this.publishCircleStatus(circleId),
    };
  }

  /** Sync state for the UI: subscribe / getSnapshot. */
  get status(): SyncStatusSource {
    return this.statusStore;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Starts syncing a persisted document whose sharing is on; its circle must have a membership here. */
  async addDoc(store: SyncableDoc): Promise<Result<DocId, AddDocError>> {
    const docId = docIdOfDoc(store.circleId, store.docName);
    if (this.docs.has(docId)) return { ok: true, value: docId };
    const known = this.circles.get(store.circleId);
    const recipient = this.opts.box ? { devicePk: this.opts.device.publicKey, box: this.opts.box } : undefined;
    const trust = known ?? (await CircleTrust.load(this.opts.db, store.circleId, recipient));
    if (!trust) return { ok: false, error: 'no-membership' };
    if (!known) await this.loadClaim(store.circleId);
    this.circles.set(store.circleId, trust);
    const sync = await DocSync.open(this.host, store, docId, trust);
    if (!sync) return { ok: false, error: 'not-shared' };
    this.docs.set(docId, sync);
    this.publishCircleStatus(store.circleId);
    if (this.conn.ready) {
      this.publishMembership(trust);
      if (!this.claims.has(store.circleId)) sync.connected();
    }
    return { ok: true, value: docId };
  }

  /** Stops syncing a document (its outbox stays for next time). */
  async removeDoc(docId: DocId): Promise<void> {
    const sync = this.docs.get(docId);
    if (!sync) return;
    this.docs.delete(docId);
    this.conn.send({ type: 'unsubscribe', docId });
    await sync.close();
  }

  /** Connects and keeps the connection up (reconnecting with backoff) until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    if (typeof globalThis.addEventListener === 'function') globalThis.addEventListener('online', this.onOnline);
    const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
    if ((this.opts.singleTab ?? true) && locks) {
      // Only one tab per database talks to the relay; the others wait here and take over when it closes.
      void locks.request(`paceline-sync:${this.opts.db.name}`, () => new Promise<void>((release) => {
        if (!this.running) return release();
        this.releaseLock = release;
        this.conn.start();
      }));
    } else this.conn.start();
  }

  /** Disconnects; with `closeDocs`, also stops every document's timers and listeners. */
  async stop(closeDocs = true): Promise<void> {
    this.running = false;
    if (typeof globalThis.removeEventListener === 'function') globalThis.removeEventListener('online', this.onOnline);
    this.conn.stop();
    // Frames already received may still be storing (a membership version, a page): the caller
    // may close the database next, so stop() returns only once they are done.
    await this.inbound;
    this.releaseLock?.();
    this.releaseLock = null;
    if (closeDocs) {
      const docs = [...this.docs.values()];
      this.docs.clear();
      await Promise.all(docs.map((d) => d.close()));
    }
  }

  /** Seals every document's pending changes now (before hand-back, and in tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.docs.values()].map((d) => d.flush()));
  }

  /** Reloads a circle's chain and keys after this device changed them (new member, pairing); publishes at once. */
  async refreshCircle(circleId: CircleId): Promise<void> {
    const trust = this.circles.get(circleId);
    if (!trust) return;
    await trust.reload();
    if (this.conn.ready) this.publishMembership(trust);
    for (const d of this.docs.values()) if (d.circleId === circleId) d.trustChanged();
    this.publishCircleStatus(circleId);
  }

  /** The document key of the circle's current epoch (for startLiveSync), or null without membership or key. */
  async currentDocKey(docId: DocId): Promise<DocKey | null> {
    const trust = this.docs.get(docId)?.trust;
    const epoch = trust?.current?.keyEpoch;
    return trust && epoch !== undefined ? trust.docKey(docId, epoch) : null;
  }

  /** The document sync of a docId (tests and diagnostics). */
  docSync(docId: DocId): DocSync | undefined {
    return this.docs.get(docId);
  }

  // ---- connection events ------------------------------------------------------------

  private ready(limits: RelayLimits): void {
    this.limits = limits;
    // Burst of one second's worth: the relay's burst is not announced, its rate is.
    this.bucket = new TokenBucket(limits.pushesPerSecond, limits.pushesPerSecond, this.now());
    this.republished.clear();
    for (const trust of this.circles.values()) this.publishMembership(trust);
    for (const claim of this.claims.values()) claim.connected();
    let subscribed = 0;
    for (const d of this.docs.values()) {
      if (this.claims.has(d.circleId)) continue;
      if (subscribed++ >= limits.maxSubscriptions) {
        this.statusStore.patchDoc(d.docId, { lastIssue: { code: 'relay-error', error: 'too-many-documents', docId: d.docId } });
        continue;
      }
      d.connected();
    }
  }

  private disconnected(): void {
    this.pushQueue = [];
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = null;
    for (const d of this.docs.values()) d.disconnected();
    for (const claim of this.claims.values()) claim.disconnected();
  }

  /**
   * Handles relay messages one at a time, in arrival order: a membership version must be
   * verified and stored before the updates that follow it are judged against it.
   */
  private route(msg: RelayMessage): void {
    this.inbound = this.inbound.then(() => this.handle(msg)).catch(() => undefined);
  }

  private handle(msg: RelayMessage): Promise<unknown> | undefined {
    switch (msg.type) {
      case 'ack':
        return this.docs.get(msg.docId)?.onAck(msg.devSeq, msg.seq);
      case 'snapshot-ack':
        return this.docs.get(msg.docId)?.onSnapshotAck(msg.coversSeq, msg.snapshotHash);
      case 'updates':
        return this.docs.get(msg.docId)?.onUpdates(msg.items, msg.more, msg.durableThrough);
      case 'durable':
        return this.docs.get(msg.docId)?.onDurable(msg.seq);
      case 'snapshot-offer':
        if (msg.envelope.header.type !== 'snapshot') return undefined;
        return this.docs.get(msg.docId)?.onSnapshotOffer(msg.envelope as SealedEnvelope<SnapshotHeader>);
      case 'membership':
        return this.receiveMembership(msg.chain);
      case 'ephemeral':
        // Awareness travels over y-webrtc in this version; relayed ephemeral messages are not used yet.
        return undefined;
      case 'error': {
        const ref = msg.ref;
        if (ref && ref.kind !== 'membership') return this.docs.get(ref.docId)?.onError(msg.code, ref);
        const claim = ref?.kind === 'membership' ? this.claims.get(ref.circleId) : undefined;
        if (claim) return claim.onError(msg.code, msg.message);
        if (ref?.kind === 'membership') this.circleIssue(ref.circleId, { code: 'membership-rejected', reason: msg.code });
        else this.statusStore.reportIssue({ code: 'relay-error', error: msg.code });
        return undefined;
      }
      case 'welcome':
        return undefined;
      default:
        return assertNever(msg);
    }
  }

  // ---- membership -------------------------------------------------------------------

  private publishMembership(trust: CircleTrust): void {
    for (const chain of trust.unpublished()) this.conn.send({ type: 'membership', chain });
  }

  private circleUnknown(circleId: CircleId): void {
    const trust = this.circles.get(circleId);
    if (!trust || this.republished.has(circleId) || !this.conn.ready) return;
    this.republished.add(circleId);
    trust.relayLost();
    this.publishMembership(trust);
    for (const d of this.docs.values()) if (d.circleId === circleId) d.connected();
  }

  private async loadClaim(circleId: CircleId): Promise<void> {
    if (!this.opts.box) return;
    const claim = await InviteClaim.load(this.opts.db, circleId, this.opts.device, this.opts.box, (msg) => this.conn.send(msg), (outcome) => this.claimFinished(circleId, outcome));
    if (!claim) return;
    this.claims.set(circleId, claim);
    if (this.conn.ready) claim.connected();
  }

  private claimFinished(circleId: CircleId, outcome: ClaimOutcome): void {
    const claim = this.claims.get(circleId);
    if (claim?.done) this.claims.delete(circleId);
    this.opts.onClaim?.(circleId, outcome);
    if (!outcome.ok) {
      this.circleIssue(circleId, { code: 'membership-rejected', reason: outcome.error });
      return;
    }
    // A member now: the circle's documents subscribe, and the chain arrives from genesis.
    if (this.conn.ready) for (const d of this.docs.values()) if (d.circleId === circleId) d.connected();
    this.publishCircleStatus(circleId);
  }

  private async receiveMembership(chain: SignedMembership[]): Promise<void> {
    const circleId = chain[0]?.body.circleId;
    const claim = circleId === undefined ? undefined : this.claims.get(circleId);
    if (claim && !claim.done) return claim.receive(chain);
    const trust = circleId === undefined ? undefined : this.circles.get(circleId);
    if (!trust || circleId === undefined) return;
    const received = await trust.receive(chain);
    if (!received.ok) return this.circleIssue(circleId, { code: 'membership-rejected', reason: received.error.code });
    if (trust.takeRebased()) this.publishMembership(trust);
    if (received.value > 0) for (const d of this.docs.values()) if (d.circleId === circleId) d.trustChanged();
    this.publishCircleStatus(circleId);
  }

  private circleIssue(circleId: CircleId, issue: SyncIssue): void {
    const trust = this.circles.get(circleId);
    if (trust) this.statusStore.setCircle({ ...circleStatusOf(trust, this.docsOf(circleId), this.opts.device.publicKey), lastIssue: issue });
  }

  private publishCircleStatus(circleId: CircleId): void {
    const trust = this.circles.get(circleId);
    if (trust) this.statusStore.setCircle(circleStatusOf(trust, this.docsOf(circleId), this.opts.device.publicKey));
  }

  private docsOf(circleId: CircleId): DocSync[] {
    return [...this.docs.values()].filter((d) => d.circleId === circleId);
  }

  // ---- rate-limited pushes ----------------------------------------------------------

  private queuePush(msg: Extract<ClientMessage, { type: 'push' | 'snapshot' }>): void {
    this.pushQueue.push(msg);
    this.pump();
  }

  private pump(): void {
    if (this.pushTimer || !this.bucket) return;
    while (this.pushQueue.length > 0 && this.conn.ready) {
      const now = this.now();
      if (!this.bucket.take(now)) {
        this.pushTimer = setTimeout(() => {
          this.pushTimer = null;
          this.pump();
        }, this.bucket.waitMs(now));
        return;
      }
      const msg = this.pushQueue.shift() as Extract<ClientMessage, { type: 'push' | 'snapshot' }>;
      if (!this.conn.send(msg)) {
        const docId = msg.envelope.header.docId;
        this.statusStore.patchDoc(docId, { lastIssue: { code: 'protocol-error', reason: `frame over the relay's limit of ${this.limits?.maxFrameBytes ?? 0} bytes` } });
      }
    }
  }
}
