import type { EvaluableFlag, EvaluationResult } from '../evaluation-engine/index.js';

/** OpenFeature's resolution reasons, as far as Flagledger's answers need them. */
export type OfrepReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'DEFAULT';

/** OFREP 0.3's evaluation success: a boolean value, `on`/`off`, and Flagledger's own reason in metadata. */
export interface OfrepSuccess {
  readonly key: string;
  readonly value: boolean;
  readonly reason: OfrepReason;
  readonly variant: 'on' | 'off';
  readonly metadata: {
    readonly flagledgerReason: EvaluationResult['reason'];
    readonly flagVersion: number;
    readonly environment: string;
    /** Present when the percentage rollout hashed the user, as in /v1/evaluate. */
    readonly bucket?: number;
  };
}

/**
 * The OpenFeature reason of a Flagledger answer. A missing user on a partial rollout is DEFAULT with the
 * value false, never the error TARGETING_KEY_MISSING: an error makes every OpenFeature client serve its
 * code default instead, which may be true where Flagledger says false.
 */
export function ofrepReason(result: EvaluationResult, flag: EvaluableFlag): OfrepReason {
  switch (result.reason) {
    case 'KILL_SWITCH':
    case 'DISABLED':
    case 'ARCHIVED':
    case 'FLAG_NOT_FOUND':
      return 'DISABLED';
    case 'SEGMENT_MISMATCH':
      return 'TARGETING_MATCH';
    case 'ROLLOUT_FULL':
      return flag.targetSegments.length > 0 ? 'TARGETING_MATCH' : 'STATIC';
    case 'ROLLOUT_IN':
    case 'ROLLOUT_OUT':
      return 'SPLIT';
    case 'MISSING_USER_ID':
      return 'DEFAULT';
  }
}

/** A live flag's answer in OFREP's shape. Unknown and archived flags are FLAG_NOT_FOUND instead. */
export function ofrepSuccess(result: EvaluationResult, flag: EvaluableFlag, environment: string): OfrepSuccess {
  return {
    key: result.flagKey,
    value: result.enabled,
    reason: ofrepReason(result, flag),
    variant: result.enabled ? 'on' : 'off',
    metadata: {
      flagledgerReason: result.reason,
      flagVersion: flag.version,
      environment,
      ...(result.bucket === undefined ? {} : { bucket: result.bucket }),
    },
  };
}
