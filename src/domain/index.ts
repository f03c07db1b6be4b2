/** Public surface of the pure domain layer. */
export * from './records';
export * from './ids';
export * from './instruments/index';
export * from './validate';
export { LIMITS, parseIsoTime } from './validate-fields';
export * from './record-factory';
export * from './red-flags';
export * from './trends';
export * from './local-dates';
export * from './schedule';
export * from './adherence';
export * from './crisis-lines';
export * from './circle/index';
export * from './care-plan/index';
