// Claiming an accepted invitation at the relay, on the relay provider's connection. The
// device is not a member yet, so it cannot subscribe: it publishes the version that added
// the invitation (the relay stores it if the inviter had not published it yet, and answers
// with that version and every newer one), checks that the invitation is still open in the
// newest version, then publishes a claim signed by the invitation key on top of it. If
// someone else changed the membership meanwhile (a conflict) it starts over, a few times.
// Once the relay has a version with this device as a member, the claim row is deleted and
// the circle syncs like any other (its chain is then verified from genesis).

import type { PacelineDB } from '../storage/db';
import type { InviteClaimRow } from '../storage/sync-rows';
import { bytesEqual } from './codec-bytes';
import type { DeviceKeys } from './crypto';
import type { BoxKeys } from './membership-keys';
import type { CircleId, ClientMessage, ErrorCode } from './protocol';
import { fromStoredKey } from '../storage/private-keys';
import {
  type Member,
  type SignedMembership,
  findMember,
  isPending,
  membershipHash,
  readSignedMembership,
  signMembership,
  verifyMembershipChain,
} from './protocol-membership';

export type ClaimOutcome =
  | { ok: true }
  | { ok: false; error: 'invite-used' | 'invite-expired' | 'invite-invalid' | 'storage-failed' | 'waiting-for-inviter' };

const MAX_ATTEMPTS = 5;

export class InviteClaim {
  private phase: 'idle' | 'fetching' | 'claiming' | 'done' = 'idle';
  private attempts = 0;
  private chain: SignedMembership[] = [];

  private constructor(
    private readonly db: PacelineDB,
    private readonly row: Omit<InviteClaimRow, 'inviteKey'> & { inviteKey: CryptoKey },
    private readonly inviteLink: SignedMembership,
    private readonly device: DeviceKeys,
    private readonly box: BoxKeys,
    private readonly ownerPk: Uint8Array,
    private readonly send: (msg: ClientMessage) => void,
    private readonly finished: (outcome: ClaimOutcome) => void,
  ) {}

  /** The claim of a circle, if this device accepted an invitation to it and has not claimed it yet. */
  static async load(
    db: PacelineDB,
    circleId: CircleId,
    device: DeviceKeys,
    box: BoxKeys,
    send: (msg: ClientMessage) => void,
    finished: (outcome: ClaimOutcome) => void,
  ): Promise<InviteClaim | null> {
    const [row, membership] = await Promise.all([db.inviteClaims.get(circleId), db.memberships.get(circleId)]);
    if (!row || !membership) return null;
    const link = readSignedMembership(row.inviteLink);
    if (!link.ok) throw new Error(`stored invitation link of ${circleId} does not decode`);
    return new InviteClaim(db, { ...row, inviteKey: await fromStoredKey(row.inviteKey) }, link.value, device, box, membership.ownerPk, send, finished);
  }

  get circleId(): CircleId {
    return this.row.circleId;
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /** On each authenticated connection: ask for the chain from the invitation's version on. */
  connected(): void {
    if (this.phase === 'done') return;
    this.phase = 'fetching';
    this.chain = [];
    this.send({ type: 'membership', chain: [this.inviteLink] });
  }

  disconnected(): void {
    if (this.phase !== 'done') this.phase = 'idle';
  }

  /** Membership versions the relay sent for this circle. */
  async receive(links: readonly SignedMembership[]): Promise<void> {
    if (this.phase === 'done' || this.phase === 'idle') return;
    for (const link of links) {
      const v = link.body.version;
      const base = this.inviteLink.body.version;
      if (v < base) continue;
      const prev = v === base ? null : this.chain[v - base - 1];
      if (v === base) {
        if (!bytesEqual(link.signature, this.inviteLink.signature)) return this.finish({ ok: false, error: 'invite-invalid' });
        this.chain = [link];
        continue;
      }
      if (!prev) continue; // out of order: wait for the fetch's answer
      if (this.chain[v - base]) continue;
      // The invitation's version is trusted (it came with the link); what follows must chain to it.
      const checked = await verifyMembershipChain(prev, link, this.ownerPk);
      if (!checked.ok) return this.finish({ ok: false, error: 'invite-invalid' });
      this.chain.push(link);
    }
    const head = this.chain.at(-1)?.body;
    if (!head) return;
    const mine = findMember(head, this.device.publicKey);
    if (mine && !isPending(mine)) return this.finish({ ok: true });
    const invite = findMember(head, this.row.invitePk);
    if (!invite || !isPending(invite)) return this.finish({ ok: false, error: 'invite-used' });
    if (this.phase === 'claiming') return;
    await this.claim(head.version, invite);
  }

  /** A refusal of a membership frame for this circle. */
  async onError(code: ErrorCode, message: string | undefined): Promise<void> {
    if (this.phase === 'done' || this.phase === 'idle') return;
    if (message === 'invite-expired') return this.finish({ ok: false, error: 'invite-expired' });
    if (code === 'membership-conflict' && this.attempts < MAX_ATTEMPTS) return this.connected();
    // The relay lacks the versions before the invitation: the inviter's device has not been
    // online since it made the link. Not final: the next connection tries again.
    if (this.phase === 'fetching' && (message === 'skipped-version' || message === 'not-genesis' || code === 'unknown-circle')) {
      this.phase = 'idle';
      return this.finished({ ok: false, error: 'waiting-for-inviter' });
    }
    return this.finish({ ok: false, error: code === 'membership-conflict' ? 'invite-used' : 'invite-invalid' });
  }

  private async claim(headVersion: number, invite: Member): Promise<void> {
    this.phase = 'claiming';
    this.attempts++;
    const prev = (this.chain.at(-1) as SignedMembership).body;
    const self: Member = { devicePk: this.device.publicKey, role: invite.role, delegate: invite.delegate, boxPk: this.box.publicKey, ...(invite.journal ? { journal: true } : {}) };
    const members = [...prev.members.filter((m) => !bytesEqual(m.devicePk, this.row.invitePk)), self];
    const { bundleEpk: _e, bundles: _b, format: _f, ...carried } = prev;
    const claim = await signMembership(
      { ...carried, version: headVersion + 1, prevHash: await membershipHash(prev), members, issuedAt: Math.min(Date.now(), this.row.claimBy) },
      { publicKey: this.row.invitePk, privateKey: this.row.inviteKey },
    );
    this.send({ type: 'membership', chain: [claim] });
  }

  private async finish(outcome: ClaimOutcome): Promise<void> {
    if (this.phase === 'done') return;
    this.phase = 'done';
    if (outcome.ok) {
      try {
        await this.db.inviteClaims.delete(this.row.circleId);
      } catch {
        return this.finished({ ok: false, error: 'storage-failed' });
      }
    }
    this.finished(outcome);
  }
}
