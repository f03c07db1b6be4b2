// Builders for the circle document tests: fixed times, readable keys and ids.
import type { MemberRef } from '../../../../src/domain/circle/member-ref';
import { NOW, idFor } from '../fixtures';

export { NOW, idFor };
export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** A canonical device public key made of one repeated byte (base64url, 43 characters). */
export function refFor(n: number): MemberRef {
  return Buffer.alloc(32, n).toString('base64url');
}

/** NOW shifted by ms, as an ISO string. */
export function isoAt(deltaMs: number, from: Date = NOW): string {
  return new Date(from.getTime() + deltaMs).toISOString();
}

export const PATIENT = refFor(1);
export const PATIENT_TABLET = refFor(2);
export const CAREGIVER = refFor(3);
export const CLINICIAN = refFor(4);
export const CLINICIAN_2 = refFor(5);
export const STRANGER = refFor(9);
