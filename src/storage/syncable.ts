/**
 * What the sync layer needs from a persisted document (the journal store today; plan,
 * circle, messages and alerts stores later): its live Y.Doc, a persisted path for updates
 * received from elsewhere, and committed-change notifications with their updates.
 */
import type * as Y from 'yjs';
import type { Result } from '../domain/records';
import type { DocName } from './db';
import type { AlsoWrite, ChangeListener, ORIGIN_PEER, ORIGIN_SYNC } from './doc-commit';
import type { StorageError } from './errors';

export interface RemoteUpdateOptions {
  /** ORIGIN_SYNC (relay, the default) or ORIGIN_PEER (y-webrtc). */
  origin?: typeof ORIGIN_SYNC | typeof ORIGIN_PEER;
  /** Written in the same transaction as the update (the sync cursor). */
  also?: AlsoWrite;
}

export interface SyncableDoc {
  readonly circleId: string;
  readonly docName: DocName;
  /** The live document; replaced after a failed write, so read it each time. */
  readonly doc: Y.Doc;
  /** Persist an update from another device with its derived rows (and `also`) in one transaction. */
  applyRemoteUpdate(update: Uint8Array, options?: RemoteUpdateOptions): Promise<Result<void, StorageError>>;
  /** Called after every committed change with its origin and update (null: memory was reset to storage). */
  onChange(listener: ChangeListener): () => void;
  /**
   * For documents some roles may write only in part: whether an update from `author` stays
   * within its scope, judged on this document with `earlier` (accepted in the same delivery)
   * applied first. Absent: the role's write right is all there is to check.
   */
  remoteScope?(update: Uint8Array, author: { role: 'patient' | 'caregiver' | 'clinician' | 'intake'; memberRef: string }, earlier: readonly Uint8Array[]): boolean;
}
