/** Public surface of the shared care plan: records, checks, rights, proposals and computations. */
export * from './types';
export { PLAN_LIMITS, checkPlanCapacity } from './limits';
export { isDialablePhone, isLocalDate } from './field-checks';
// The circle module leaves these two out of its index so that they are exported once, here.
export { isMemberRef } from '../circle/member-ref';
export { EDITABLE_FIELDS, REQUIRED_FIELDS, checkProposalChanges } from './proposal-changes';
export * from './parse';
export * from './factory';
export * from './permissions';
export * from './proposals';
export * from './describe-change';
export * from './plan-adherence';
export * from './today';
export * from './goal-progress';
