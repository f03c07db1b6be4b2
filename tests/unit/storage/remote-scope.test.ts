// Receiving devices refuse updates beyond an author's limited write rights: a patient or
// caregiver comments on the plan but may not edit a goal; they raise alerts but may not
// acknowledge one; a clinician names clinicians in the circle document but writes no consent.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createPlanRecord } from '../../../src/domain/care-plan';
import { createAcknowledgement, createConsentRecord, createMemberProfile } from '../../../src/domain/circle';
import { PacelineDB } from '../../../src/storage/db';
import { openCircleDocs, type CircleDocs } from '../../../src/storage/circle-docs';
import { CIRCLE, freshName, unwrap } from './test-db';

const ref = (n: number) => Buffer.from(new Uint8Array(32).fill(n)).toString('base64url');
const DOCTOR = ref(4);
const PATIENT = ref(2);
const NOW = new Date('2026-11-23T10:00:00.000Z');

async function device(role: 'patient' | 'clinician'): Promise<CircleDocs> {
  return openCircleDocs(new PacelineDB(freshName(role)), CIRCLE, role);
}

/** The Yjs update a write on `docs` produces (its document's state before and after). */
async function updateOf(doc: { doc: Y.Doc }, write: () => Promise<unknown>): Promise<Uint8Array> {
  const before = Y.encodeStateVector(doc.doc);
  await write();
  return Y.encodeStateAsUpdate(doc.doc, before);
}

describe('limited write rights, checked by the receiving device', () => {
  it('plan: a patient comments but does not edit a goal; the clinician edits anything', async () => {
    const [clinic, phone] = await Promise.all([device('clinician'), device('patient')]);
    const goal = unwrap(createPlanRecord('goal', { title: 'Walk to the mailbox', baseline: 'Not at all', target: 'Every day', targetDate: '2027-03-01', milestones: [] }, DOCTOR, NOW));
    await clinic.plan.put(goal);
    // The whole state: the clinician's device also wrote the document's schema version first.
    const made = Y.encodeStateAsUpdate(clinic.plan.doc);
    expect(phone.plan.remoteScope!(made, { role: 'clinician', memberRef: DOCTOR }, [])).toBe(true);
    unwrap(await phone.plan.applyRemoteUpdate(made));

    const comment = unwrap(createPlanRecord('comment', { target: { kind: 'goal', id: goal.id }, text: 'I made it twice this week' }, PATIENT, NOW));
    const commented = await updateOf(phone.plan, () => phone.plan.put(comment));
    expect(clinic.plan.remoteScope!(commented, { role: 'patient', memberRef: PATIENT }, [])).toBe(true);
    // The same update claiming another author is refused (updatedBy must be the signer).
    expect(clinic.plan.remoteScope!(commented, { role: 'patient', memberRef: ref(9) }, [])).toBe(false);
    unwrap(await clinic.plan.applyRemoteUpdate(commented));

    const edited = await updateOf(phone.plan, async () => unwrap(await phone.plan.patch('goal', goal.id, { target: 'Twice a day', updatedBy: PATIENT })));
    expect(edited.length).toBeGreaterThan(2);
    expect(clinic.plan.remoteScope!(edited, { role: 'patient', memberRef: PATIENT }, [])).toBe(false);
    expect(clinic.plan.remoteScope!(edited, { role: 'caregiver', memberRef: PATIENT }, [])).toBe(false);
    expect(clinic.plan.remoteScope!(edited, { role: 'clinician', memberRef: PATIENT }, [])).toBe(true);
    // Judged with an earlier update of the same delivery applied first.
    expect(clinic.plan.remoteScope!(new Uint8Array([1, 2, 3]), { role: 'patient', memberRef: PATIENT }, [])).toBe(false);
  });

  it('alerts: a patient raises, only clinicians acknowledge; circle: a clinician names clinicians, writes no consent', async () => {
    const [clinic, phone] = await Promise.all([device('clinician'), device('patient')]);
    const alert = { kind: 'alert' as const, id: 'phq9-item9:01JD0000000000000000000000', ruleId: 'phq9-item9' as const, level: 'urgent' as const, raisedAt: NOW.toISOString(), raisedBy: PATIENT, detectedAt: NOW.toISOString(), values: { item9: 2 }, sourceIds: ['01JD0000000000000000000000'], schemaVersion: 1 };
    unwrap(await phone.alerts!.applyRemoteUpdate(Y.encodeStateAsUpdate(clinic.alerts!.doc)));
    const raised = await updateOf(phone.alerts!, () => phone.alerts!.put(alert));
    expect(clinic.alerts!.remoteScope!(raised, { role: 'patient', memberRef: PATIENT }, [])).toBe(true);
    unwrap(await clinic.alerts!.applyRemoteUpdate(raised));
    const ack = unwrap(createAcknowledgement(alert.id, 'Called, safe at home', PATIENT, NOW));
    const acked = await updateOf(phone.alerts!, () => phone.alerts!.put(ack));
    expect(clinic.alerts!.remoteScope!(acked, { role: 'patient', memberRef: PATIENT }, [])).toBe(false);
    expect(clinic.alerts!.remoteScope!(acked, { role: 'clinician', memberRef: PATIENT }, [])).toBe(true);

    // The patient's device opened the circle document first (it writes its schema version).
    unwrap(await clinic.circle.applyRemoteUpdate(Y.encodeStateAsUpdate(phone.circle.doc)));
    const named = await updateOf(clinic.circle, () => clinic.circle.put(unwrap(createMemberProfile({ id: DOCTOR, name: 'Dr. Ruiz', role: 'clinician' }, DOCTOR, NOW))));
    expect(phone.circle.remoteScope!(named, { role: 'clinician', memberRef: DOCTOR }, [])).toBe(true);
    const consent = await updateOf(clinic.circle, () => clinic.circle.put(unwrap(createConsentRecord({ topic: 'telehealth', decision: 'agreed' }, DOCTOR, NOW))));
    expect(phone.circle.remoteScope!(consent, { role: 'clinician', memberRef: DOCTOR }, [])).toBe(false);
    expect(phone.circle.remoteScope!(named, { role: 'caregiver', memberRef: DOCTOR }, [])).toBe(false);
  });
});
