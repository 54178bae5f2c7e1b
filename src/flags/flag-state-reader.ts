import type { StoredEvent } from '../event-store/index.js';
import type { FlagRecord, FlagState } from './flag-state.js';

/** Told of each committed flag event once it is applied, with the flag's record right after it. */
export type FlagChangeListener = (event: StoredEvent, record: FlagRecord) => void;

/**
 * Read access to the current flags; what evaluation and reads use. `environment` must be one that exists
 * (the routes check): without it, the default environment, which is what every v1 route reads.
 */
export abstract class FlagStateReader {
  abstract readonly defaultEnvironment: string;
  /** The flag as `environment` sees it. */
  abstract get(key: string, environment?: string): FlagState | undefined;
  /** Every flag as `environment` sees it, archived ones included, in no particular order. */
  abstract all(environment?: string): IterableIterator<FlagState>;
  /** The flag in every environment. */
  abstract record(key: string): FlagRecord | undefined;
  abstract records(): IterableIterator<FlagRecord>;
  /** The last seq reflected in the states. */
  abstract get appliedSeq(): number;
  /**
   * Calls `listener` synchronously after each committed flag event is applied, in seq order; when it runs,
   * `appliedSeq` is that event's seq. A reload after a projection rebuild calls nothing (the state is the
   * same). Returns the unsubscribe function.
   */
  abstract subscribe(listener: FlagChangeListener): () => void;
}
