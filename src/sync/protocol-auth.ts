// Connection authentication: the relay's 'welcome' carries a fresh random challenge and
// the relay's id; the client answers with 'auth', a device signature over both. Binding
// the relay id (which the client checks against the relay it meant to reach) stops a
// malicious relay from passing another relay's challenge through to log in as the device.

import { type Bytes, ByteWriter, utf8 } from './codec-bytes';
import { type DeviceKeys, sign, verify } from './crypto';
import { CHALLENGE_BYTES, ED25519_PUBLIC_KEY_BYTES, LIMITS } from './protocol';

const AUTH_LABEL = utf8('paceline/relay-auth/v1\0');

/** Exactly the bytes a device signs to answer a challenge. */
export function authSignedBytes(protocolVersion: number, relayId: string, challenge: Uint8Array, devicePk: Uint8Array): Bytes {
  return new ByteWriter()
    .fixed(AUTH_LABEL, AUTH_LABEL.length)
    .varuint(protocolVersion)
    .string(relayId, LIMITS.maxTextBytes)
    .fixed(challenge, CHALLENGE_BYTES)
    .fixed(devicePk, ED25519_PUBLIC_KEY_BYTES)
    .finish();
}

/** The client's answer to 'welcome': a signature for the 'auth' message. */
export async function answerChallenge(device: DeviceKeys, welcome: { protocolVersion: number; relayId: string; challenge: Uint8Array }): Promise<Bytes> {
  return sign(device.privateKey, authSignedBytes(welcome.protocolVersion, welcome.relayId, welcome.challenge, device.publicKey));
}

/** The relay's check of an 'auth' signature against the challenge it sent on this connection. */
export async function verifyChallengeAnswer(
  devicePk: Uint8Array,
  sent: { protocolVersion: number; relayId: string; challenge: Uint8Array },
  signature: Uint8Array,
): Promise<boolean> {
  return verify(devicePk, signature, authSignedBytes(sent.protocolVersion, sent.relayId, sent.challenge, devicePk));
}
