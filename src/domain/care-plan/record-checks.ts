import type { ValidationError } from '../records';
import { FieldChecker, isPlainObject } from '../validate-fields';
import {
  checkContact, checkLocalDate, checkMemberRef, checkNested, checkObjectList, checkSchemaVersion, checkStringList,
} from './field-checks';
import { checkGoalFields, checkGoalRatingFields } from './goal-checks';
import { checkPlanItemFields } from './item-checks';
import { PLAN_LIMITS } from './limits';
import { checkProposalChanges } from './proposal-changes';
import {
  COMMENT_TARGET_KINDS, PLAN_KINDS, PROPOSAL_STATUSES, PROPOSAL_TARGET_KINDS, SINGLETON_IDS, STEPPED_CARE_LEVELS,
  isSingletonKind, type ProposalTargetKind,
} from './types';

type Obj = Record<string, unknown>;

/** Ids: a ULID, except the singleton kinds, whose id is fixed. */
function checkId(c: FieldChecker, obj: Obj): void {
  const kind = obj['kind'];
  if (!isSingletonKind(kind)) return c.ulid('id', true);
  const id = obj['id'];
  const expected = SINGLETON_IDS[kind];
  if (id === undefined) c.add([{ field: 'id', code: 'required' }]);
  else if (typeof id !== 'string') c.add([{ field: 'id', code: 'wrongType' }]);
  else if (id !== expected) c.add([{ field: 'id', code: 'unknownValue', params: { value: id, expected } }]);
}

function checkBase(c: FieldChecker, obj: Obj): void {
  c.oneOf('kind', PLAN_KINDS, true);
  checkId(c, obj);
  checkSchemaVersion(c, obj);
  // Times come from device clocks that may disagree, so only their form is checked.
  c.time('createdAt', true);
  c.time('updatedAt', true);
  c.time('deletedAt');
  checkMemberRef(c, obj, 'createdBy', true);
  checkMemberRef(c, obj, 'updatedBy', true);
}

/** A target: goals and plan items by ULID; singletons and the plan as a whole by null. */
function checkTarget(kinds: readonly string[], allowNewRecord: boolean) {
  return (c: FieldChecker, target: Obj): void => {
    c.oneOf('kind', kinds, true);
    const { kind, id } = target;
    if (id === undefined) return c.add([{ field: 'id', code: 'required' }]);
    const byId = kind === 'goal' || kind === 'plan-item';
    if (id === null) {
      if (byId && !allowNewRecord) c.add([{ field: 'id', code: 'required' }]);
    } else if (byId) c.ulid('id', true);
    else if (typeof kind === 'string' && kinds.includes(kind)) c.add([{ field: 'id', code: 'unknownValue', params: { kind } }]);
  };
}

function checkTargetField(c: FieldChecker, obj: Obj, check: (c: FieldChecker, target: Obj) => void): void {
  if (obj['target'] === undefined) c.add([{ field: 'target', code: 'required' }]);
  else c.add(checkNested(obj['target'], 'target', check));
}

function checkProposal(c: FieldChecker, obj: Obj): void {
  checkTargetField(c, obj, checkTarget(PROPOSAL_TARGET_KINDS, true));
  const target = isPlainObject(obj['target']) ? obj['target'] : {};
  const kind = target['kind'];
  if ((PROPOSAL_TARGET_KINDS as readonly unknown[]).includes(kind)) {
    c.add(checkProposalChanges(kind as ProposalTargetKind, obj['changes'], target['id'] === null));
  } else if (!isPlainObject(obj['changes'])) {
    c.add([{ field: 'changes', code: obj['changes'] === undefined ? 'required' : 'wrongType' }]);
  }
  // Blank is allowed: the change can speak for itself.
  if (obj['reason'] === undefined) c.add([{ field: 'reason', code: 'required' }]);
  else c.string('reason', PLAN_LIMITS.longText);
  c.oneOf('status', PROPOSAL_STATUSES, true);
  checkMemberRef(c, obj, 'decidedBy');
  c.time('decidedAt');
  c.string('decisionNote', PLAN_LIMITS.longText);
  const status = obj['status'];
  if (status === 'open') {
    for (const field of ['decidedBy', 'decidedAt', 'decisionNote']) {
      if (obj[field] !== undefined) c.add([{ field, code: 'unknownValue', params: { status } }]);
    }
  } else if (status === 'accepted' || status === 'declined') {
    if (obj['decidedBy'] === undefined) c.add([{ field: 'decidedBy', code: 'required' }]);
    if (obj['decidedAt'] === undefined) c.add([{ field: 'decidedAt', code: 'required' }]);
  }
}

const always = (): boolean => true;

function checkKind(c: FieldChecker, obj: Obj, now?: Date): void {
  switch (obj['kind']) {
    case 'goal': return checkGoalFields(c, obj, always);
    case 'goal-rating': return checkGoalRatingFields(c, now);
    case 'plan-item':
      checkPlanItemFields(c, obj, always);
      return c.time('archivedAt');
    case 'stepped-care':
      c.number('level', { min: STEPPED_CARE_LEVELS[0], max: STEPPED_CARE_LEVELS[2] }, true);
      c.string('criteria', PLAN_LIMITS.longText, true);
      return checkLocalDate(c, obj, 'reviewDate', true);
    case 'escalation':
      checkStringList(c, obj, 'criteria', PLAN_LIMITS.escalationCriteria, PLAN_LIMITS.shortText, true);
      return c.string('instructions', PLAN_LIMITS.longText, true);
    case 'crisis-plan':
      checkObjectList(c, obj, 'people', PLAN_LIMITS.crisisPeople, checkContact, true);
      return checkStringList(c, obj, 'steps', PLAN_LIMITS.crisisSteps, PLAN_LIMITS.shortText, true);
    case 'comment':
      checkTargetField(c, obj, checkTarget(COMMENT_TARGET_KINDS, false));
      return c.string('text', PLAN_LIMITS.longText, true);
    case 'proposal': return checkProposal(c, obj);
    default: return; // unknown or missing kind was reported by checkBase
  }
}

/** Every problem in a plan-record-shaped object, across base fields and its kind's fields. */
export function checkPlanRecord(obj: Obj, now?: Date): ValidationError[] {
  const c = new FieldChecker(obj);
  checkBase(c, obj);
  // A newer app's record may use fields and values this one does not know; listing them as
  // errors would hide the one that matters, so only 'newerVersion' is reported.
  const newer = c.errors.filter((e) => e.code === 'newerVersion');
  if (newer.length > 0) return newer;
  checkKind(c, obj, now);
  return c.errors;
}
