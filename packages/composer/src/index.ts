export * from './accounting.js';
export * from './evaluation.js';
export * from './learning.js';
export type * from './model.js';
export * from './perturb.js';
