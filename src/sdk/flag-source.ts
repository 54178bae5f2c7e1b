import type { EvaluationContext, EvaluationResult } from '../evaluation-engine/index.js';

/**
 * What application code depends on: the live client and the in-memory test double both implement it,
 * so code under test never knows which one it has.
 */
export interface FlagSource {
  /**
   * The flag's answer for this context, computed locally and synchronously. `defaultValue` is returned
   * when the flag is unknown (or anything at all goes wrong): it never throws.
   */
  isEnabled(flagKey: string, context?: EvaluationContext, defaultValue?: boolean): boolean;
  /** The full answer with its reason, bucket and deciding flag version (docs/contract.md §2). */
  evaluate(flagKey: string, context?: EvaluationContext): EvaluationResult;
}

/** The flag state the server sends (GET /v1/snapshot, the stream); what the SDK evaluates. */
export interface SdkFlag {
  key: string;
  type: string;
  enabled: boolean;
  rolloutPercentage: number;
  targetSegments: string[];
  killSwitch: boolean;
  archived: boolean;
  version: number;
  [field: string]: unknown;
}

export interface FlagSnapshot {
  headSeq: number;
  flags: SdkFlag[];
}
