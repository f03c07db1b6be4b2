// A circle's trust state on this device: the pinned owner key, the verified membership
// chain (persisted, never rolled back), and the document keys per epoch. Everything the
// relay sends about membership is checked here link by link before it is believed.

import type { PacelineDB } from '../storage/db';
import { addDocKeys, getMembership, listDocKeys, markRelayVersion, putMembership, replaceUnpublished } from '../storage/key-store';
import { rebaseUnpublished } from './membership-rebase';
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
  /** Versions of ours were replayed on top of the relay's: publish them again. */
  private rebased = false;

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
  async receive(links: readonly SignedMembership[], retried = false): Promise<Result<number, ChainIssue>> {
    const fresh: SignedMembership[] = [];
    let highest = 0;
    for (const link of links) {
      const v = link.body.version;
      highest = Math.max(highest, v);
      const known = this.chain[v - 1];
      if (known) {
        if (!bytesEqual(writeSignedMembership(known), writeSignedMembership(link))) {
          // A version of ours the relay never took lost to another signer's: replay ours on top.
          if (v > this.relayHas) return this.rebase(links);
          return { ok: false, error: { code: 'fork', version: v } };
        }
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
        if (!stored) {
          // This device signed a version since this chain was loaded: start from the stored one.
          if (!retried && (await this.reloaded())) return this.receive(links, true);
          return { ok: false, error: { code: 'fork', version: chain.length } };
        }
      } else if (relayHas > this.relayHas) await markRelayVersion(this.db, this.circleId, relayHas);
    } catch {
      return { ok: false, error: { code: 'storage-failed' } };
    }
    this.chain = chain;
    this.relayHas = relayHas;
    return { ok: true, value: fresh.length };
  }

  /** Takes and clears the "replayed versions wait to be published" mark. */
  takeRebased(): boolean {
    const was = this.rebased;
    this.rebased = false;
    return was;
  }

  /**
   * The relay holds other versions after `relayHas` than ours: believe its (verified) ones,
   * replay ours on top (membership-rebase.ts) and keep them to publish.
   */
  private async rebase(links: readonly SignedMembership[]): Promise<Result<number, ChainIssue>> {
    const theirs = [...links].filter((l) => l.body.version > this.relayHas).sort((a, b) => a.body.version - b.body.version);
    const from = this.relayHas + 1;
    if (theirs.some((l, i) => l.body.version !== from + i)) return { ok: false, error: { code: 'fork', version: from } };
    const common = this.chain.slice(0, this.relayHas);
    const ours = this.chain.slice(this.relayHas);
    const out = await rebaseUnpublished(this.db, this.circleId, this.ownerPk, common, theirs, ours);
    if (!out) return { ok: false, error: { code: 'fork', version: from } };
    const relayHas = common.length + theirs.length;
    try {
      if (this.recipient) await this.storeBundledKeys(theirs, this.recipient);
      const stored = await replaceUnpublished(this.db, { circleId: this.circleId, ownerPk: this.ownerPk, links: out.chain.map(writeSignedMembership), relayVersion: relayHas }, common.length);
      if (!stored) return { ok: false, error: { code: 'fork', version: from } };
    } catch {
      return { ok: false, error: { code: 'storage-failed' } };
    }
    this.chain = out.chain;
    this.relayHas = relayHas;
    this.rebased = out.replayed > 0;
    this.keys.clear();
    return { ok: true, value: theirs.length + out.replayed };
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

  /** Reloads; true when the stored chain is longer than the one held (it changed underneath). */
  private async reloaded(): Promise<boolean> {
    const before = this.chain.length;
    await this.reload();
    return this.chain.length > before;
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
