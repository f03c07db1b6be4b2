// The relay wire protocol shared by the browser client and sync-server: versions, limits,
// document classes and write rights, the tagged union of messages, and the named error and
// close codes. The prose version is PROTOCOL.md, next to this file; keep them in step.
// No DOM and no Node-only modules: this runs in Chromium and in Node 20.

import type { Bytes } from './codec-bytes';
import type { SealedEnvelope } from './protocol-envelope';
import type { SignedMembership } from './protocol-membership';

/** The protocol version this build speaks by default. */
export const PROTOCOL_VERSION = 3;
/**
 * Every version this build can speak, oldest first. Version 2 adds `sinceHash` to
 * 'subscribe' (the relay checks that its history at the cursor is the one the client saw).
 * Version 3 lets the relay send live updates before they are durable: 'updates' carries
 * `durableThrough`, and 'durable' moves that watermark alone (PROTOCOL.md "Durability").
 */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1, 2, 3];

/** Default limits; a relay may configure lower ones and announces them in 'welcome'. */
export const LIMITS = {
  /** Largest frame either side may send; larger frames close the socket with 'frame-too-large'. */
  maxFrameBytes: 4 * 1024 * 1024 + 64 * 1024,
  /** Largest sealed update (ciphertext) in a push; merge less, or upload a snapshot instead. */
  maxUpdateBytes: 1024 * 1024,
  /** Largest sealed snapshot (ciphertext). */
  maxSnapshotBytes: 4 * 1024 * 1024,
  /** Largest sealed ephemeral message (awareness, typing). */
  maxEphemeralBytes: 16 * 1024,
  /** A catch-up page stops before this many envelope bytes (a page holds at least one item). */
  pageBytes: 256 * 1024,
  /** Documents one connection may be subscribed to at once (a clinician's panel is large). */
  maxSubscriptions: 1024,
  /** Sustained pushes (update, snapshot, ephemeral) per second per connection, and the burst. */
  pushesPerSecond: 20,
  pushBurst: 100,
  /** Members (devices) in one circle's membership list. */
  maxMembers: 256,
  /** Membership versions in one 'membership' frame. */
  maxChainLinks: 64,
  /** Protocol versions a client may list in 'hello'. */
  maxProtocolVersions: 16,
  /** UTF-8 bytes of free text fields (error message, relay id). */
  maxTextBytes: 512,
  /**
   * Envelopes one device may seal under one document key epoch. With at most maxMembers
   * devices this bounds a key to 2^28 random 96-bit nonces: collision odds below 2^-41.
   */
  sealsPerDeviceAndEpoch: 2 ** 20,
} as const;

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
export const SHA256_BYTES = 32;
export const AES_GCM_NONCE_BYTES = 12;
export const AES_GCM_TAG_BYTES = 16;
export const CHALLENGE_BYTES = 32;

/** Result type for expected failures; same shape as the domain's Result. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Exhaustiveness guard for switches over tagged unions; reaching it is a bug. */
export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------
// Documents, roles and rights (DESIGN.md "Data" table, as data)

export const DOC_CLASSES = ['circle', 'plan', 'journal', 'messages', 'alerts'] as const;
export type DocClass = (typeof DOC_CLASSES)[number];

/**
 * Member roles; the patient's devices hold 'patient' (the patient also holds the owner key).
 * 'intake' is a clinic's waiting-room tablet for one visit: it adds questionnaire answers to
 * the patient's journal and raises alerts, and reads nothing. Appended, so the encoded role
 * numbers of the others stay as they were.
 */
export const ROLES = ['patient', 'caregiver', 'clinician', 'intake'] as const;
export type Role = (typeof ROLES)[number];

/**
 * 'full': may write anything in the document. 'limited': may write only part of it (the
 * relay cannot see which part, so it accepts the push and receiving clients enforce the
 * scope on apply). 'none': the relay rejects the push.
 */
export type WriteRight = 'full' | 'limited' | 'none';

export const WRITE_RIGHTS: Readonly<Record<DocClass, Readonly<Record<Role, WriteRight>>>> = {
  // Clinicians: only clinical members (the membership chain's delegation rule says the same).
  circle: { patient: 'full', caregiver: 'none', clinician: 'limited', intake: 'none' },
  // Patient and caregiver: comments and proposals only.
  plan: { patient: 'limited', caregiver: 'limited', clinician: 'full', intake: 'none' },
  // Caregiver: only when the patient allows it, entries marked 'entered by caregiver'.
  // Intake: new questionnaire answers only.
  journal: { patient: 'full', caregiver: 'limited', clinician: 'none', intake: 'limited' },
  messages: { patient: 'full', caregiver: 'full', clinician: 'full', intake: 'none' },
  // Any device raises alerts; only clinicians acknowledge them.
  alerts: { patient: 'limited', caregiver: 'limited', clinician: 'full', intake: 'limited' },
};

/** Whether the relay accepts a push from a member of this role into a document of this class. */
export function mayWrite(role: Role, docClass: DocClass): boolean {
  return WRITE_RIGHTS[docClass][role] !== 'none';
}

/** Whether a role receives a document's key (DESIGN.md "who reads"); 'if-shared' is the patient's choice. */
export const READ_RIGHTS: Readonly<Record<DocClass, Readonly<Record<Role, 'yes' | 'if-shared' | 'no'>>>> = {
  circle: { patient: 'yes', caregiver: 'yes', clinician: 'yes', intake: 'no' },
  plan: { patient: 'yes', caregiver: 'yes', clinician: 'yes', intake: 'no' },
  journal: { patient: 'yes', caregiver: 'if-shared', clinician: 'yes', intake: 'no' },
  messages: { patient: 'yes', caregiver: 'yes', clinician: 'yes', intake: 'no' },
  // The patient's own devices keep the alerts they raise; crisis guidance is shown locally.
  alerts: { patient: 'yes', caregiver: 'no', clinician: 'yes', intake: 'no' },
};

/**
 * The intake tablet writes classes it may not read: it holds their keys to seal, and the
 * relay sends its subscriptions membership only (PROTOCOL.md "Membership"). Caregivers'
 * 'limited' right on alerts stays without a key, as before.
 */
export function writesWithoutReading(role: Role, docClass: DocClass): boolean {
  return role === 'intake' && READ_RIGHTS[docClass][role] === 'no' && WRITE_RIGHTS[docClass][role] !== 'none';
}

/** A circle id: a canonical upper-case ULID (same rule as domain/ids.ts, repeated to stay dependency-free). */
export type CircleId = string;
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** True for a canonical circle id. */
export function isCircleId(value: unknown): value is CircleId {
  return typeof value === 'string' && ULID_PATTERN.test(value);
}

/** A document id names its circle and class: `${circleId}.${docClass}`, globally unique. */
export type DocId = `${string}.${DocClass}`;

/** The document id of a circle's document of one class. */
export function docIdOf(circleId: CircleId, docClass: DocClass): DocId {
  return `${circleId}.${docClass}`;
}

/** Splits a document id, or null if it is not one. */
export function parseDocId(value: string): { circleId: CircleId; docClass: DocClass } | null {
  const dot = value.indexOf('.');
  if (dot < 0) return null;
  const circleId = value.slice(0, dot);
  const docClass = value.slice(dot + 1);
  if (!isCircleId(circleId) || !(DOC_CLASSES as readonly string[]).includes(docClass)) return null;
  return { circleId, docClass: docClass as DocClass };
}

/** True for a well-formed document id. */
export function isDocId(value: unknown): value is DocId {
  return typeof value === 'string' && parseDocId(value) !== null;
}

// ---------------------------------------------------------------------------------------
// Messages. Sequence numbers are positive safe integers; sinceSeq 0 means "from the start".

export type ClientMessage =
  | { type: 'hello'; protocolVersions: number[]; devicePk: Bytes }
  | { type: 'auth'; signature: Bytes }
  /**
   * sinceHash (protocol 2): the envelope hash of the update at sinceSeq, when the client
   * knows it; a relay whose update there differs (restored from a backup, then written to
   * again) answers 'cursor-ahead' as if the cursor were past its head.
   */
  | { type: 'subscribe'; docId: DocId; sinceSeq: number; membershipVersion: number; sinceHash?: Bytes }
  | { type: 'unsubscribe'; docId: DocId }
  | { type: 'push'; envelope: SealedEnvelope }
  | { type: 'snapshot'; envelope: SealedEnvelope }
  | { type: 'snapshot-confirm'; docId: DocId; coversSeq: number; snapshotHash: Bytes }
  | { type: 'membership'; chain: SignedMembership[] }
  | { type: 'ephemeral'; envelope: SealedEnvelope };

export interface RelayLimits {
  maxFrameBytes: number;
  maxSubscriptions: number;
  pushesPerSecond: number;
}

export interface UpdateItem {
  seq: number;
  envelope: SealedEnvelope;
}

/**
 * What an error frame refers to, so the client can find the outbox entry or document. A
 * 'seq-gap' refusal also names the devSeq the relay expects next from this device
 * (`expectedDevSeq`): below the refused one, the relay lost acknowledged pushes (a restore
 * from an older backup) and the client renumbers what it has not had acknowledged.
 */
export type ErrorRef =
  | { kind: 'push'; docId: DocId; devSeq: number; expectedDevSeq?: number }
  | { kind: 'doc'; docId: DocId }
  | { kind: 'membership'; circleId: CircleId; version: number };

export type RelayMessage =
  | { type: 'welcome'; protocolVersion: number; relayId: string; challenge: Bytes; serverTime: number; limits: RelayLimits }
  | { type: 'ack'; docId: DocId; devSeq: number; seq: number }
  | { type: 'snapshot-ack'; docId: DocId; coversSeq: number; snapshotHash: Bytes }
  /**
   * durableThrough (protocol 3, and only there): every seq of the document up to it is
   * durable at the relay; items above it may still be lost if the relay dies, so a client
   * applies them but keeps its stored cursor at or below the watermark. In versions 1 and 2
   * everything sent is durable.
   */
  | { type: 'updates'; docId: DocId; items: UpdateItem[]; more: boolean; durableThrough?: number }
  /** Protocol 3: the document is durable through `seq` (moves the watermark between 'updates' frames). */
  | { type: 'durable'; docId: DocId; seq: number }
  | { type: 'snapshot-offer'; docId: DocId; envelope: SealedEnvelope }
  | { type: 'membership'; chain: SignedMembership[] }
  | { type: 'ephemeral'; envelope: SealedEnvelope }
  | { type: 'error'; code: ErrorCode; message?: string; ref?: ErrorRef };

export type Message = ClientMessage | RelayMessage;
export type MessageType = Message['type'];

/**
 * Error codes: the request named in `ref` was refused; the connection stays open.
 * Numbers are wire tags and never change meaning; names are what code switches on.
 */
export const ERROR_CODES = {
  'bad-signature': 1,
  'unknown-signer': 2,
  forbidden: 3,
  'wrong-epoch': 4,
  'seq-gap': 5,
  'seq-conflict': 6,
  'too-large': 7,
  'rate-limited': 8,
  'too-many-documents': 9,
  'not-authenticated': 10,
  'unknown-circle': 11,
  'membership-rejected': 12,
  'membership-conflict': 13,
  'snapshot-rejected': 14,
  'cursor-ahead': 15,
  'key-budget-exhausted': 16,
  'storage-unavailable': 17,
  internal: 18,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * WebSocket close codes (4000-4999 is the application range); the close reason string is
 * the name. The relay closes with one of these, never a bare number.
 */
export const CLOSE_REASONS = {
  'protocol-version-unsupported': 4000,
  'bad-frame': 4001,
  'frame-too-large': 4002,
  'rate-limited': 4003,
  'too-many-documents': 4004,
  unauthorized: 4005,
  'server-shutting-down': 4006,
  'auth-timeout': 4007,
  'too-slow': 4008,
  'idle-timeout': 4009,
} as const;
export type CloseReason = keyof typeof CLOSE_REASONS;

/** The named close reason of a close code, or null for codes Paceline does not define. */
export function closeReasonOf(code: number): CloseReason | null {
  for (const [name, value] of Object.entries(CLOSE_REASONS)) if (value === code) return name as CloseReason;
  return null;
}

/** The error code name of a wire tag, or null. */
export function errorCodeOf(tag: number): ErrorCode | null {
  for (const [name, value] of Object.entries(ERROR_CODES)) if (value === tag) return name as ErrorCode;
  return null;
}

/** Whether a close reason means "try again later" (with backoff) rather than "fix the client". */
export function isRetryableClose(reason: CloseReason): boolean {
  switch (reason) {
    case 'rate-limited':
    case 'server-shutting-down':
    case 'auth-timeout':
    case 'too-slow':
    case 'idle-timeout':
      return true;
    case 'protocol-version-unsupported':
    case 'bad-frame':
    case 'frame-too-large':
    case 'too-many-documents':
    case 'unauthorized':
      return false;
    default:
      return assertNever(reason);
  }
}

/** The document a message is about, if any (for routing and logs). */
export function docIdOfMessage(msg: Message): DocId | null {
  switch (msg.type) {
    case 'subscribe':
    case 'unsubscribe':
    case 'snapshot-confirm':
    case 'ack':
    case 'snapshot-ack':
    case 'updates':
    case 'durable':
    case 'snapshot-offer':
      return msg.docId;
    case 'push':
    case 'snapshot':
    case 'ephemeral':
      return msg.envelope.header.docId;
    case 'error':
      return msg.ref && msg.ref.kind !== 'membership' ? msg.ref.docId : null;
    case 'hello':
    case 'auth':
    case 'membership':
    case 'welcome':
      return null;
    default:
      return assertNever(msg);
  }
}
