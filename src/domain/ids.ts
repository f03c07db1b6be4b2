import { monotonicFactory } from 'ulidx';
import type { Ulid } from './records';

// Monotonic so that two ids made in the same millisecond still sort in creation order.
const nextUlid = monotonicFactory();

// Canonical upper-case Crockford base32; the first character is at most 7 because a
// 48-bit timestamp fits in 10 base32 characters only up to '7ZZZZZZZZZ'.
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** A new ULID, strictly increasing within this runtime; seedTime (ms) defaults to the clock. */
export function newId(seedTime?: number): Ulid {
  return nextUlid(seedTime);
}

/** True for a canonical (upper-case) 26-character ULID. */
export function isUlid(value: unknown): value is Ulid {
  return typeof value === 'string' && ULID_PATTERN.test(value);
}
