import type { Generated } from 'kysely';

export interface FlagEvaluationCountTable {
  flag_key: string;
  /** Where the evaluations happened; ENVIRONMENT_NOT_RECORDED (read as the default) for counts from before environments. */
  environment: Generated<string>;
  /** Start of the UTC hour the evaluations fell in, ISO (2026-11-25T14:00:00.000Z). */
  hour: string;
  reason: string;
  count: number;
}

export interface FlagLastEvaluatedTable {
  flag_key: string;
  /** As in FlagEvaluationCountTable. */
  environment: Generated<string>;
  at: string;
}
