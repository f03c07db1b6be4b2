// The receiving side's checks, one envelope at a time, as values: whether an update or a
// snapshot from the relay may be applied, must be skipped, must be rejected, or cannot be
// judged yet. The relay checked the same rules, but a client believes only what it checks:
// signature, membership of the signer in the key epoch it sealed under, the role's write
// right, the document key, and the sender's devSeq sequence (a jump means the relay
// withheld updates).

import { type Bytes, bytesEqual } from './codec-bytes';
import type { DocKey } from './crypto';
import type { Membership } from './protocol-membership';
import { authorizeWrite } from './protocol-membership';
import type { EnvelopeHeader, SealedEnvelope, SnapshotHeader, UpdateHeader } from './protocol-envelope';
import { openEnvelope } from './protocol-envelope';
import { toHex } from './sync-ids';
import { type Role, WRITE_RIGHTS, parseDocId } from './protocol';

export type Rejection = 'bad-signature' | 'tampered' | 'unknown-signer' | 'forbidden' | 'wrong-epoch' | 'wrong-circle' | 'wrong-document' | 'out-of-scope';

export type UpdateVerdict =
  /** Apply it. `gap`: the sender's previous devSeq never arrived (withheld by the relay). */
  | { kind: 'apply'; plaintext: Bytes; device: string; devSeq: number; gap: boolean }
  /** Already held: our own envelope, or a devSeq of that device we applied before (a replay). */
  | { kind: 'skip'; reason: 'own' | 'duplicate'; device: string; devSeq: number }
  /** Never apply; the cursor moves past it and the rejection is counted and reported. */
  | { kind: 'reject'; reason: Rejection; device: string }
  /** Cannot be judged until the membership or the key for its epoch arrives; stop here. */
  | { kind: 'wait'; reason: 'membership' | 'key'; epoch: number };

export type SnapshotVerdict =
  | { kind: 'apply'; plaintext: Bytes }
  | { kind: 'reject'; reason: Rejection }
  | { kind: 'wait'; reason: 'membership' | 'key'; epoch: number };

export interface ReceiveContext {
  readonly ownPk: Bytes;
  /** Our next devSeq: our own envelopes below it are already in the document. */
  readonly ownNextDevSeq: number;
  /** Own envelopes below this devSeq are applied, not skipped (see SyncDocRow.ownReapplyBelow). */
  readonly ownReapplyBelow?: number;
  /** The newest verified key epoch of the circle (0 before any membership). */
  readonly newestEpoch: number;
  membershipFor(epoch: number): Membership | null;
  docKey(epoch: number): Promise<DocKey | null>;
  /** The last devSeq applied from a device (hex public key) in this document. */
  lastSeen(device: string): number | undefined;
  /** True right after a snapshot: the next devSeq of each device is unknown, so no gap can be told. */
  readonly baselineFromSnapshot: boolean;
  /** For a role with limited rights on this document: whether the opened update stays within them. */
  scope?(role: Role, devicePk: Bytes, plaintext: Bytes): boolean;
}

type Authorized = { ok: true; key: DocKey; role: Role } | { ok: false; verdict: { kind: 'reject'; reason: Rejection } | { kind: 'wait'; reason: 'membership' | 'key'; epoch: number } };

/** Membership for the envelope's epoch, the signer's right to write, and the key to open it. */
async function authorize(header: EnvelopeHeader, ctx: ReceiveContext): Promise<Authorized> {
  const epoch = header.keyEpoch;
  const membership = ctx.membershipFor(epoch);
  if (!membership) {
    // A newer epoch than we have verified: its membership is on its way (the relay sends it first).
    if (epoch > ctx.newestEpoch) return { ok: false, verdict: { kind: 'wait', reason: 'membership', epoch } };
    return { ok: false, verdict: { kind: 'reject', reason: 'wrong-epoch' } };
  }
  const allowed = authorizeWrite(membership, header);
  if (!allowed.ok) return { ok: false, verdict: { kind: 'reject', reason: allowed.error } };
  const key = await ctx.docKey(epoch);
  if (!key) return { ok: false, verdict: { kind: 'wait', reason: 'key', epoch } };
  return { ok: true, key, role: allowed.value };
}

/** Judges one update envelope of this document. */
export async function judgeUpdate(env: SealedEnvelope<UpdateHeader>, ctx: ReceiveContext): Promise<UpdateVerdict> {
  const { header } = env;
  const device = toHex(header.devicePk);
  if (bytesEqual(header.devicePk, ctx.ownPk) && header.devSeq < ctx.ownNextDevSeq && header.devSeq >= (ctx.ownReapplyBelow ?? 0)) {
    return { kind: 'skip', reason: 'own', device, devSeq: header.devSeq };
  }
  const authorized = await authorize(header, ctx);
  if (!authorized.ok) return authorized.verdict.kind === 'reject' ? { ...authorized.verdict, device } : authorized.verdict;
  const opened = await openEnvelope(env, authorized.key);
  if (!opened.ok) {
    const reason: Rejection = opened.error.code === 'bad-signature' || opened.error.code === 'wrong-document' || opened.error.code === 'wrong-epoch' ? opened.error.code : 'tampered';
    return { kind: 'reject', reason, device };
  }
  const last = ctx.lastSeen(device);
  if (last !== undefined && header.devSeq <= last) return { kind: 'skip', reason: 'duplicate', device, devSeq: header.devSeq };
  if (!inScope(header, authorized.role, opened.value, ctx)) return { kind: 'reject', reason: 'out-of-scope', device };
  const expected = last === undefined ? (ctx.baselineFromSnapshot ? header.devSeq : 1) : last + 1;
  // This device's own envelopes show no withholding: the ones it skips as echoes leave holes
  // in what it records of its own key (and it knows what it pushed).
  const own = bytesEqual(header.devicePk, ctx.ownPk);
  return { kind: 'apply', plaintext: opened.value, device, devSeq: header.devSeq, gap: !own && header.devSeq > expected };
}

/** Judges a snapshot envelope offered for this document (its coversSeq is signed by its author). */
export async function judgeSnapshot(env: SealedEnvelope<SnapshotHeader>, ctx: ReceiveContext): Promise<SnapshotVerdict> {
  const authorized = await authorize(env.header, ctx);
  if (!authorized.ok) return authorized.verdict;
  const opened = await openEnvelope(env, authorized.key);
  if (!opened.ok) {
    const reason: Rejection = opened.error.code === 'bad-signature' || opened.error.code === 'wrong-document' || opened.error.code === 'wrong-epoch' ? opened.error.code : 'tampered';
    return { kind: 'reject', reason };
  }
  if (!inScope(env.header, authorized.role, opened.value, ctx)) return { kind: 'reject', reason: 'out-of-scope' };
  return { kind: 'apply', plaintext: opened.value };
}

/** 'limited' write rights (DESIGN.md's table) are checked here, on the plaintext; the relay could not. */
function inScope(header: EnvelopeHeader, role: Role, plaintext: Bytes, ctx: ReceiveContext): boolean {
  const parsed = parseDocId(header.docId);
  if (!parsed || WRITE_RIGHTS[parsed.docClass][role] !== 'limited' || !ctx.scope) return true;
  return ctx.scope(role, header.devicePk, plaintext);
}
