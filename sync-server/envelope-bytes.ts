// What the relay computes from a received envelope's canonical bytes without encoding
// anything again: the bytes its device signed, and the envelope hash. The envelope is
//   varuint len(header) | header | nonce(12) | varuint len(ciphertext) | ciphertext | signature(64)
// and the signed bytes are
//   "paceline/envelope/v1\0" | varuint len(header) | header | nonce | ciphertext,
// so they are two slices of it behind the label (PROTOCOL.md "Envelope"). Re-encoding the
// decoded header (envelopeSignedBytes) gives the same bytes, because the codec is canonical;
// tests/unit/server/frames.test.ts checks that they agree.

import { hash } from 'node:crypto';
import { type Bytes, utf8 } from '../src/sync/codec-bytes';
import { AES_GCM_NONCE_BYTES, ED25519_SIGNATURE_BYTES } from '../src/sync/protocol';

const LABEL = utf8('paceline/envelope/v1\0');

/** Reads a (valid, minimal) varuint at `at`: its value and its length in bytes. */
function varuintAt(bytes: Uint8Array, at: number): { value: number; length: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length; i++) {
    const b = bytes[i] as number;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, length: i - at + 1 };
    scale *= 0x80;
  }
  return { value: -1, length: 0 };
}

/**
 * The signed bytes of an envelope the codec has already accepted (so its layout is valid),
 * given as its canonical bytes; null if they do not have that layout (a bug upstream).
 */
export function signedBytesOf(envelope: Uint8Array): Bytes | null {
  const header = varuintAt(envelope, 0);
  const beforeCiphertext = header.length + header.value + AES_GCM_NONCE_BYTES;
  const ciphertext = varuintAt(envelope, beforeCiphertext);
  const start = beforeCiphertext + ciphertext.length;
  if (header.length === 0 || ciphertext.length === 0 || start + ciphertext.value + ED25519_SIGNATURE_BYTES !== envelope.length) return null;
  const out = new Uint8Array(LABEL.length + beforeCiphertext + ciphertext.value);
  out.set(LABEL, 0);
  out.set(envelope.subarray(0, beforeCiphertext), LABEL.length);
  out.set(envelope.subarray(start, start + ciphertext.value), LABEL.length + beforeCiphertext);
  return out;
}

/** envelopeHash from the signed bytes: SHA-256 in one call, without the WebCrypto round trip. */
export function envelopeHashOf(signed: Uint8Array): Bytes {
  const digest = hash('sha256', signed, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}
