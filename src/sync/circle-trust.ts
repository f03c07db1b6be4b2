// A circle's trust state on this device: the pinned owner key, the verified membership
// chain (persisted, never rolled back), and the document keys per epoch. Everything the
// relay sends about membership is checked here link by link before it is believed.

import type { PacelineDB } from '../storage/db';
import { addDocKeys, getMembership, listDocKeys, markRelayVersion, putMembership } from '../storage/key-store';
import { type BoxKeys, openBundle } from './membership-keys';
import { type Bytes, bytesEqual } from './codec-bytes';
import { type DocKey, importDocKey } from './crypto';
import { type CircleId, type DocId, LIMITS, type Result } from './protocol';
import {
  type Membership,
  type MembershipError,
  type SignedMembership,
  readSignedMembership,
  verifyMembershipSequence,
  writeSignedMembership,
} from './protocol-membership';
import { docKeyOfDocId } from './sync-ids';

export type ChainIssue =
  /** The relay sent a version we hold with different content: someone forked the chain. */
  | { code: 'fork'; version: number }
  | { code: 'invalid'; version: number; reason: MembershipError }
  | { code: 'storage-failed' };

export class CircleTrust {
  private keys = new Map<string, Promise<DocKey | null>>();

  private constructor(
    private readonly db: PacelineDB,
    readonly circleId: CircleId,
    readonly ownerPk: Bytes,
    private chain: SignedMembership[],
    private relayHas: number,
    private readonly recipient: { devicePk: Bytes; box: BoxKeys } | undefined,
  ) {}

  /**
   * Loads a circle's stored trust state; null when this device has no membership row for it.
   * With `recipient`, key bundles sealed to this device in new versions are opened and stored.
   */
  static async load(db: PacelineDB, circleId: CircleId, recipient?: { devicePk: Bytes; box: BoxKeys }): Promise<CircleTrust | null> {
    const row = await getMembership(db, circleId);
    if (!row) return null;
    const chain: SignedMembership[] = [];
    for (const bytes of row.links) {
      const link = readSignedMembership(bytes);
      // Stored links were verified before they were stored; one that no longer decodes is a bug.
      if (!link.ok) throw new Error(`stored membership link of ${circleId} does not decode: ${link.error.code}`);
      chain.push(link.value);
    }
    return new CircleTrust(db, circleId, row.ownerPk, chain, row.relayVersion, recipient);
  }

  /** The newest verified version, or null before the first link arrived (a joining device). */
  get current(): Membership | null {
    return this.chain.at(-1)?.body ?? null;
  }

  get version(): number {
    return this.chain.length;
  }

  /** The newest version the relay is known to hold. */
  get relayVersion(): number {
    return this.relayHas;
  }

  /**
   * The membership to authorize an envelope of key epoch `epoch` against: the newest version
   * with that epoch (within an epoch, members are only ever added).
   */
  forEpoch(epoch: number): Membership | null {
    for (let i = this.chain.length - 1; i >= 0; i--) {
      const body = (this.chain[i] as SignedMembership).body;
      if (body.keyEpoch === epoch) return body;
      if (body.keyEpoch < epoch) return null;
    }
    return null;
  }

  /** Links the relay does not hold yet, in frames of at most maxChainLinks. */
  unpublished(): SignedMembership[][] {
    const links = this.chain.slice(this.relayHas);
    const frames: SignedMembership[][] = [];
    for (let i = 0; i < links.length; i += LIMITS.maxChainLinks) frames.push(links.slice(i, i + LIMITS.maxChainLinks));
    return frames;
  }

  /** Forgets what the relay holds (it said it does not know the circle): everything is published again. */
  relayLost(): void {
    this.relayHas = 0;
  }

  /**
   * Takes links the relay sent: known ones must be byte-identical, new ones must verify from
   * our newest version. Stored first, believed after. Returns how many versions were added.
   */
  async receive(links: readonly SignedMembership[]): Promise<Result<number, ChainIssue>> {
    const fresh: SignedMembership[] = [];
    let highest = 0;
    for (const link of links) {
      const v = link.body.version;
      highest = Math.max(highest, v);
      const known = this.chain[v - 1];
      if (known) {
        if (!bytesEqual(writeSignedMembership(known), writeSignedMembership(link))) return { ok: false, error: { code: 'fork', version: v } };
      } else fresh.push(link);
    }
    if (fresh.length > 0) {
      const verified = await verifyMembershipSequence(this.chain.at(-1) ?? null, fresh, this.ownerPk);
      if (!verified.ok) return { ok: false, error: { code: 'invalid', version: fresh[verified.error.index]?.body.version ?? 0, reason: verified.error.error } };
    }
    const chain = [...this.chain, ...fresh];
    const relayHas = Math.max(this.relayHas, Math.min(highest, chain.length));
    try {
      // New document keys sealed to this device are stored before the versions that name their epoch are believed.
      if (this.recipient) await this.storeBundledKeys(fresh, this.recipient);
      if (fresh.length > 0) {
        const stored = await putMembership(this.db, { circleId: this.circleId, ownerPk: this.ownerPk, links: chain.map(writeSignedMembership), relayVersion: relayHas });
        if (!stored) return { ok: false, error: { code: 'fork', version: chain.length } };
      } else if (relayHas > this.relayHas) await markRelayVersion(this.db, this.circleId, relayHas);
    } catch {
      return { ok: false, error: { code: 'storage-failed' } };
    }
    this.chain = chain;
    this.relayHas = relayHas;
    return { ok: true, value: fresh.length };
  }

  private async storeBundledKeys(links: readonly SignedMembership[], recipient: { devicePk: Bytes; box: BoxKeys }): Promise<void> {
    const rows = [];
    for (const link of links) {
      // A bundle that does not open (tampered, or sealed to an older box key) leaves the keys missing:
      // the documents then wait for a key, visibly, rather than failing here.
      const opened = await openBundle(link.body, recipient.devicePk, recipient.box);
      if (opened.ok) rows.push(...opened.value.map((k) => ({ docKey: `${this.circleId}/${k.docClass}`, epoch: k.epoch, material: k.material })));
    }
    if (rows.length > 0) {
      await addDocKeys(this.db, rows);
      this.keys.clear();
    }
  }

  /** Reloads the chain from storage (after this device signed a new version). */
  async reload(): Promise<void> {
    const fresh = await CircleTrust.load(this.db, this.circleId, this.recipient);
    if (fresh && fresh.chain.length >= this.chain.length) {
      this.chain = fresh.chain;
      this.relayHas = Math.max(this.relayHas, fresh.relayHas);
    }
    this.keys.clear();
  }

  /** The document key of an epoch, or null if this device was never given it. */
  docKey(docId: DocId, epoch: number): Promise<DocKey | null> {
    const id = `${docId}#${epoch}`;
    let key = this.keys.get(id);
    if (!key) {
      key = this.importKey(docId, epoch);
      this.keys.set(id, key);
      // A missing key may arrive later (an invitation): do not cache the miss.
      void key.then((k) => { if (!k) this.keys.delete(id); });
    }
    return key;
  }

  private async importKey(docId: DocId, epoch: number): Promise<DocKey | null> {
    const rows = await listDocKeys(this.db, docKeyOfDocId(docId));
    const row = rows.find((r) => r.epoch === epoch);
    if (!row) return null;
    const key = await importDocKey(row.material, docId, epoch);
    return key.ok ? key.value : null;
  }
}
