import type { EvaluationReason } from './types.js';

/**
 * Flagledger's reasons in OpenFeature's vocabulary (its standard resolution reasons), shared by the
 * in-process OpenFeature provider and the server's OFREP answers, so a service gets the same reason
 * whichever it uses. The Flagledger reason itself always travels beside it (`flagledgerReason` in the
 * metadata), so nothing is lost by the coarser mapping. MISSING_USER_ID is DEFAULT with the engine's
 * false, never an error: an error would make OpenFeature clients serve their code default instead.
 */
export const OPENFEATURE_REASONS = {
  ROLLOUT_IN: 'SPLIT',
  ROLLOUT_OUT: 'SPLIT',
  SEGMENT_MISMATCH: 'TARGETING_MATCH',
  ROLLOUT_FULL: 'TARGETING_MATCH',
  DISABLED: 'DISABLED',
  KILL_SWITCH: 'DISABLED',
  ARCHIVED: 'DISABLED',
  MISSING_USER_ID: 'DEFAULT',
  FLAG_NOT_FOUND: 'ERROR',
} as const satisfies Record<EvaluationReason, string>;

export type OpenFeatureReason = (typeof OPENFEATURE_REASONS)[EvaluationReason];
