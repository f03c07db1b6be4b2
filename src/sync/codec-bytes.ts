// Canonical binary primitives shared by every Paceline codec (frames, envelope headers,
// membership lists). Canonical means one value has exactly one encoding: varuints are
// minimal, booleans are 0 or 1, strings are valid UTF-8, and nothing may trail. That is
// what lets signatures cover encoded bytes while decoders hand back plain objects: encoding
// a decoded value gives back the very bytes that were signed.
//
// lib0's encoding/decoding would do most of this, but its decoder throws on truncation and
// accepts non-minimal varints, and lib0 is only a transitive dependency of yjs here.

/** Bytes backed by a plain ArrayBuffer: what WebCrypto's BufferSource accepts. */
export type Bytes = Uint8Array<ArrayBuffer>;

/** Thrown by ByteReader on malformed input; caught at each public decode boundary. */
export class FrameError extends Error {
  constructor(
    readonly code: CodecError['code'],
    readonly field: string,
  ) {
    super(`${code}: ${field}`);
    this.name = 'FrameError';
  }
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A growable byte buffer with canonical writers; throws RangeError on values it must never encode. */
export class ByteWriter {
  private buf: Bytes = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** One byte, 0..255. */
  u8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`u8 out of range: ${value}`);
    this.reserve(1);
    this.buf[this.len++] = value;
    return this;
  }

  /** A boolean as 0 or 1. */
  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  /** Unsigned LEB128, minimal, up to Number.MAX_SAFE_INTEGER. */
  varuint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varuint out of range: ${value}`);
    let v = value;
    while (v >= 0x80) {
      this.u8((v % 0x80) + 0x80);
      v = Math.floor(v / 0x80);
    }
    return this.u8(v);
  }

  /** Exactly `length` raw bytes, no length prefix (keys, nonces, hashes, signatures). */
  fixed(bytes: Uint8Array, length: number): this {
    if (bytes.length !== length) throw new RangeError(`expected ${length} bytes, got ${bytes.length}`);
    this.reserve(length);
    this.buf.set(bytes, this.len);
    this.len += length;
    return this;
  }

  /** Length-prefixed bytes of at most maxLength. */
  bytes(bytes: Uint8Array, maxLength: number): this {
    if (bytes.length > maxLength) throw new RangeError(`bytes longer than ${maxLength}`);
    this.varuint(bytes.length);
    return this.fixed(bytes, bytes.length);
  }

  /** Length-prefixed UTF-8 of at most maxBytes bytes. */
  string(value: string, maxBytes: number): this {
    const encoded = utf8Encoder.encode(value);
    // A lone surrogate would be sent as U+FFFD and read back as a different string.
    if (utf8Decoder.decode(encoded) !== value) throw new RangeError('string is not well-formed UTF-16');
    return this.bytes(encoded, maxBytes);
  }

  /** A copy of what was written. */
  finish(): Bytes {
    return this.buf.slice(0, this.len);
  }
}

/** A strict cursor over input bytes; every read either returns a valid value or throws FrameError. */
export class ByteReader {
  private pos = 0;
  constructor(private readonly input: Uint8Array) {}

  get remaining(): number {
    return this.input.length - this.pos;
  }

  /** One byte. */
  u8(field: string): number {
    const b = this.input[this.pos];
    if (b === undefined) throw new FrameError('truncated', field);
    this.pos++;
    return b;
  }

  /** A boolean that must be exactly 0 or 1. */
  bool(field: string): boolean {
    const b = this.u8(field);
    if (b > 1) throw new FrameError('invalid-field', field);
    return b === 1;
  }

  /** A minimal LEB128 varuint no larger than max (default Number.MAX_SAFE_INTEGER). */
  varuint(field: string, max: number = Number.MAX_SAFE_INTEGER): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8(field);
      value += (b & 0x7f) * scale;
      if (value > max) throw new FrameError('invalid-field', field);
      if (b < 0x80) {
        // A final zero byte after the first one is a padded, non-minimal encoding.
        if (b === 0 && i > 0) throw new FrameError('invalid-field', field);
        return value;
      }
      scale *= 0x80;
    }
    throw new FrameError('invalid-field', field);
  }

  /** Exactly `length` bytes, copied so the result never aliases the input buffer. */
  fixed(length: number, field: string): Bytes {
    if (this.remaining < length) throw new FrameError('truncated', field);
    // Not input.slice(): on a Node Buffer (what ws hands the relay) slice is a view into a
    // pooled buffer that will be reused.
    const out = new Uint8Array(length);
    out.set(this.input.subarray(this.pos, this.pos + length));
    this.pos += length;
    return out;
  }

  /** Length-prefixed bytes of at most maxLength. */
  bytes(field: string, maxLength: number): Bytes {
    const length = this.varuint(field, maxLength);
    return this.fixed(length, field);
  }

  /** Length-prefixed, valid UTF-8 of at most maxBytes bytes. */
  string(field: string, maxBytes: number): string {
    const raw = this.bytes(field, maxBytes);
    try {
      return utf8Decoder.decode(raw);
    } catch {
      throw new FrameError('invalid-field', field);
    }
  }

  /** Fails unless every input byte was consumed. */
  end(): void {
    if (this.remaining !== 0) throw new FrameError('trailing-bytes', 'end');
  }
}

/** Throws FrameError(invalid-field) unless ok; for semantic checks inside decoders. */
export function check(ok: boolean, field: string): asserts ok {
  if (!ok) throw new FrameError('invalid-field', field);
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order: negative, zero or positive like Array.prototype.sort wants. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Concatenation into a fresh buffer. */
export function concatBytes(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** UTF-8 bytes of a string. */
export function utf8(value: string): Bytes {
  return utf8Encoder.encode(value) as Bytes;
}

/** Lower-case hex, for logs and map keys (never for the wire). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** A named decoding failure: what was wrong, and the field where it was found. */
export interface CodecError {
  code: 'truncated' | 'trailing-bytes' | 'invalid-field' | 'unsupported-version' | 'unknown-type' | 'too-large';
  field: string;
}

/**
 * Runs a decoder over all of `bytes` and turns FrameError into a CodecError value. Any
 * other exception is a bug in the decoder and propagates.
 */
export function decodeAll<T>(bytes: Uint8Array, decode: (r: ByteReader) => T): { ok: true; value: T } | { ok: false; error: CodecError } {
  try {
    const reader = new ByteReader(bytes);
    const value = decode(reader);
    reader.end();
    return { ok: true, value };
  } catch (e) {
    if (e instanceof FrameError) return { ok: false, error: { code: e.code, field: e.field } };
    throw e;
  }
}
