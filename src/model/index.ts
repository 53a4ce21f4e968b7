/**
 * The values every stage of the pipeline shares, at the bottom: this folder imports nothing from
 * the stages (test/architecture checks it), and the stages import their shared types from here.
 */
export type * from './criteria.js';
export * from './results.js';
export * from './reasons.js';
export type * from './fetch.js';
export type * from './archive.js';
export type * from './report.js';
