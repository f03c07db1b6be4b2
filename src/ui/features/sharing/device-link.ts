/**
 * The device link: what one of the patient's devices hands to another so it joins the same
 * circle as a patient device. It travels only in the URL fragment (never sent to a server):
 * the circle, the owner's public key (pinned by the joiner), a signing key made for the new
 * device and already added to the membership, and the document keys. Decoding checks every
 * field; a bad link changes nothing.
 */
import type { Bytes } from '../../../sync/codec-bytes';
import { DOC_CLASSES, isCircleId, type CircleId, type DocClass } from '../../../sync/protocol';

export const DEVICE_LINK_VERSION = 1;

export interface DeviceLink {
  circleId: CircleId;
  ownerPk: Bytes;
  /** The new device's Ed25519 key pair (pkcs8 private key, raw public key). */
  devicePk: Bytes;
  deviceSk: Bytes;
  keys: Array<{ docClass: DocClass; epoch: number; material: Bytes }>;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: unknown, length?: number): Bytes | null {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length > 4096) return null;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return length === undefined || out.length === length ? out : null;
  } catch {
    return null;
  }
}

/** The fragment (without '#') that carries a device link. */
export function encodeDeviceLink(link: DeviceLink): string {
  const body = {
    v: DEVICE_LINK_VERSION,
    c: link.circleId,
    o: toBase64Url(link.ownerPk),
    p: toBase64Url(link.devicePk),
    s: toBase64Url(link.deviceSk),
    k: link.keys.map((k) => [k.docClass, k.epoch, toBase64Url(k.material)]),
  };
  return toBase64Url(new TextEncoder().encode(JSON.stringify(body)));
}

/** Reads a device link from a URL fragment; null for anything that is not a valid link. */
export function decodeDeviceLink(fragment: string): DeviceLink | null {
  const raw = fromBase64Url(fragment.replace(/^#/, ''));
  if (!raw) return null;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (b['v'] !== DEVICE_LINK_VERSION || !isCircleId(b['c'])) return null;
  const ownerPk = fromBase64Url(b['o'], 32);
  const devicePk = fromBase64Url(b['p'], 32);
  const deviceSk = fromBase64Url(b['s']);
  if (!ownerPk || !devicePk || !deviceSk || deviceSk.length < 32 || deviceSk.length > 128) return null;
  if (!Array.isArray(b['k']) || b['k'].length === 0 || b['k'].length > 64) return null;
  const keys: DeviceLink['keys'] = [];
  for (const entry of b['k'] as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 3) return null;
    const [docClass, epoch, material] = entry as [unknown, unknown, unknown];
    const bytes = fromBase64Url(material, 32);
    if (!(DOC_CLASSES as readonly unknown[]).includes(docClass) || !Number.isSafeInteger(epoch) || (epoch as number) < 1 || !bytes) return null;
    keys.push({ docClass: docClass as DocClass, epoch: epoch as number, material: bytes });
  }
  return { circleId: b['c'], ownerPk, devicePk, deviceSk, keys };
}
