// The device list of a circle, for the UI: who is in the verified membership, and when
// this device last received something from each of them. "Last seen" is what makes a
// silent member visible (PROTOCOL.md "Withholding"): a device that stopped sharing shows
// an old time here, on every other member's screen.

import type { CircleTrust } from './circle-trust';
import type { DocSync } from './doc-sync';
import { toHex } from './sync-ids';
import type { CircleStatus, DeviceStatus } from './sync-status';

/** The status of a circle from its verified membership and the documents' device bookkeeping. */
export function circleStatusOf(trust: CircleTrust, docs: readonly DocSync[], ownPk: Uint8Array): CircleStatus {
  const current = trust.current;
  const own = toHex(ownPk);
  const devices: DeviceStatus[] = (current?.members ?? []).map((member) => {
    const device = toHex(member.devicePk);
    let lastSeenAt: number | null = null;
    let gaps = 0;
    const lastDevSeq: Record<string, number> = {};
    for (const doc of docs) {
      const seen = doc.syncState.devices[device];
      if (!seen) continue;
      if (seen.devSeq > 0) lastDevSeq[doc.docId] = seen.devSeq;
      gaps += seen.gaps;
      if (lastSeenAt === null || seen.at > lastSeenAt) lastSeenAt = seen.at;
    }
    if (device === own) {
      // This device's "last seen" is its last acknowledged push.
      for (const doc of docs) {
        const at = doc.syncState.lastAckedAt;
        if (at !== null && (lastSeenAt === null || at > lastSeenAt)) lastSeenAt = at;
      }
    }
    return { device, role: member.role, delegate: member.delegate, pending: (member.claimBy ?? 0) > 0, isThisDevice: device === own, lastSeenAt, lastDevSeq, gaps };
  });
  return { circleId: trust.circleId, membershipVersion: trust.version, keyEpoch: current?.keyEpoch ?? 0, devices, lastIssue: null };
}
