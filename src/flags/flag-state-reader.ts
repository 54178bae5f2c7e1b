import type { StoredEvent } from '../event-store/index.js';
import type { FlagState } from './flag-state.js';

/** Told of each committed flag event once it is applied, with the flag's state right after it. */
export type FlagChangeListener = (event: StoredEvent, state: FlagState) => void;

/** Read access to the current flags; what evaluation and reads use. */
export abstract class FlagStateReader {
  abstract get(key: string): FlagState | undefined;
  abstract all(): IterableIterator<FlagState>;
  /** The last seq reflected in the states. */
  abstract get appliedSeq(): number;
  /**
   * Calls `listener` synchronously after each committed flag event is applied, in seq order; when it runs,
   * `appliedSeq` is that event's seq. A reload after a projection rebuild calls nothing (the state is the
   * same). Returns the unsubscribe function.
   */
  abstract subscribe(listener: FlagChangeListener): () => void;
}
