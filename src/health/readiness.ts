import type { StoreState } from '../event-store/index.js';

/** The projection may trail the log by this many events and the instance still take traffic. */
export const READY_MAX_LAG = 1_000;

export type Readiness =
  | { ready: true; headSeq: number; appliedSeq: number; lag: number }
  | { ready: false; reason: string; headSeq: number | null; appliedSeq: number; lag: number | null };

/**
 * Whether this instance should be sent traffic (GET /ready): the store answers, the last append did not
 * fail for a storage reason, and the in-memory projection is within READY_MAX_LAG of the log. `head` is
 * the log's head seq, or the storage failure met reading it.
 */
export function readiness(state: StoreState, head: number | 'full' | 'unavailable', appliedSeq: number): Readiness {
  const failure = !state.up ? state.failure : typeof head === 'number' ? undefined : head;
  if (failure !== undefined)
    return {
      ready: false,
      reason: failure === 'full' ? 'storage full' : 'store unreachable',
      headSeq: typeof head === 'number' ? head : null,
      appliedSeq,
      lag: typeof head === 'number' ? head - appliedSeq : null,
    };
  const headSeq = head as number;
  const lag = headSeq - appliedSeq;
  if (lag > READY_MAX_LAG) return { ready: false, reason: `catching up: lag ${lag}`, headSeq, appliedSeq, lag };
  return { ready: true, headSeq, appliedSeq, lag };
}
