import { MAX_RESUME_GAP } from './delivery-options.js';

/** Where a new stream starts: a full snapshot, or replaying the events after a seq the client already has. */
export type ResumePoint = { kind: 'snapshot' } | { kind: 'replay'; afterSeq: number };

/** The ids the stream sends: seqs, in decimal without leading zeros. */
const EVENT_ID = /^(0|[1-9][0-9]{0,15})$/;

/**
 * A Last-Event-ID is resumed from only if it names a seq the log has reached and is at most MAX_RESUME_GAP
 * behind `headSeq`; anything else (absent, not a non-negative integer, ahead of the head as after a restore
 * from an older backup, or too old) starts over with a snapshot, which is always correct.
 */
export function resumePoint(lastEventId: string | undefined, headSeq: number): ResumePoint {
  if (lastEventId === undefined || !EVENT_ID.test(lastEventId)) return { kind: 'snapshot' };
  const afterSeq = Number(lastEventId);
  if (afterSeq > headSeq || headSeq - afterSeq > MAX_RESUME_GAP) return { kind: 'snapshot' };
  return { kind: 'replay', afterSeq };
}
