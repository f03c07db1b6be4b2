/**
 * A waiting-room questionnaire link for one patient: an invitation of the 'intake' role
 * (writes new questionnaire answers and alerts into the circle, reads nothing), single-use
 * and short-lived, signed here (the owner's device, or the delegate clinician's) and
 * published by the sharing runtime when it runs. Its keys travel in the fragment only.
 */
import type { PacelineDB } from '../../../storage/db';
import { createInvitation, encodeInvitationFragment } from '../../../sync/invitations';

/**
 * Three days. The relay must see the tablet's claim before then, and a rural clinic's tablet
 * may be offline for a day or two after the visit: a shorter link would strand its answers.
 * The link is single-use and can only add questionnaire answers, so a longer life risks little.
 */
export const INTAKE_TTL_MS = 3 * 24 * 60 * 60 * 1000;

export type IntakeLinkError = 'not-allowed' | 'failed';

export async function makeIntakeLink(
  db: PacelineDB,
  circleId: string,
  publish: (circleId: string) => Promise<void> | void,
  now: Date = new Date(),
): Promise<{ ok: true; url: string; expiresAt: string } | { ok: false; error: IntakeLinkError }> {
  const made = await createInvitation(db, circleId, { role: 'intake', ttlMs: INTAKE_TTL_MS }, now.getTime());
  if (!made.ok) return { ok: false, error: made.error === 'not-owner' || made.error === 'no-membership' ? 'not-allowed' : 'failed' };
  await publish(circleId);
  return {
    ok: true,
    url: new URL(`/intake#${encodeInvitationFragment(made.value)}`, location.origin).href,
    expiresAt: new Date(made.value.claimBy).toISOString(),
  };
}
