/**
 * Sealing and opening one row of an encrypted table. Stored form:
 *
 *   { ...primary key and index fields in clear, __pl: u8(1) · nonce(12) · AES-256-GCM(value) · tag(16) }
 *
 * Synchronous on purpose (@noble/ciphers, not WebCrypto): awaiting anything but IndexedDB
 * inside a transaction lets it commit. A random 96-bit nonce per write: one data key must
 * stay under 2^32 writes (NIST SP 800-38D), far beyond a loaned tablet's life.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import * as encoding from 'lib0/encoding';
import { AtRestError } from './at-rest-error';
import { checkClear, clearCopy, type TablePlan } from './clear-fields';
import { decodeValue, encodeValue, isBytes } from './value-codec';

export const SEALED_FIELD = '__pl';
const FORMAT = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES;
export const DATA_KEY_BYTES = 32;

export function isSealed(row: unknown): row is Record<string, unknown> & { [SEALED_FIELD]: Uint8Array } {
  return typeof row === 'object' && row !== null && isBytes((row as Record<string, unknown>)[SEALED_FIELD]);
}

/** The stored form of `value`; `key` is the given key of an outbound table. */
export function sealRow(plan: TablePlan, value: unknown, key: unknown, dataKey: Uint8Array): Record<string, unknown> {
  const bytes = encodeValue(value);
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = gcm(dataKey, nonce, aad(plan, plan.outbound ? key : plan.extractKey(value))).encrypt(bytes);
  const blob = new Uint8Array(HEADER_BYTES + sealed.length);
  blob[0] = FORMAT;
  blob.set(nonce, 1);
  blob.set(sealed, HEADER_BYTES);
  const row = clearCopy(plan, value);
  row[SEALED_FIELD] = blob;
  return row;
}

/**
 * The value a stored row holds. A row without the seal (written before encryption was on)
 * is returned as it is; a sealed one needs the key and must open, or this throws.
 */
export function openRow(plan: TablePlan, stored: unknown, key: unknown, dataKey: Uint8Array | null): unknown {
  if (!isSealed(stored)) return stored;
  if (!dataKey) throw new AtRestError('locked', `The ${plan.name} table is locked: unlock the device to read it`);
  const corrupt = () => new AtRestError('corrupt', `A row of ${plan.name} does not open with this key: wrong key, changed or moved`);
  const blob = stored[SEALED_FIELD];
  if (blob.length < HEADER_BYTES + TAG_BYTES || blob[0] !== FORMAT) throw corrupt();
  let value: unknown;
  try {
    const ad = aad(plan, plan.outbound ? key : plan.extractKey(stored));
    const plain = gcm(dataKey, blob.subarray(1, HEADER_BYTES), ad).decrypt(blob.subarray(HEADER_BYTES));
    value = decodeValue(plain);
  } catch {
    throw corrupt();
  }
  checkClear(plan, stored, value, corrupt);
  return value;
}

/**
 * Associated data: format, table name and primary key, so a row copied to another key or
 * table fails to open. Auto-increment tables bind to the table name only: IndexedDB assigns
 * the key after the row is sealed, and assigning it ourselves (max + 1) would reuse the keys
 * of deleted rows, which IndexedDB's generator never does. A row that was sealed with its key
 * in the value (a put or a modify) is still bound to it by the clear-field check on open.
 */
function aad(plan: TablePlan, key: unknown): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, 'paceline/at-rest');
  encoding.write(e, FORMAT);
  encoding.writeVarString(e, plan.name);
  if (!plan.autoIncrement) writeKey(e, key);
  return encoding.toUint8Array(e);
}

/** An IndexedDB key, exactly: strings as UTF-16 code units, binary by its bytes. */
function writeKey(e: encoding.Encoder, key: unknown): void {
  if (typeof key === 'number') {
    encoding.write(e, 1);
    encoding.writeFloat64(e, key + 0); // -0 and 0 are one key
  } else if (typeof key === 'string') {
    encoding.write(e, 2);
    encoding.writeVarUint(e, key.length);
    for (let i = 0; i < key.length; i++) encoding.writeVarUint(e, key.charCodeAt(i));
  } else if (Array.isArray(key)) {
    encoding.write(e, 3);
    encoding.writeVarUint(e, key.length);
    for (const part of key) writeKey(e, part);
  } else if (key instanceof Date || Object.prototype.toString.call(key) === '[object Date]') {
    encoding.write(e, 4);
    encoding.writeFloat64(e, (key as Date).getTime());
  } else if (ArrayBuffer.isView(key)) {
    encoding.write(e, 5);
    encoding.writeVarUint8Array(e, new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
  } else if (Object.prototype.toString.call(key) === '[object ArrayBuffer]') {
    encoding.write(e, 5);
    encoding.writeVarUint8Array(e, new Uint8Array(key as ArrayBuffer));
  } else {
    throw new AtRestError('unsupported', `Not a valid key: ${String(key)}`);
  }
}
