/** The part of a flag that decides an evaluation. Pure data: the SDK and benchmarks build it too. */
export interface EvaluableFlag {
  readonly key: string;
  readonly enabled: boolean;
  readonly rolloutPercentage: number;
  readonly targetSegments: readonly string[];
  readonly killSwitch: boolean;
  readonly archived: boolean;
  readonly version: number;
}

export interface EvaluationContext {
  readonly userId?: string | null;
  readonly segment?: string | null;
}

export type EvaluationReason =
  | 'FLAG_NOT_FOUND'
  | 'ARCHIVED'
  | 'KILL_SWITCH'
  | 'DISABLED'
  | 'SEGMENT_MISMATCH'
  | 'ROLLOUT_FULL'
  | 'ROLLOUT_OUT'
  | 'MISSING_USER_ID'
  | 'ROLLOUT_IN';

export interface EvaluationResult {
  readonly flagKey: string;
  readonly enabled: boolean;
  readonly reason: EvaluationReason;
  /** 1–100, present only when the percentage rollout hashed the user. */
  readonly bucket?: number;
  /** The flag version that decided the answer; null when the flag does not exist. */
  readonly flagVersion: number | null;
}
