import { Inject, Injectable, Optional } from '@nestjs/common';
import { DECISION_LOG, type DecisionLog } from '../decision-log/index.js';
import { evaluateFlag, type EvaluationContext, type EvaluationResult } from '../evaluation-engine/index.js';
import { type FlagState, FlagStateReader } from '../flags/index.js';
import { EvaluationTelemetry } from '../telemetry/index.js';
import { countedFlagKey } from './counted-flag-key.js';

/** One live answer, beside the flag state that decided it (undefined: no such flag). */
export interface LiveEvaluation {
  readonly result: EvaluationResult;
  readonly flag: FlagState | undefined;
}

/** A live answer for a flag that exists. */
export interface LiveFlagEvaluation extends LiveEvaluation {
  readonly flag: FlagState;
}

/**
 * Evaluations of the flags as they are now, from the in-memory projection, each counted by telemetry and
 * offered to the decision log: what every route that answers for a caller's code does (v1 evaluate, OFREP).
 * Questions about the past do not come here: an audit is not a use.
 */
@Injectable()
export class LiveEvaluations {
  constructor(
    private readonly flags: FlagStateReader,
    private readonly telemetry: EvaluationTelemetry,
    @Optional() @Inject(DECISION_LOG) private readonly decisions: DecisionLog | null,
  ) {}

  one(flagKey: string, environment: string, context: EvaluationContext): LiveEvaluation {
    const flag = this.flags.get(flagKey, environment);
    const result = evaluateFlag(flagKey, flag, context);
    this.telemetry.record(countedFlagKey(result.flagKey, flag), result.reason, environment);
    this.decisions?.record(result, context, environment);
    return { result, flag };
  }

  /** Every flag that is not archived, in key order, and the seq of the log they are the state at. */
  all(environment: string, context: EvaluationContext): { headSeq: number; answers: LiveFlagEvaluation[] } {
    const headSeq = this.flags.appliedSeq;
    const answers = liveFlagsInKeyOrder(this.flags.all(environment)).map((flag) => {
      const result = evaluateFlag(flag.key, flag, context);
      // Every result is a live flag's, so it counts under its own key.
      this.telemetry.record(result.flagKey, result.reason, environment);
      this.decisions?.record(result, context, environment);
      return { result, flag };
    });
    return { headSeq, answers };
  }
}

/** The flags an "evaluate all" answers for: every one not archived, in key order. */
export function liveFlagsInKeyOrder(flags: Iterable<FlagState>): FlagState[] {
  return [...flags].filter((flag) => !flag.archived).sort((a, b) => (a.key < b.key ? -1 : 1));
}
