// Sync status for the UI as a plain external store (subscribe / getSnapshot): every change
// produces a new immutable snapshot, so Solid's `from()`, React's useSyncExternalStore or a
// test can read it without this module importing any of them. Counts are in changes (one
// saved form is one change), not in envelopes.

import type { Role } from './protocol';

export type SyncIssue =
  /** The relay refused this device's key: it is not accepted there. Sync stops. */
  | { code: 'unauthorized' }
  /** No protocol version in common: 'client' means this app must be updated. Sync stops. */
  | { code: 'version-unsupported'; side: 'client' | 'relay' }
  /** The relay answered with another relay id than the one we meant to reach. Sync stops. */
  | { code: 'wrong-relay' }
  /** The relay closed for a reason that is a bug on one side (bad frame, frame too large, too many documents). */
  | { code: 'protocol-error'; reason: string }
  | { code: 'relay-error'; error: string; docId?: string }
  | { code: 'storage-failed'; message: string }
  /** A change is larger than one envelope may carry; it stays on this device. */
  | { code: 'change-too-large'; bytes: number }
  /** Updates under a key epoch this device has no key for: ask the circle owner to pair again. */
  | { code: 'missing-key'; epoch: number }
  /** Updates under a key epoch whose membership version has not arrived (yet). */
  | { code: 'missing-membership'; epoch: number }
  /** The relay sent a membership chain that does not verify, or forks ours. */
  | { code: 'membership-rejected'; reason: string }
  /** An envelope failed the checks and was not applied. */
  | { code: 'rejected-update'; reason: string }
  /** A device's updates skipped a devSeq: the relay may be withholding some. */
  | { code: 'updates-withheld'; device: string };

export type ConnectionStatus =
  | { state: 'offline'; retryAt: number | null }
  | { state: 'connecting' }
  | { state: 'connected'; since: number }
  | { state: 'error'; issue: SyncIssue };

export interface DocStatus {
  docId: string;
  /** Local changes not yet acknowledged by the relay: pending plus sealed. */
  waiting: number;
  /** When the relay last acknowledged a change of this document (epoch ms). */
  lastSharedAt: number | null;
  /** Envelopes received and refused (never applied). */
  rejected: number;
  /** Last relay seq applied here. */
  cursor: number;
  /** True while catch-up pages are still coming. */
  catchingUp: boolean;
  lastIssue: SyncIssue | null;
}

export interface DeviceStatus {
  /** Lower-case hex of the device's public key. */
  device: string;
  role: Role;
  delegate: boolean;
  isThisDevice: boolean;
  /** Newest time an update of this device arrived here, over all documents (null: never). */
  lastSeenAt: number | null;
  /** An invitation not claimed yet (not a device anyone uses). */
  pending: boolean;
  /** Last devSeq seen per document. */
  lastDevSeq: Record<string, number>;
  /** devSeq jumps seen from this device (updates withheld). */
  gaps: number;
}

export interface CircleStatus {
  circleId: string;
  membershipVersion: number;
  keyEpoch: number;
  devices: DeviceStatus[];
  lastIssue: SyncIssue | null;
}

export interface SyncStatus {
  connection: ConnectionStatus;
  /** Over all documents. */
  waiting: number;
  lastSharedAt: number | null;
  lastIssue: SyncIssue | null;
  docs: Readonly<Record<string, DocStatus>>;
  circles: Readonly<Record<string, CircleStatus>>;
}

export interface SyncStatusSource {
  getSnapshot(): SyncStatus;
  /** Calls the listener after each change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

const INITIAL: SyncStatus = { connection: { state: 'offline', retryAt: null }, waiting: 0, lastSharedAt: null, lastIssue: null, docs: {}, circles: {} };

/** The writable side, held by the provider. */
export class SyncStatusStore implements SyncStatusSource {
  private snapshot: SyncStatus = INITIAL;
  private listeners = new Set<() => void>();

  getSnapshot(): SyncStatus {
    return this.snapshot;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sets the connection state; an error becomes the last issue too. */
  setConnection(connection: ConnectionStatus): void {
    this.publish({ ...this.snapshot, connection, lastIssue: connection.state === 'error' ? connection.issue : this.snapshot.lastIssue });
  }

  /** Records an issue that belongs to no document or circle. */
  reportIssue(issue: SyncIssue): void {
    this.publish({ ...this.snapshot, lastIssue: issue });
  }

  /** Creates or patches one document's status. */
  patchDoc(docId: string, patch: Partial<Omit<DocStatus, 'docId'>>): void {
    const previous = this.snapshot.docs[docId] ?? { docId, waiting: 0, lastSharedAt: null, rejected: 0, cursor: 0, catchingUp: false, lastIssue: null };
    const next: DocStatus = { ...previous, ...patch };
    const docs = { ...this.snapshot.docs, [docId]: next };
    const lastIssue = patch.lastIssue ?? this.snapshot.lastIssue;
    this.publish({ ...this.snapshot, docs, lastIssue, ...totals(docs) });
  }

  /** Drops a document that is no longer synced. */
  removeDoc(docId: string): void {
    const { [docId]: _removed, ...docs } = this.snapshot.docs;
    this.publish({ ...this.snapshot, docs, ...totals(docs) });
  }

  /** Replaces one circle's status. */
  setCircle(status: CircleStatus): void {
    const lastIssue = status.lastIssue ?? this.snapshot.lastIssue;
    this.publish({ ...this.snapshot, circles: { ...this.snapshot.circles, [status.circleId]: status }, lastIssue });
  }

  private publish(next: SyncStatus): void {
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}

function totals(docs: Readonly<Record<string, DocStatus>>): Pick<SyncStatus, 'waiting' | 'lastSharedAt'> {
  let waiting = 0;
  let lastSharedAt: number | null = null;
  for (const d of Object.values(docs)) {
    waiting += d.waiting;
    if (d.lastSharedAt !== null && (lastSharedAt === null || d.lastSharedAt > lastSharedAt)) lastSharedAt = d.lastSharedAt;
  }
  return { waiting, lastSharedAt };
}
