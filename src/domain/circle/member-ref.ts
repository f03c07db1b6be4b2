/** Who wrote a shared record: members are named by the public key of the device that wrote. */

/** The author: base64url Ed25519 device public key of the writing device (43 chars). */
export type MemberRef = string;

export const MEMBER_ROLES = ['patient', 'caregiver', 'clinician'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

// 32 bytes are 256 bits; 43 base64url characters carry 258, so the last character holds
// 4 key bits and 2 zero bits (one of A E I M Q U Y c g k o s w 0 4 8). Accepting only that
// canonical spelling keeps one key from having four spellings (four identities) in a Y.Map.
const MEMBER_REF_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** True for a canonical base64url (unpadded) 32-byte public key. */
export function isMemberRef(value: unknown): value is MemberRef {
  return typeof value === 'string' && MEMBER_REF_PATTERN.test(value);
}
