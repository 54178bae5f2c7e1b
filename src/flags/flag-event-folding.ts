import type { StoredEvent } from '../event-store/index.js';
import {
  evolveFlagRecord,
  evolveFlagState,
  type EnvironmentView,
  type FlagRecord,
  type FlagState,
} from './flag-state.js';
import type { FlagEvent } from './flag.events.js';

/** Folds committed envelopes of one flag's stream into its record (every environment). */
export function foldFlagRecord(
  record: FlagRecord | undefined,
  events: readonly StoredEvent[],
  defaultEnvironment: string,
): FlagRecord | undefined {
  let current = record;
  for (const event of events)
    current = evolveFlagRecord(current, event as unknown as FlagEvent, event, defaultEnvironment);
  return current;
}

/** Folds committed envelopes of one flag's stream into the flag as one environment sees it (see evolveFlagState). */
export function foldFlagEvents(
  state: FlagState | undefined,
  events: readonly StoredEvent[],
  view?: EnvironmentView,
): FlagState | undefined {
  let current = state;
  for (const event of events) current = evolveFlagState(current, event as unknown as FlagEvent, event, view);
  return current;
}
