/** POST /v1/evaluate and friends, over the in-memory flag states. */
export { EvaluationModule } from './evaluation.module.js';
export { countedFlagKey } from './counted-flag-key.js';
export { LiveEvaluations, type LiveEvaluation } from './live-evaluations.js';
