import { flagFrame, type FlagChange, type FlagFrame } from './flag-change.js';
import type { FlagSnapshot } from './flag-snapshot.js';
import { sseEvent } from './server-sent-events.js';

/**
 * How a change stream puts the flags on the wire. The ordering, heartbeats, per-token bound and shutdown
 * are the stream's; only the events differ between Flagledger's own stream and another protocol's
 * (Unleash streaming), so a second protocol does not need a second stream.
 */
export interface StreamFormat {
  /** Tells formats apart in the per-seq frame cache. */
  readonly name: string;
  /**
   * Whether a client's Last-Event-ID resumes it with a replay of the changes it missed. A format whose
   * clients apply a full state on connect anyway (Unleash's hydration) starts with a snapshot every time.
   */
  readonly resumes: boolean;
  /** The first event: the environment's whole live state at `snapshot.headSeq`. */
  snapshotEvent(snapshot: FlagSnapshot): string;
  /** One committed change; framed once per environment, however many streams send it. */
  changeFrame(change: FlagChange): FlagFrame;
}

/** GET /v1/stream's events (docs/contract.md §4): `snapshot`, then `flag` per change, resumable. */
export const FLAGLEDGER_STREAM_FORMAT: StreamFormat = Object.freeze({
  name: 'flagledger',
  resumes: true,
  snapshotEvent: (snapshot: FlagSnapshot) => sseEvent('snapshot', snapshot.headSeq, snapshot),
  changeFrame: flagFrame,
});
