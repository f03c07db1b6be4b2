/** Public surface of the care circle's shared documents (circle, messages, alerts) and the clinician panel. */
// MemberRef and isMemberRef are left out on purpose: care-plan defines the same two names,
// and two `export *` of one name is an error. Import them from './member-ref' until the two
// definitions are merged into one module.
export { MEMBER_ROLES, type MemberRole } from './member-ref';
export * from './circle-doc';
export * from './invitations';
export * from './consent-texts';
export * from './consent';
export * from './messages';
export * from './alerts';
export * from './panel';
