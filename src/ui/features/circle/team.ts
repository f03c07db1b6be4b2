/**
 * The care team as the screens show it: the verified membership (who is in, their role and
 * rights) joined with the circle document (names, invitations, consent). Names come from
 * member profiles, or, for a device that joined by invitation and has no profile yet, from
 * the invitation it claimed.
 */
import { consentState, invitationState, memberRoles, type ConsentRecord, type Invitation, type MemberProfile } from '../../../domain/circle';
import type { AppData } from '../../app-data';
import type { MessageKey } from '../../i18n/i18n';

export interface TeamMember {
  id: string;
  name: string | null;
  role: 'patient' | 'caregiver' | 'clinician';
  journal: boolean;
  isMe: boolean;
}

export interface Team {
  circleId: string;
  me: string;
  patientName: string | null;
  /** This device holds the owner key: it may invite and remove. */
  owner: boolean;
  /** This device is a delegate clinician: it may invite clinicians (signed with its own key). */
  delegate: boolean;
  members: TeamMember[];
  openInvitations: Invitation[];
  consents: ConsentRecord[];
  roles: Map<string, 'patient' | 'caregiver' | 'clinician'>;
  journalShared: boolean;
  /** An invitation accepted here and not claimed yet: what to tell the person. */
  claim: MessageKey | null;
}

export async function loadTeam(data: AppData, circleId: string): Promise<Team> {
  if (data.role === 'patient' && circleId === data.circleId) await (await import('./circle-actions')).ensureOwnCircle(data.db, circleId);
  const [sync, docs, me] = await Promise.all([import('../../../sync/circle-members'), data.circleDocs(circleId), data.me()]);
  const [list, owner, claimRow] = await Promise.all([sync.listCircleMembers(data.db, circleId), sync.holdsOwnerKey(data.db, circleId), data.db.inviteClaims.get(circleId)]);
  const profiles = docs.circle.all('member') as MemberProfile[];
  const invitations = docs.circle.all('invitation') as Invitation[];
  const byInvite = new Map(invitations.filter((i) => i.invitePk).map((i) => [i.invitePk as string, i]));
  const now = new Date();
  // Intake tablets are one waiting-room visit each, not people of the team.
  const people = (list?.members ?? []).flatMap((m) => (m.role === 'intake' ? [] : [{ ...m, role: m.role }]));
  const members: TeamMember[] = people
    .filter((m) => !m.pending)
    .map((m) => {
      const profile = profiles.find((p) => p.id === m.id && p.removedAt === undefined);
      const name = profile?.name ?? (m.invitePk ? byInvite.get(m.invitePk)?.name : undefined) ?? null;
      return { id: m.id, name, role: m.role, journal: m.journal, isMe: m.id === me };
    })
    .sort((a, b) => Number(b.isMe) - Number(a.isMe) || a.role.localeCompare(b.role) || (a.name ?? '').localeCompare(b.name ?? ''));
  const pendingKeys = new Set((list?.members ?? []).filter((m) => m.pending).map((m) => m.id));
  const openInvitations = invitations.filter((i) => invitationState(i, now) === 'open' && (!i.invitePk || pendingKeys.has(i.invitePk)));
  const consents = docs.circle.all('consent') as ConsentRecord[];
  const roles = new Map(people.map((m) => [m.id, m.role] as const));
  for (const [id, role] of memberRoles(profiles)) if (!roles.has(id)) roles.set(id, role);
  const shared = consentState(consents, 'journal-sharing-caregivers', { roles });
  const patient = members.find((m) => m.role === 'patient');
  const delegate = (list?.members ?? []).some((m) => m.id === me && m.role === 'clinician' && m.delegate && !m.pending);
  const claim: MessageKey | null = claimRow && !(list?.members ?? []).some((m) => m.id === me) ? 'circle.claim.waiting' : null;
  return {
    circleId, me, owner, delegate, members, openInvitations, consents, roles, claim,
    patientName: patient?.name ?? ((await data.db.circles.get(circleId))?.label || null),
    journalShared: shared.decision === 'agreed',
  };
}
