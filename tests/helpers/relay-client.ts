// A small relay protocol client for tests (relay tests, the browser client's tests, the
// convergence fuzz test): real WebSockets (`ws`), the shared codec and crypto, and a cast
// of devices in one care circle. It speaks the protocol plainly and hides nothing: every
// frame it receives is kept in order until a test takes it.

import { type ClientOptions, WebSocket } from '../../sync-server/ws';
import type { Bytes } from '../../src/sync/codec-bytes';
import { readMessage, writeMessage } from '../../src/sync/codec';
import type { DeviceKeys, DocKey } from '../../src/sync/crypto';
import { type ClientMessage, type CloseReason, type DocId, PROTOCOL_VERSION, type RelayMessage, type UpdateItem, closeReasonOf, docIdOf, parseDocId } from '../../src/sync/protocol';
import { answerChallenge } from '../../src/sync/protocol-auth';
import { type EphemeralHeader, type SealedEnvelope, type SnapshotHeader, type UpdateHeader, sealEnvelope } from '../../src/sync/protocol-envelope';
import { type Member, type Membership, type SignedMembership, membershipHash, signMembership } from '../../src/sync/protocol-membership';
import { CIRCLE, deviceFromSeed, docKey } from '../unit/sync/fixtures';

export type Welcome = Extract<RelayMessage, { type: 'welcome' }>;
export type Ack = Extract<RelayMessage, { type: 'ack' }>;
export type ErrorFrame = Extract<RelayMessage, { type: 'error' }>;
export type Updates = Extract<RelayMessage, { type: 'updates' }>;
export type SnapshotOffer = Extract<RelayMessage, { type: 'snapshot-offer' }>;

export interface Closed {
  code: number;
  /** The named reason, or null if the relay closed with a code Paceline does not define. */
  reason: CloseReason | null;
  reasonText: string;
}

export interface CatchUp {
  membership: SignedMembership[];
  offer: SnapshotOffer | null;
  items: UpdateItem[];
  pages: Updates[];
}

interface Waiter {
  match: (m: RelayMessage) => boolean;
  resolve: (m: RelayMessage) => void;
}

/** A connection to a relay: raw frames in and out, decoded relay messages kept in arrival order. */
export class RelayClient {
  /** Messages received and not yet taken by next(). */
  readonly inbox: RelayMessage[] = [];
  /** Every message received, for assertions on order. */
  readonly log: RelayMessage[] = [];
  readonly closed: Promise<Closed>;
  welcome: Welcome | null = null;
  version = PROTOCOL_VERSION;
  private waiters: Waiter[] = [];
  private closedValue: Closed | null = null;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        const text = reason.toString();
        this.closedValue = { code, reason: closeReasonOf(code), reasonText: text };
        resolve(this.closedValue);
      });
    });
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      const read = readMessage(new Uint8Array(data));
      if (!read.ok) throw new Error(`relay sent a frame that does not decode: ${read.error.code} at ${read.error.field}`);
      const msg = read.value as RelayMessage;
      this.log.push(msg);
      const i = this.waiters.findIndex((w) => w.match(msg));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        w?.resolve(msg);
      } else this.inbox.push(msg);
    });
  }

  /** Opens a socket without saying anything (for handshake tests). */
  static open(url: string, options: ClientOptions = {}): Promise<RelayClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
    const client = new RelayClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Opens, says hello, checks the welcome and authenticates: ready for requests. */
  static async connect(url: string, device: DeviceKeys, options: { versions?: number[]; expectRelayId?: string } = {}): Promise<RelayClient> {
    const client = await RelayClient.open(url);
    const welcome = await client.hello(device, options.versions);
    if (options.expectRelayId !== undefined && welcome.relayId !== options.expectRelayId) throw new Error(`unexpected relay id ${welcome.relayId}`);
    client.send({ type: 'auth', signature: await answerChallenge(device, welcome) });
    return client;
  }

  /** Sends hello and waits for welcome. */
  async hello(device: DeviceKeys, versions: number[] = [PROTOCOL_VERSION]): Promise<Welcome> {
    this.sendRaw(writeMessage({ type: 'hello', protocolVersions: versions, devicePk: device.publicKey }, 1));
    const welcome = (await this.next((m) => m.type === 'welcome')) as Welcome;
    this.welcome = welcome;
    this.version = welcome.protocolVersion;
    return welcome;
  }

  /** Sends a message in the negotiated version. */
  send(msg: ClientMessage): void {
    this.sendRaw(writeMessage(msg, this.version));
  }

  /** Sends bytes as one binary frame. */
  sendRaw(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  /** The next received message that matches (oldest first), waiting up to timeoutMs. */
  next(match: (m: RelayMessage) => boolean = () => true, timeoutMs = 5_000): Promise<RelayMessage> {
    const i = this.inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as RelayMessage);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching relay message within ${timeoutMs} ms; inbox: ${this.inbox.map((m) => m.type).join(', ') || 'empty'}${this.closedValue ? `; closed ${this.closedValue.reasonText}` : ''}`));
      }, timeoutMs);
      waiter.resolve = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(waiter);
    });
  }

  /** Pushes an update and waits for its ack, or the error about it. */
  async push(envelope: SealedEnvelope<UpdateHeader>, timeoutMs?: number): Promise<Ack | ErrorFrame> {
    const { docId, devSeq } = envelope.header;
    this.send({ type: 'push', envelope });
    return this.ackOrError(docId, devSeq, timeoutMs);
  }

  /** Waits for the ack of (docId, devSeq), or the error whose ref names it. */
  ackOrError(docId: DocId, devSeq: number, timeoutMs?: number): Promise<Ack | ErrorFrame> {
    return this.next(
      (m) => (m.type === 'ack' && m.docId === docId && m.devSeq === devSeq) || (m.type === 'error' && m.ref?.kind === 'push' && m.ref.docId === docId && m.ref.devSeq === devSeq),
      timeoutMs,
    ) as Promise<Ack | ErrorFrame>;
  }

  /** Waits for an error frame about a document (or any error when docId is omitted). */
  error(docId?: DocId, timeoutMs?: number): Promise<ErrorFrame> {
    return this.next((m) => m.type === 'error' && (docId === undefined || (m.ref !== undefined && m.ref.kind !== 'membership' && m.ref.docId === docId)), timeoutMs) as Promise<ErrorFrame>;
  }

  /**
   * Subscribes and collects the catch-up: the snapshot offer (if any) and every page until
   * the one with more: false.
   */
  async catchUp(docId: DocId, sinceSeq = 0, membershipVersion = 0, timeoutMs?: number): Promise<CatchUp> {
    this.send({ type: 'subscribe', docId, sinceSeq, membershipVersion });
    return this.collect(docId, timeoutMs);
  }

  /**
   * Collects what a subscription sends until its page with more: false: membership links of
   * the document's circle, the snapshot offer, the updates pages.
   */
  async collect(docId: DocId, timeoutMs?: number): Promise<CatchUp> {
    const circleId = parseDocId(docId)?.circleId;
    let offer: SnapshotOffer | null = null;
    const pages: Updates[] = [];
    const membership: SignedMembership[] = [];
    for (;;) {
      const m = await this.next(
        (x) =>
          ((x.type === 'updates' || x.type === 'snapshot-offer') && x.docId === docId) ||
          (x.type === 'membership' && x.chain[0]?.body.circleId === circleId) ||
          (x.type === 'error' && x.ref?.kind === 'doc' && x.ref.docId === docId),
        timeoutMs,
      );
      if (m.type === 'error') throw new Error(`subscribe refused: ${m.code} ${m.message ?? ''}`);
      if (m.type === 'membership') membership.push(...m.chain);
      if (m.type === 'snapshot-offer') offer = m;
      if (m.type === 'updates') {
        pages.push(m);
        if (!m.more) break;
      }
    }
    return { membership, offer, items: pages.flatMap((p) => p.items), pages };
  }

  /** Publishes membership links and waits until the relay sends back the newest of them (its acknowledgement) or refuses. */
  async publish(chain: SignedMembership[], timeoutMs?: number): Promise<'ok' | ErrorFrame> {
    const last = chain.at(-1) as SignedMembership;
    this.send({ type: 'membership', chain });
    const m = await this.next(
      (x) => (x.type === 'membership' && x.chain.some((l) => l.body.circleId === last.body.circleId && l.body.version === last.body.version)) || (x.type === 'error' && x.ref?.kind === 'membership'),
      timeoutMs,
    );
    return m.type === 'error' ? (m as ErrorFrame) : 'ok';
  }

  /** Closes from the client side. */
  close(): void {
    this.ws.close(1000);
  }
}

// ---------------------------------------------------------------------------------------
// A care circle for tests: owner key, patient phone and tablet, caregiver, clinicians.

export interface Circle {
  circleId: string;
  owner: DeviceKeys;
  phone: DeviceKeys;
  tablet: DeviceKeys;
  carer: DeviceKeys;
  doctor: DeviceKeys;
  physio: DeviceKeys;
  stranger: DeviceKeys;
  genesis: SignedMembership;
  doc(docClass: Parameters<typeof docIdOf>[1]): DocId;
}

const member = (keys: DeviceKeys, role: Member['role'], delegate = false): Member => ({ devicePk: keys.publicKey, role, delegate, ...(role === 'caregiver' ? { journal: true } : {}) });

/** Devices from fixed seeds, and a genesis membership: phone and tablet (patient), carer, doctor (delegate). */
export async function makeCircle(circleId: string = CIRCLE, seedBase = 1): Promise<Circle> {
  const [owner, phone, tablet, carer, doctor, physio, stranger] = await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => deviceFromSeed(seedBase + i)));
  const devices = { owner: owner!, phone: phone!, tablet: tablet!, carer: carer!, doctor: doctor!, physio: physio!, stranger: stranger! };
  const body: Membership = {
    circleId,
    version: 1,
    prevHash: null,
    keyEpoch: 0,
    members: [member(devices.phone, 'patient'), member(devices.tablet, 'patient'), member(devices.carer, 'caregiver'), member(devices.doctor, 'clinician', true)],
    issuedAt: 1_700_000_000_000,
  };
  return { circleId, ...devices, genesis: await signMembership(body, devices.owner), doc: (c) => docIdOf(circleId, c) };
}

/** The next membership version after prev with some fields changed, signed by signer. */
export async function nextMembership(prev: SignedMembership, change: Partial<Membership>, signer: DeviceKeys): Promise<SignedMembership> {
  const body: Membership = { ...prev.body, version: prev.body.version + 1, prevHash: await membershipHash(prev.body), issuedAt: prev.body.issuedAt + 1000, ...change };
  return signMembership(body, signer);
}

export { member };

const keys = new Map<string, Promise<DocKey>>();
/** The (fixed) document key of a document and epoch. */
export function keyFor(docId: DocId, epoch = 0): Promise<DocKey> {
  const id = `${docId}/${epoch}`;
  let key = keys.get(id);
  if (!key) keys.set(id, (key = docKey(docId, epoch)));
  return key;
}

/** Seals a Yjs update (any bytes) as an update envelope. */
export async function sealUpdate(device: DeviceKeys, docId: DocId, devSeq: number, plaintext: Uint8Array, keyEpoch = 0): Promise<SealedEnvelope<UpdateHeader>> {
  const circleId = parseDocId(docId)?.circleId as string;
  const header: UpdateHeader = { type: 'update', circleId, docId, keyEpoch, devicePk: device.publicKey, devSeq };
  const sealed = await sealEnvelope(device, await keyFor(docId, keyEpoch), header, plaintext);
  if (!sealed.ok) throw new Error(`seal failed: ${sealed.error.code}`);
  return sealed.value;
}

/** Seals a snapshot envelope covering coversSeq, chained to the previous snapshot's hash. */
export async function sealSnapshot(device: DeviceKeys, docId: DocId, coversSeq: number, prevSnapshotHash: Bytes | null, plaintext: Uint8Array, keyEpoch = 0): Promise<SealedEnvelope<SnapshotHeader>> {
  const circleId = parseDocId(docId)?.circleId as string;
  const header: SnapshotHeader = { type: 'snapshot', circleId, docId, keyEpoch, devicePk: device.publicKey, coversSeq, prevSnapshotHash };
  const sealed = await sealEnvelope(device, await keyFor(docId, keyEpoch), header, plaintext);
  if (!sealed.ok) throw new Error(`seal failed: ${sealed.error.code}`);
  return sealed.value;
}

/** Seals an ephemeral (awareness) envelope. */
export async function sealEphemeral(device: DeviceKeys, docId: DocId, plaintext: Uint8Array, keyEpoch = 0, sentAt = 1_700_000_000_000): Promise<SealedEnvelope<EphemeralHeader>> {
  const circleId = parseDocId(docId)?.circleId as string;
  const header: EphemeralHeader = { type: 'ephemeral', circleId, docId, keyEpoch, devicePk: device.publicKey, sentAt };
  const sealed = await sealEnvelope(device, await keyFor(docId, keyEpoch), header, plaintext);
  if (!sealed.ok) throw new Error(`seal failed: ${sealed.error.code}`);
  return sealed.value;
}

/** Bytes 0..n-1 repeating, as a stand-in Yjs update of a given size. */
export function filler(n: number, seed = 0): Bytes {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}
