export * from './types.js';
export { evaluateFlag } from './evaluate.js';
export { rolloutBucket, rolloutHash } from './bucketing.js';
export { OPENFEATURE_REASONS, type OpenFeatureReason } from './openfeature-reasons.js';
