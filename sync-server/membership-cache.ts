// Verified membership chains, cached in memory per circle so that a push is authorized
// without a storage read or a signature check of the chain. The store holds the chain as
// it was verified; loading it decodes the links but does not verify them again.
//
// Publishing: links the relay already has must be byte-identical (a different version n
// is a fork: 'membership-conflict'); new links are verified one by one from the newest
// accepted version with verifyMembershipChain, the first genesis pinning its signer as the
// circle's owner key. The cache is updated when the write is queued, so requests that come
// after it are judged by the new version; they commit in the same or a later transaction.

import { type Bytes, bytesEqual, toHex } from '../src/sync/codec-bytes';
import type { CircleId, Result } from '../src/sync/protocol';
import {
  type Membership,
  type MembershipError,
  type SignedMembership,
  claimedInvitation,
  readSignedMembership,
  verifyMembershipSequence,
  writeSignedMembership,
} from '../src/sync/protocol-membership';
import type { GroupCommitter } from './group-commit';
import type { RelayStore, StoreError } from './storage/store';

export interface CircleState {
  readonly circleId: CircleId;
  readonly ownerPk: Bytes;
  /** Verified links, oldest first: chain[i] has version i + 1. */
  readonly chain: SignedMembership[];
  /** The same links encoded, for byte comparison and for frames. */
  readonly links: Uint8Array[];
  /** The newest accepted version (possibly not yet durable). */
  current: Membership;
  /** Hex keys of every device in any version: who may have written something here. */
  readonly everMembers: Set<string>;
  /** The newest version known to be durable: only these are sent to clients. */
  committedVersion: number;
  pendingWrites: number;
  /** Settles when the newest accepted version is durable. */
  lastDurable: Promise<Result<void, StoreError>>;
  stale: boolean;
}

export type PublishError = { code: 'membership-rejected' | 'membership-conflict'; version: number; reason: MembershipError | 'fork' | 'busy' };

export interface Published {
  circle: CircleState;
  /** Versions this publish added (empty when every link was already known). */
  added: number;
  /** Resolves when the added links are durable; null when nothing was added. */
  durable: Promise<Result<void, StoreError>> | null;
}

const DURABLE: Promise<Result<void, StoreError>> = Promise.resolve({ ok: true, value: undefined });

/** Per-circle verified membership, loaded lazily and bounded in size. */
export class MembershipCache {
  private readonly states = new Map<CircleId, CircleState | null>();
  private readonly loading = new Map<CircleId, Promise<CircleState | null>>();
  private generation = 0;

  constructor(
    private readonly store: RelayStore,
    private readonly committer: GroupCommitter,
    private readonly clock: () => number = Date.now,
    private readonly maxCircles = 10_000,
  ) {}

  /** The circle's state if it is in memory (no storage read). */
  peek(circleId: CircleId): CircleState | null | undefined {
    return this.states.get(circleId);
  }

  /** The circle's verified state, or null if it has no genesis yet; rejects only on storage failure. */
  async get(circleId: CircleId): Promise<CircleState | null> {
    if (this.states.has(circleId)) return this.states.get(circleId) ?? null;
    let load = this.loading.get(circleId);
    if (!load) {
      const generation = this.generation;
      load = this.load(circleId).finally(() => this.loading.delete(circleId));
      this.loading.set(circleId, load);
      const loaded = await load;
      // A publish or an invalidation may have happened while loading: theirs wins.
      if (generation === this.generation && !this.states.has(circleId)) this.remember(circleId, loaded);
      return this.states.get(circleId) ?? loaded;
    }
    await load;
    return this.states.get(circleId) ?? (await load);
  }

  /** Validates and queues a chain segment; resolves with what was added or the first problem. */
  async publish(segment: SignedMembership[]): Promise<Result<Published, PublishError>> {
    const first = segment[0];
    if (!first) return { ok: false, error: { code: 'membership-rejected', version: 0, reason: 'not-genesis' } };
    const circleId = first.body.circleId;
    // A concurrent publish to the same circle can move it while we verify; start over then.
    for (let attempt = 0; attempt < 3; attempt++) {
      const circle = await this.get(circleId);
      const known = circle?.chain.length ?? 0;
      const fresh: SignedMembership[] = [];
      for (const link of segment) {
        if (link.body.version > known) fresh.push(link);
        else if (!bytesEqual(writeSignedMembership(link), circle?.links[link.body.version - 1] ?? new Uint8Array())) {
          return { ok: false, error: { code: 'membership-conflict', version: link.body.version, reason: 'fork' } };
        }
      }
      if (fresh.length === 0) return { ok: true, value: { circle: circle as CircleState, added: 0, durable: null } };
      const ownerPk = circle?.ownerPk ?? (fresh[0] as SignedMembership).signer;
      const verified = await verifyMembershipSequence(circle?.chain.at(-1) ?? null, fresh, ownerPk);
      if (!verified.ok) {
        const version = fresh[verified.error.index]?.body.version ?? 0;
        return { ok: false, error: { code: 'membership-rejected', version, reason: verified.error.error } };
      }
      // Invitations expire by the relay's clock: the inviter's and the claimer's clocks are not trusted for that.
      let prev = circle?.chain.at(-1)?.body ?? null;
      for (const link of fresh) {
        const claimed = prev ? claimedInvitation(prev, link) : undefined;
        if (claimed && this.clock() > (claimed.claimBy ?? 0)) return { ok: false, error: { code: 'membership-rejected', version: link.body.version, reason: 'invite-expired' } };
        prev = link.body;
      }
      const now = this.states.get(circleId) ?? null;
      if (now !== circle || (now?.chain.length ?? 0) !== known || now?.stale) continue;
      return { ok: true, value: this.append(circleId, circle, ownerPk, fresh) };
    }
    return { ok: false, error: { code: 'membership-conflict', version: first.body.version, reason: 'busy' } };
  }

  /** Marks versions durable (called after their transaction committed). */
  committed(circleId: CircleId, version: number): void {
    const state = this.states.get(circleId);
    if (state && version > state.committedVersion) state.committedVersion = version;
  }

  /** Forgets everything (after a failed transaction): the next reads come from the store. */
  invalidate(): void {
    this.generation++;
    for (const s of this.states.values()) if (s) s.stale = true;
    this.states.clear();
  }

  private append(circleId: CircleId, circle: CircleState | null, ownerPk: Bytes, fresh: SignedMembership[]): Published {
    const state: CircleState = circle ?? {
      circleId,
      ownerPk,
      chain: [],
      links: [],
      current: (fresh[0] as SignedMembership).body,
      everMembers: new Set(),
      committedVersion: 0,
      pendingWrites: 0,
      lastDurable: DURABLE,
      stale: false,
    };
    const encoded = fresh.map(writeSignedMembership);
    state.chain.push(...fresh);
    state.links.push(...encoded);
    state.current = (fresh.at(-1) as SignedMembership).body;
    for (const link of fresh) for (const m of link.body.members) state.everMembers.add(toHex(m.devicePk));
    state.pendingWrites++;
    if (!circle) this.remember(circleId, state);
    const durable = this.committer.add((batch) => {
      fresh.forEach((link, i) => {
        batch.memberships.push({ circleId, version: link.body.version, link: encoded[i] as Uint8Array, ownerPk: link.body.version === 1 ? ownerPk : null });
      });
    });
    state.lastDurable = durable;
    void durable.finally(() => state.pendingWrites--);
    return { circle: state, added: fresh.length, durable };
  }

  private async load(circleId: CircleId): Promise<CircleState | null> {
    const stored = await this.store.loadCircle(circleId);
    if (!stored || stored.links.length === 0) return null;
    const chain: SignedMembership[] = [];
    for (const bytes of stored.links) {
      const link = readSignedMembership(bytes);
      if (!link.ok) throw new Error(`stored membership link does not decode: ${link.error.code}`);
      chain.push(link.value);
    }
    const current = (chain.at(-1) as SignedMembership).body;
    const everMembers = new Set(chain.flatMap((link) => link.body.members.map((m) => toHex(m.devicePk))));
    return { circleId, ownerPk: stored.ownerPk, chain, links: [...stored.links], current, everMembers, committedVersion: chain.length, pendingWrites: 0, lastDurable: DURABLE, stale: false };
  }

  private remember(circleId: CircleId, state: CircleState | null): void {
    this.states.set(circleId, state);
    if (this.states.size <= this.maxCircles) return;
    // Evict the oldest entries that have nothing in flight (Map iterates in insertion order).
    for (const [id, s] of this.states) {
      if (this.states.size <= this.maxCircles) break;
      if (!s || s.pendingWrites === 0) this.states.delete(id);
    }
  }
}
