/**
 * An append that ran out of time (FLAGLEDGER_DB_TIMEOUT_MS) before its commit: the transaction is rolled
 * back instead of committed, so a command its client was told failed is never applied behind its back.
 * Its code makes storageFailureOf take it as the store being unavailable (a 503).
 */
export class AppendDeadlinePassedError extends Error {
  readonly code = 'FLAGLEDGER_APPEND_DEADLINE';

  constructor(timeoutMs: number) {
    super(`the append did not reach its commit within ${timeoutMs} ms (FLAGLEDGER_DB_TIMEOUT_MS)`);
    this.name = 'AppendDeadlinePassedError';
  }
}

/** Appends with the instant (ms since the epoch, real time) each must have reached its COMMIT by. */
export interface Deadlined {
  readonly deadline?: number;
  /**
   * Set once the append's group passed its deadline check and sends COMMIT: from then on its caller
   * waits for the true outcome instead of a 503 at the deadline (a COMMIT takes milliseconds, and an
   * answer sent while it runs could only be a guess).
   */
  readonly committing?: { sent: boolean };
}

/**
 * Throws, inside the commit group's transaction and just before its COMMIT, if any member's deadline
 * has passed: that member's caller has already been answered 503, and the group commits as one or not
 * at all. Otherwise marks every member as committing, so none is answered before its COMMIT's outcome.
 * Only a COMMIT whose connection breaks has an outcome nobody knows; a retry with the same
 * Idempotency-Key then replays it instead of applying it twice.
 */
export function assertBeforeDeadline(group: readonly Deadlined[], timeoutMs: number, now = Date.now()): void {
  if (group.some((append) => append.deadline !== undefined && now > append.deadline))
    throw new AppendDeadlinePassedError(timeoutMs);
  for (const append of group) if (append.committing !== undefined) append.committing.sent = true;
}
