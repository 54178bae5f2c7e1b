import type { StoredEvent } from '../event-store/index.js';
import type { FlagState } from '../flags/index.js';
import { sseEvent } from './server-sent-events.js';

/** The stream's `flag` event: one committed flag event and the flag's full state right after it. */
export interface FlagChange {
  seq: number;
  key: string;
  type: string;
  /** Archived flags are sent too, with `archived: true`. */
  flag: FlagState;
}

/** A `flag` event framed for the wire; framed once per change however many streams send it. */
export interface FlagFrame {
  seq: number;
  text: string;
}

export function toFlagChange(event: StoredEvent, flag: FlagState): FlagChange {
  return { seq: event.seq, key: event.streamId, type: event.type, flag };
}

export function flagFrame(change: FlagChange): FlagFrame {
  return { seq: change.seq, text: sseEvent('flag', change.seq, change) };
}
