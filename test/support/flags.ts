/** A valid create body; override what the test is about. */
export function releaseFlag(
  key = 'new_payment_processor',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { key, type: 'release', owner: 'payments-team', expiresAt: '2027-03-01T00:00:00.000Z', ...overrides };
}

/**
 * A live flag read without its usage fields (lastEvaluatedAt, evaluations): the flag's state alone, to
 * compare with states from commands, time travel or the snapshot, which carry no telemetry.
 */
export function stateOf<T extends object>(flag: T): Omit<T, 'lastEvaluatedAt' | 'evaluations'> {
  const {
    lastEvaluatedAt: _last,
    evaluations: _evaluations,
    ...state
  } = flag as T & { lastEvaluatedAt?: unknown; evaluations?: unknown };
  return state;
}
