import type { StoredEvent } from '../event-store/index.js';
import { evolveFlagState, type FlagState } from './flag-state.js';
import type { FlagEvent } from './flag.events.js';

/** Folds committed envelopes of one flag's stream into its state. */
export function foldFlagEvents(state: FlagState | undefined, events: readonly StoredEvent[]): FlagState | undefined {
  let current = state;
  for (const event of events) current = evolveFlagState(current, event as unknown as FlagEvent, event);
  return current;
}
