// Small conversions between the protocol's names and storage's: a protocol DocId is
// `${circleId}.${docClass}`, a storage docKey is `${circleId}/${docName}` (the same names).

import type { DocName } from '../storage/db';
import { type CircleId, type DocClass, type DocId, docIdOf, parseDocId } from './protocol';

/** The storage key of a protocol document id. */
export function docKeyOfDocId(docId: DocId): string {
  const parsed = parseDocId(docId);
  if (!parsed) throw new RangeError(`not a document id: ${docId}`);
  return `${parsed.circleId}/${parsed.docClass}`;
}

/** The protocol document id of a circle's document. */
export function docIdOfDoc(circleId: CircleId, docName: DocName): DocId {
  // DocName and DocClass list the same five names; the protocol module cannot import storage.
  return docIdOf(circleId, docName satisfies DocClass);
}

/** Lower-case hex of bytes: the key of a device in status and sync state. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of lower-case hex (callers pass hex this module wrote). */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
