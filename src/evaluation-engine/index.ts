export * from './types.js';
export { evaluateFlag } from './evaluate.js';
export { rolloutBucket, rolloutHash } from './bucketing.js';
