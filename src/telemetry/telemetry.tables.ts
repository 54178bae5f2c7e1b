export interface FlagEvaluationCountTable {
  flag_key: string;
  /** Start of the UTC hour the evaluations fell in, ISO (2026-11-25T14:00:00.000Z). */
  hour: string;
  reason: string;
  count: number;
}

export interface FlagLastEvaluatedTable {
  flag_key: string;
  at: string;
}
