/**
 * Local-only key material and trust anchors: this device's signing key, owner keys of
 * circles it created, document key material per epoch, and each circle's verified
 * membership chain. Private keys are stored as CryptoKey objects (structured-cloneable,
 * normally non-extractable), so script on this origin can use them but never read them.
 */
import type { PacelineDB } from './db';
import { SYNC_ROW_VERSION, type DeviceKeyRow, type DocKeyRow, type MembershipRow, type OwnerKeyRow, type StoredBytes } from './sync-rows';
import { fromStoredKey, toStoredKey } from './private-keys';

/** A key row with its private key ready for WebCrypto. */
export type Opened<T extends { privateKey: unknown }> = Omit<T, 'privateKey'> & { privateKey: CryptoKey };

async function opened<T extends DeviceKeyRow | OwnerKeyRow>(row: T | undefined): Promise<Opened<T> | undefined> {
  return row && { ...row, privateKey: await fromStoredKey(row.privateKey) };
}

/** The device's signing key row, if one was created. */
export async function getDeviceKey(db: PacelineDB): Promise<Opened<DeviceKeyRow> | undefined> {
  return opened(await db.deviceKeys.get('device'));
}

/**
 * Stores the device key unless one exists, in one transaction (two tabs at first run
 * cannot both create one); returns the row that is stored.
 */
export async function putDeviceKeyOnce(db: PacelineDB, publicKey: Uint8Array, privateKey: CryptoKey, now: number = Date.now()): Promise<Opened<DeviceKeyRow>> {
  const stored = await toStoredKey(privateKey);
  const row = await db.transaction('rw', db.deviceKeys, async () => {
    const existing = await db.deviceKeys.get('device');
    if (existing) return existing;
    const fresh: DeviceKeyRow = { id: 'device', publicKey: publicKey as StoredBytes, privateKey: stored, createdAt: now, schemaVersion: SYNC_ROW_VERSION };
    await db.deviceKeys.put(fresh);
    return fresh;
  });
  return (await opened(row))!;
}

/** The device's X25519 box key row, if one was created. */
export async function getBoxKey(db: PacelineDB): Promise<Opened<DeviceKeyRow> | undefined> {
  return opened(await db.deviceKeys.get('box'));
}

/** Stores the box key unless one exists (first writer wins across tabs); returns the stored row. */
export async function putBoxKeyOnce(db: PacelineDB, publicKey: Uint8Array, privateKey: CryptoKey, now: number = Date.now()): Promise<Opened<DeviceKeyRow>> {
  const stored = await toStoredKey(privateKey);
  const row = await db.transaction('rw', db.deviceKeys, async () => {
    const existing = await db.deviceKeys.get('box');
    if (existing) return existing;
    const fresh: DeviceKeyRow = { id: 'box', publicKey: publicKey as StoredBytes, privateKey: stored, createdAt: now, schemaVersion: SYNC_ROW_VERSION };
    await db.deviceKeys.put(fresh);
    return fresh;
  });
  return (await opened(row))!;
}

/** Stores an owner key handed over with an invitation (a clinician set the circle up for its patient). */
export async function putOwnerKey(db: PacelineDB, circleId: string, publicKey: Uint8Array, privateKey: CryptoKey, now: number = Date.now()): Promise<void> {
  await db.ownerKeys.put({ circleId, publicKey: publicKey as StoredBytes, privateKey: await toStoredKey(privateKey), createdAt: now, schemaVersion: SYNC_ROW_VERSION });
}

/** The owner key of a circle this device created, if any. */
export async function getOwnerKey(db: PacelineDB, circleId: string): Promise<Opened<OwnerKeyRow> | undefined> {
  return opened(await db.ownerKeys.get(circleId));
}

/** Document key material rows of a document, oldest epoch first. */
export function listDocKeys(db: PacelineDB, docKey: string): Promise<DocKeyRow[]> {
  return db.docKeys.where('[docKey+epoch]').between([docKey, 0], [docKey, Infinity]).toArray();
}

/** Stores document key material for epochs; material already stored for an epoch is kept (keys never change). */
export async function addDocKeys(db: PacelineDB, rows: ReadonlyArray<{ docKey: string; epoch: number; material: Uint8Array }>, now: number = Date.now()): Promise<void> {
  const table = db.docKeys;
  await db.transaction('rw', db.docKeys, async () => {
    const existing = await table.bulkGet(rows.map((r) => [r.docKey, r.epoch] as [string, number]));
    const fresh = rows.filter((_, i) => existing[i] === undefined);
    await table.bulkAdd(fresh.map((r) => ({ docKey: r.docKey, epoch: r.epoch, material: r.material as StoredBytes, addedAt: now, schemaVersion: SYNC_ROW_VERSION })));
  });
}

/** The stored membership of a circle (pinned owner key and verified chain). */
export function getMembership(db: PacelineDB, circleId: string): Promise<MembershipRow | undefined> {
  return db.memberships.get(circleId);
}

/**
 * Stores a verified chain that extends the stored one. Refuses (false) a chain that is
 * shorter, pins another owner, or differs in a version already stored (one this device signed
 * meanwhile): membership never rolls back on this device, and nothing signed here is lost.
 */
export async function putMembership(db: PacelineDB, row: Omit<MembershipRow, 'schemaVersion' | 'updatedAt'>, now: number = Date.now()): Promise<boolean> {
  return db.transaction('rw', db.memberships, async () => {
    const existing = await db.memberships.get(row.circleId);
    if (existing && (existing.links.length > row.links.length || !sameBytes(existing.ownerPk, row.ownerPk))) return false;
    if (existing && existing.links.some((link, i) => !sameBytes(link, row.links[i] as Uint8Array))) return false;
    await db.memberships.put({ ...row, relayVersion: Math.max(row.relayVersion, existing?.relayVersion ?? 0), updatedAt: now, schemaVersion: SYNC_ROW_VERSION });
    return true;
  });
}

/**
 * Replaces versions the relay never took (they lost a race with another signer) by a
 * rebased chain. The first `keep` links, which the relay holds, must stay byte for byte.
 */
export async function replaceUnpublished(db: PacelineDB, row: Omit<MembershipRow, 'schemaVersion' | 'updatedAt'>, keep: number, now: number = Date.now()): Promise<boolean> {
  return db.transaction('rw', db.memberships, async () => {
    const existing = await db.memberships.get(row.circleId);
    if (!existing || !sameBytes(existing.ownerPk, row.ownerPk) || row.links.length < keep) return false;
    for (let i = 0; i < keep; i++) if (!sameBytes(existing.links[i] as Uint8Array, row.links[i] as Uint8Array)) return false;
    await db.memberships.put({ ...row, updatedAt: now, schemaVersion: SYNC_ROW_VERSION });
    return true;
  });
}

/** Records that the relay holds membership versions up to `version`. */
export async function markRelayVersion(db: PacelineDB, circleId: string, version: number): Promise<void> {
  await db.transaction('rw', db.memberships, async () => {
    const existing = await db.memberships.get(circleId);
    if (existing && existing.relayVersion < version) await db.memberships.put({ ...existing, relayVersion: version });
  });
}

/**
 * Creates a circle's local trust state in one transaction: owner key, genesis chain and the
 * first document keys. Nothing is written if the circle already has a membership here.
 */
export async function createCircleRecords(
  db: PacelineDB,
  owner: { circleId: string; publicKey: Uint8Array; privateKey: CryptoKey },
  genesisLink: Uint8Array,
  keys: ReadonlyArray<{ docKey: string; epoch: number; material: Uint8Array }>,
  now: number = Date.now(),
): Promise<boolean> {
  const privateKey = await toStoredKey(owner.privateKey);
  return db.transaction('rw', [db.ownerKeys, db.memberships, db.docKeys], async () => {
    if (await db.memberships.get(owner.circleId)) return false;
    await Promise.all([
      db.ownerKeys.add({ circleId: owner.circleId, publicKey: owner.publicKey as StoredBytes, privateKey, createdAt: now, schemaVersion: SYNC_ROW_VERSION }),
      db.memberships.add({ circleId: owner.circleId, ownerPk: owner.publicKey as StoredBytes, links: [genesisLink as StoredBytes], relayVersion: 0, updatedAt: now, schemaVersion: SYNC_ROW_VERSION }),
      db.docKeys.bulkAdd(
        keys.map((k) => ({ docKey: k.docKey, epoch: k.epoch, material: k.material as StoredBytes, addedAt: now, schemaVersion: SYNC_ROW_VERSION })),
      ),
    ]);
    return true;
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
