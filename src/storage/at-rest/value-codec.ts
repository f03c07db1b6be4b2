/**
 * The plaintext of a sealed row: the whole value in lib0's "any" encoding (Yjs's own, already
 * in the bundle). We walk objects and arrays ourselves instead of calling writeAny on the
 * root, because writeAny silently changes what it cannot hold: a Date becomes {}, a lone
 * UTF-16 surrogate becomes U+FFFD, a bigint beyond 64 bits wraps, an array hole becomes
 * undefined. Those are written as null and listed after the value as patches (path, kind,
 * data), so a decoded value deep-equals what IndexedDB's structured clone would have
 * returned. Anything else that is not plain data is refused, CryptoKeys included: script
 * cannot read a non-extractable key's bytes, so it could only be stored in clear beside the
 * sealed value (a clinic tablet stores private keys as bytes instead, private-keys.ts).
 *
 * Layout: any(value) · varUint(patch count) · [any(path) · u8(kind) · any(data)]*
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { AtRestError } from './at-rest-error';

// Type tags of lib0's writeAny (lib0/encoding.js).
const TAG_NULL = 126;
const TAG_OBJECT = 118;
const TAG_ARRAY = 117;
const TAG_BYTES = 116;

const PATCH = { date: 1, string: 2, bigint: 3, hole: 4 } as const;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Path = (string | number)[];

interface Walk {
  e: encoding.Encoder;
  path: Path;
  patches: [Path, number, unknown][];
  /** Objects being written, outermost first: a value that contains itself is refused. */
  parents: object[];
}

/** True for a Uint8Array, also one from another realm (a structured clone, a test runner). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || Object.prototype.toString.call(value) === '[object Uint8Array]';
}

export function encodeValue(value: unknown): Uint8Array {
  const w: Walk = { e: encoding.createEncoder(), path: [], patches: [], parents: [] };
  writeValue(w, value);
  encoding.writeVarUint(w.e, w.patches.length);
  for (const [path, kind, data] of w.patches) {
    encoding.writeAny(w.e, path);
    encoding.write(w.e, kind);
    encoding.writeAny(w.e, data as encoding.AnyEncodable);
  }
  return encoding.toUint8Array(w.e);
}

/** Inverse of encodeValue; throws on malformed bytes. */
export function decodeValue(bytes: Uint8Array): unknown {
  const d = decoding.createDecoder(bytes);
  let root = readValue(d);
  const count = decoding.readVarUint(d);
  for (let i = 0; i < count; i++) {
    const path = decoding.readAny(d) as Path;
    const kind = decoding.readUint8(d);
    const data = decoding.readAny(d);
    root = applyPatch(root, path, kind, data);
  }
  if (decoding.hasContent(d)) throw new Error('trailing bytes after the value');
  return root;
}

function unsupported(what: string): AtRestError {
  return new AtRestError('unsupported', `Cannot store ${what} in an encrypted table`);
}

function patch(w: Walk, kind: number, data: unknown): void {
  w.patches.push([[...w.path], kind, data]);
  encoding.write(w.e, TAG_NULL);
}

function writeValue(w: Walk, v: unknown): void {
  switch (typeof v) {
    case 'string':
      if (LONE_SURROGATE.test(v)) return patch(w, PATCH.string, Array.from({ length: v.length }, (_, i) => v.charCodeAt(i)));
      return encoding.writeAny(w.e, v);
    case 'bigint':
      if (v < INT64_MIN || v > INT64_MAX) return patch(w, PATCH.bigint, v.toString());
      return encoding.writeAny(w.e, v);
    case 'number':
    case 'boolean':
    case 'undefined':
      return encoding.writeAny(w.e, v);
    case 'object':
      return v === null ? encoding.writeAny(w.e, null) : writeObject(w, v);
    default:
      throw unsupported(`a ${typeof v}`);
  }
}

function writeObject(w: Walk, v: object): void {
  if (isBytes(v)) {
    encoding.write(w.e, TAG_BYTES);
    return encoding.writeVarUint8Array(w.e, v);
  }
  const type = Object.prototype.toString.call(v);
  if (type === '[object CryptoKey]') throw new AtRestError('unsupported', 'Cannot seal a CryptoKey: store its bytes instead (private-keys.ts)');
  if (type === '[object Date]') return patch(w, PATCH.date, (v as Date).getTime());
  if (w.parents.includes(v)) throw unsupported('a value that contains itself');
  w.parents.push(v);
  if (Array.isArray(v)) {
    encoding.write(w.e, TAG_ARRAY);
    encoding.writeVarUint(w.e, v.length);
    for (let i = 0; i < v.length; i++) {
      w.path.push(i);
      if (i in v) writeValue(w, v[i]);
      else patch(w, PATCH.hole, null);
      w.path.pop();
    }
  } else if (type === '[object Object]') {
    const keys = Object.keys(v);
    encoding.write(w.e, TAG_OBJECT);
    encoding.writeVarUint(w.e, keys.length);
    for (const key of keys) {
      if (LONE_SURROGATE.test(key)) throw unsupported('a property name with a lone surrogate');
      encoding.writeVarString(w.e, key);
      w.path.push(key);
      writeValue(w, (v as Record<string, unknown>)[key]);
      w.path.pop();
    }
  } else {
    throw unsupported(type);
  }
  w.parents.pop();
}

function readValue(d: decoding.Decoder): unknown {
  const tag = decoding.peekUint8(d);
  if (tag === TAG_OBJECT) {
    decoding.skip8(d);
    const obj: Record<string, unknown> = {};
    for (let n = decoding.readVarUint(d); n > 0; n--) {
      const key = decoding.readVarString(d);
      const value = readValue(d);
      // Plain assignment to "__proto__" would set the prototype instead of a property.
      if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
    }
    return obj;
  }
  if (tag === TAG_ARRAY) {
    decoding.skip8(d);
    const arr: unknown[] = [];
    for (let n = decoding.readVarUint(d); n > 0; n--) arr.push(readValue(d));
    return arr;
  }
  // lib0 hands back a view into the whole plaintext; a copy owns its buffer, as a structured clone does.
  if (tag === TAG_BYTES) return (decoding.readAny(d) as Uint8Array).slice();
  return decoding.readAny(d);
}

function applyPatch(root: unknown, path: Path, kind: number, data: unknown): unknown {
  const last = path.at(-1);
  let parent = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) parent = parent[path[i]!] as Record<string | number, unknown>;
  if (kind === PATCH.hole) {
    delete parent[last!];
    return root;
  }
  const value = patchValue(kind, data);
  if (last === undefined) return value;
  parent[last] = value;
  return root;
}

function patchValue(kind: number, data: unknown): unknown {
  switch (kind) {
    case PATCH.date:
      return new Date(data as number);
    case PATCH.string: {
      const units = data as number[];
      let s = '';
      // In slices: one fromCharCode over a very long note would exceed the argument limit.
      for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.slice(i, i + 4096));
      return s;
    }
    case PATCH.bigint:
      return BigInt(data as string);
    default:
      throw new Error(`unknown patch kind ${kind}`);
  }
}
