// The plan screens' writes on real plan documents (fake-indexeddb): rights, merges, proposals.
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { Goal, PlanItem, Proposal } from '../../../src/domain/care-plan/index';
import { PLAN_SPEC, type PlanDoc } from '../../../src/storage/circle-docs';
import { PacelineDB } from '../../../src/storage/db';
import { openRecordDoc } from '../../../src/storage/record-doc';
import {
  accept, createRecord, decline, removeRecord, restoreRecord, reviseRecord, saveSingleton, setMilestoneReached, withdraw, type PlanWriter,
} from '../../../src/ui/features/plan/plan-writes';
import { CIRCLE, freshName, unwrap } from '../storage/test-db';
import { CLINICIAN, PATIENT } from '../domain/care-plan/fixtures';

const opened: { db: PacelineDB; plan: PlanDoc }[] = [];
afterEach(async () => {
  for (const { db, plan } of opened.splice(0)) {
    await plan.close().catch(() => undefined);
    db.close();
  }
});

let tick = Date.parse('2026-11-23T09:00:00.000Z');
const now = () => new Date((tick += 1000));

async function device(role: PlanWriter['role'], me: string): Promise<PlanWriter> {
  const db = new PacelineDB(freshName('plan-writes'));
  const plan = await openRecordDoc(db, CIRCLE, 'plan', PLAN_SPEC, { migrate: role === 'clinician' });
  opened.push({ db, plan });
  return { plan, role, me, now };
}

/** Sends each device what the other lacks (as the relay would, after both were offline). */
async function exchange(a: PlanWriter, b: PlanWriter): Promise<void> {
  const fromA = Y.encodeStateAsUpdate(a.plan.doc, Y.encodeStateVector(b.plan.doc));
  const fromB = Y.encodeStateAsUpdate(b.plan.doc, Y.encodeStateVector(a.plan.doc));
  unwrap(await a.plan.applyRemoteUpdate(fromB));
  unwrap(await b.plan.applyRemoteUpdate(fromA));
}

const goalInput = { title: 'Walk to the mailbox', baseline: 'Stops after 20 m', target: 'There and back', targetDate: '2027-03-01', milestones: [{ text: 'Halfway' }] };

describe('plan writes', () => {
  test('two people edit different fields of one goal offline: both edits survive the merge', async () => {
    const a = await device('clinician', CLINICIAN);
    const b = await device('clinician', CLINICIAN.replace('c', 'd'));
    const goal = unwrap(await createRecord(a, 'goal', goalInput));
    await exchange(a, b);
    // Each form started from the same goal and writes only what its person changed.
    unwrap(await reviseRecord(a, goal, { title: 'Walk to the corner shop' }));
    unwrap(await reviseRecord(b, goal, { target: 'There and back twice' }));
    await exchange(a, b);
    for (const d of [a, b]) {
      const merged = d.plan.get('goal', goal.id) as Goal;
      expect([merged.title, merged.target, merged.baseline]).toEqual(['Walk to the corner shop', 'There and back twice', 'Stops after 20 m']);
    }
  });

  test('an edit made in another tab meanwhile is not overwritten by a form opened before it', async () => {
    const a = await device('clinician', CLINICIAN);
    const item = unwrap(await createRecord(a, 'plan-item', { category: 'exercise', name: 'Walk', timesPerWeek: 3 }));
    unwrap(await reviseRecord(a, item, { minutes: 20 }));
    const saved = unwrap(await reviseRecord(a, item, { timesPerWeek: 4 }));
    expect([saved.timesPerWeek, saved.minutes]).toEqual([4, 20]);
  });

  test('patients and caregivers comment and propose; they cannot edit the plan', async () => {
    const c = await device('clinician', CLINICIAN);
    const goal = unwrap(await createRecord(c, 'goal', goalInput));
    const p = await device('patient', PATIENT);
    await exchange(c, p);
    expect(await reviseRecord(p, goal, { title: 'Mine now' })).toEqual({ ok: false, error: { kind: 'message', key: 'errors.notAllowed' } });
    expect(await createRecord(p, 'goal', goalInput)).toMatchObject({ ok: false, error: { key: 'errors.notAllowed' } });
    unwrap(await createRecord(p, 'comment', { target: { kind: 'goal', id: goal.id }, text: 'Windy days are hard' }));
    const proposal = unwrap(await createRecord(p, 'proposal', { target: { kind: 'goal', id: goal.id }, changes: { targetDate: '2027-04-01' }, reason: 'Winter' }));
    expect(proposal.status).toBe('open');
    const withdrawn = unwrap(await withdraw(p, proposal));
    expect(withdrawn.deletedAt).toBeDefined();
  });

  test('invalid input comes back as field errors, nothing stored', async () => {
    const c = await device('clinician', CLINICIAN);
    const result = await createRecord(c, 'plan-item', { category: 'exercise', name: ' ', timesPerWeek: 30, sets: 0 });
    expect(result.ok).toBe(false);
    if (!result.ok && result.error.kind === 'fields') expect(result.error.errors.map((e) => e.field).sort()).toEqual(['name', 'sets', 'timesPerWeek']);
    expect(c.plan.all('plan-item')).toEqual([]);
  });

  test('accepting a proposal writes the record (by the clinician) and the decided proposal', async () => {
    const c = await device('clinician', CLINICIAN);
    const p = await device('patient', PATIENT);
    const item = unwrap(await createRecord(c, 'plan-item', { category: 'exercise', name: 'Walk', timesPerWeek: 3 }));
    await exchange(c, p);
    const change = unwrap(await createRecord(p, 'proposal', { target: { kind: 'plan-item', id: item.id }, changes: { timesPerWeek: 2 }, reason: '' }));
    const added = unwrap(await createRecord(p, 'proposal', { target: { kind: 'plan-item', id: null }, changes: { category: 'relaxation', name: 'Breathing', timesPerWeek: 7 }, reason: 'It helps' }));
    await exchange(c, p);
    const describe = { fieldName: (f: string) => f, problem: () => 'bad' };
    const applied = unwrap(await accept(c, change, 'OK for now', describe));
    expect(applied.proposal).toMatchObject({ status: 'accepted', decidedBy: CLINICIAN, decisionNote: 'OK for now' });
    expect((c.plan.get('plan-item', item.id) as PlanItem).timesPerWeek).toBe(2);
    expect((c.plan.get('plan-item', item.id) as PlanItem).updatedBy).toBe(CLINICIAN);
    unwrap(await accept(c, added, '', describe));
    expect(c.plan.all('plan-item').map((i) => (i as PlanItem).name).sort()).toEqual(['Breathing', 'Walk']);
    // Decided once: a second decision is refused in words.
    expect(await decline(c, c.plan.get('proposal', change.id) as Proposal, 'no')).toMatchObject({ ok: false, error: { key: 'errors.alreadyDecided' } });
  });

  test('a proposal whose target was deleted cannot be accepted; declining keeps a note', async () => {
    const c = await device('clinician', CLINICIAN);
    const p = await device('patient', PATIENT);
    const item = unwrap(await createRecord(c, 'plan-item', { category: 'exercise', name: 'Walk', timesPerWeek: 3 }));
    await exchange(c, p);
    const proposal = unwrap(await createRecord(p, 'proposal', { target: { kind: 'plan-item', id: item.id }, changes: { timesPerWeek: 2 }, reason: '' }));
    await exchange(c, p);
    unwrap(await removeRecord(c, item));
    expect(await accept(c, proposal, '', { fieldName: (f) => f, problem: () => '' })).toMatchObject({ ok: false, error: { key: 'errors.targetGone' } });
    expect(unwrap(await decline(c, proposal, 'We stopped walking for now'))).toMatchObject({ status: 'declined', decisionNote: 'We stopped walking for now' });
  });

  test('delete and undo; a singleton saved again after deletion keeps its first creation', async () => {
    const c = await device('clinician', CLINICIAN);
    const crisis = unwrap(await createRecord(c, 'crisis-plan', { people: [{ name: 'Ana', phone: '555 0100' }], steps: ['Breathe'] }));
    const deleted = unwrap(await removeRecord(c, crisis));
    expect(deleted.deletedAt).toBeDefined();
    expect(unwrap(await restoreRecord(c, deleted)).deletedAt).toBeUndefined();
    unwrap(await removeRecord(c, crisis));
    const again = unwrap(await saveSingleton(c, 'crisis-plan', undefined, { people: [], steps: ['Call the clinic'] }, {}));
    expect(again).toMatchObject({ createdAt: crisis.createdAt, people: [], steps: ['Call the clinic'] });
    expect(again.deletedAt).toBeUndefined();
    const edited = unwrap(await saveSingleton(c, 'crisis-plan', again, { people: [], steps: ['Call the clinic', 'Breathe'] }, { steps: ['Call the clinic', 'Breathe'] }));
    expect(edited.steps).toEqual(['Call the clinic', 'Breathe']);
  });

  test('a milestone marked reached keeps the goal\'s other milestones as stored', async () => {
    const c = await device('clinician', CLINICIAN);
    const goal = unwrap(await createRecord(c, 'goal', { ...goalInput, milestones: [{ text: 'Halfway' }, { text: 'Gate' }] }));
    const [first, second] = goal.milestones;
    const reached = unwrap(await setMilestoneReached(c, goal, first!.id, true));
    expect(reached.milestones.map((m) => m.reachedAt !== undefined)).toEqual([true, false]);
    const undone = unwrap(await setMilestoneReached(c, goal, first!.id, false));
    expect(undone.milestones).toEqual([{ id: first!.id, text: 'Halfway' }, second]);
  });
});
