/**
 * Row shapes of the local-only sync tables (schema version 2). None of these rows ever
 * leaves the device: they are the outbox, the cursors and the key material of the sync
 * layer (src/sync), kept here because storage owns every Dexie shape.
 *
 * Byte fields are `Uint8Array<ArrayBuffer>`: that is what IndexedDB hands back, and what
 * WebCrypto accepts without a copy.
 */
import type { StoredPrivateKey } from './private-keys';

/** Version of the row shapes below; bump with a Dexie upgrade when one changes. */
export const SYNC_ROW_VERSION = 1;

export type StoredBytes = Uint8Array<ArrayBuffer>;

/**
 * A committed local change of a shared document, not yet sealed into an envelope. Written
 * in the same transaction as the update itself, so a change is never stored without it.
 */
export interface PendingRow {
  /** Auto-increment: the commit order of this database's changes. */
  id?: number;
  docKey: string;
  /** The Yjs update; null means "everything the stored log holds" (written when sharing starts). */
  update: StoredBytes | null;
  at: number;
}

/** A sealed envelope awaiting the relay's ack; its bytes never change once written. */
export interface OutboxRow {
  docKey: string;
  devSeq: number;
  /** writeEnvelope bytes: what is pushed, byte for byte, on every retry. */
  envelope: StoredBytes;
  /** How many local changes (pending rows) it merges: the status counts changes, not envelopes. */
  changes: number;
  createdAt: number;
  schemaVersion: number;
}

/** The newest snapshot this device knows the relay holds for a document. */
export interface KnownSnapshot {
  coversSeq: number;
  /** envelopeHash of the snapshot: the next one's prevSnapshotHash. */
  hash: StoredBytes;
}

/** What this device last received from another device in one document (for the device list and gap checks). */
export interface SeenDevice {
  devSeq: number;
  /** Local clock when it was received (envelopes carry no time). */
  at: number;
  /** devSeq jumps seen from this device: updates the relay did not deliver. */
  gaps: number;
}

/** Sync state of one shared document; the row exists exactly while sharing is on. */
export interface SyncDocRow {
  docKey: string;
  circleId: string;
  docName: string;
  schemaVersion: number;
  enabledAt: number;
  /** Highest relay seq whose update is applied and stored here (0: nothing yet). */
  cursor: number;
  /**
   * The envelope hash of the update at `cursor`, sent when subscribing (protocol 2) so a
   * relay restored from a backup notices that its history there is not the one seen here.
   * Absent when the cursor came from a snapshot, or in rows written before it existed.
   */
  cursorHash?: StoredBytes;
  /**
   * This device's own envelopes below this devSeq are applied when received, not skipped as
   * echoes: set when the relay showed it holds pushes signed by this device's key that this
   * store never had (a seq-conflict: the store was restored from an older copy).
   */
  ownReapplyBelow?: number;
  /** devSeq of the next envelope this device seals (devSeqs start at 1, never skip). */
  nextDevSeq: number;
  lastAckedSeq: number;
  /** When the relay last acknowledged a push: "Shared at 10:42". */
  lastAckedAt: number | null;
  /** Acknowledged pushes since the last snapshot this device uploaded or learned of. */
  ackedSinceSnapshot: number;
  snapshot: KnownSnapshot | null;
  /**
   * After a snapshot the next devSeq of each device is unknown (the snapshot covers an
   * unknown number of them), so the first one seen then is not a gap.
   */
  baselineFromSnapshot: boolean;
  /** Keyed by the device's public key in lower-case hex. */
  devices: Record<string, SeenDevice>;
}

/**
 * This device's keys: 'device' is the Ed25519 signing key, 'box' the X25519 key that opens
 * key bundles; private keys are non-extractable CryptoKeys (structured-cloneable), or pkcs8
 * bytes on a clinic tablet (private-keys.ts).
 */
export interface DeviceKeyRow {
  id: 'device' | 'box';
  publicKey: StoredBytes;
  privateKey: StoredPrivateKey;
  createdAt: number;
  schemaVersion: number;
}

/** The owner key of a circle this device created (the patient's); signs membership versions. */
export interface OwnerKeyRow {
  circleId: string;
  publicKey: StoredBytes;
  privateKey: StoredPrivateKey;
  createdAt: number;
  schemaVersion: number;
}

/** 32 bytes of document key material for one document and key epoch. */
export interface DocKeyRow {
  docKey: string;
  epoch: number;
  material: StoredBytes;
  addedAt: number;
  schemaVersion: number;
}

/** The circle's pinned owner key and the newest verified membership chain. */
export interface MembershipRow {
  circleId: string;
  ownerPk: StoredBytes;
  /** writeSignedMembership bytes, oldest first: links[i] is version i + 1. */
  links: StoredBytes[];
  /** Highest version the relay is known to hold (it sent it to us); higher ones are published on connect. */
  relayVersion: number;
  updatedAt: number;
  schemaVersion: number;
}

/**
 * An invitation this device accepted (schema v3): it claims the invitation at the relay on
 * its next connection by signing, with the invitation key, a membership version that puts
 * its own device key in the invitation's place. Deleted once the relay has that version.
 */
export interface InviteClaimRow {
  circleId: string;
  /** The invitation key (Ed25519), imported non-extractable (bytes on a clinic tablet). */
  invitePk: StoredBytes;
  inviteKey: StoredPrivateKey;
  /** writeSignedMembership bytes of the version that added the invitation. */
  inviteLink: StoredBytes;
  claimBy: number;
  acceptedAt: number;
  schemaVersion: number;
}
