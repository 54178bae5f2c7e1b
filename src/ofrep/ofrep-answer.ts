import {
  OPENFEATURE_REASONS,
  type EvaluableFlag,
  type EvaluationResult,
  type OpenFeatureReason,
} from '../evaluation-engine/index.js';

/** OFREP 0.3's evaluation success: a boolean value, `on`/`off`, and Flagledger's own reason in metadata. */
export interface OfrepSuccess {
  readonly key: string;
  readonly value: boolean;
  /** OPENFEATURE_REASONS, as the in-process OpenFeature provider gives them. */
  readonly reason: OpenFeatureReason;
  readonly variant: 'on' | 'off';
  readonly metadata: {
    readonly flagledgerReason: EvaluationResult['reason'];
    readonly flagVersion: number;
    readonly environment: string;
    /** Present when the percentage rollout hashed the user, as in /v1/evaluate. */
    readonly bucket?: number;
  };
}

/** A flag's answer in OFREP's shape. Unknown flags are FLAG_NOT_FOUND instead. */
export function ofrepSuccess(result: EvaluationResult, flag: EvaluableFlag, environment: string): OfrepSuccess {
  return {
    key: result.flagKey,
    value: result.enabled,
    reason: OPENFEATURE_REASONS[result.reason],
    variant: result.enabled ? 'on' : 'off',
    metadata: {
      flagledgerReason: result.reason,
      flagVersion: flag.version,
      environment,
      ...(result.bucket === undefined ? {} : { bucket: result.bucket }),
    },
  };
}
