import { describe, expect, test } from 'vitest';
import { isMemberRef } from '../../../../src/domain/circle/member-ref';
import { refFor } from './helpers';

describe('isMemberRef', () => {
  test('accepts the canonical base64url of any 32 bytes', () => {
    for (const n of [0, 1, 127, 128, 255]) expect(isMemberRef(refFor(n))).toBe(true);
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256);
    expect(isMemberRef(Buffer.from(bytes).toString('base64url'))).toBe(true);
  });

  test('refuses other spellings, lengths, alphabets and types', () => {
    const ref = refFor(1);
    // 'AQEB...AQE': the last character carries zero bits that a non-canonical spelling sets.
    expect(isMemberRef(`${ref.slice(0, 42)}F`)).toBe(false);
    expect(isMemberRef(`${ref}=`)).toBe(false);
    expect(isMemberRef(ref.slice(0, 42))).toBe(false);
    expect(isMemberRef(Buffer.alloc(32, 251).toString('base64'))).toBe(false); // '+' and '/'
    expect(isMemberRef(Buffer.alloc(33, 1).toString('base64url'))).toBe(false);
    expect(isMemberRef(42)).toBe(false);
    expect(isMemberRef(null)).toBe(false);
  });
});
