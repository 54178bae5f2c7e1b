/** Flags: the only write side (commands → events), the flag events, and the current-state projection. */
export { FlagCommandOutcomes } from './commands/flag-command-outcomes.js';
export {
  FLAG_KEY_PATTERN,
  IsPercentage,
  IsSegments,
  RESERVED_FLAG_KEYS,
} from './commands/requests/flag-field.validators.js';
export { foldFlagEvents, foldFlagRecord } from './flag-event-folding.js';
export { FlagStateReader, type FlagChangeListener } from './flag-state-reader.js';
export {
  environmentStateOf,
  evolveFlagRecord,
  evolveFlagState,
  flagStateIn,
  INITIAL_ENVIRONMENT_STATE,
  type EventEnvelopeFacts,
  type FlagRecord,
  type FlagState,
} from './flag-state.js';
export type { FlagCommand } from './flag.commands.js';
export { decideFlag } from './flag.decider.js';
export { FlagNotFoundError } from './flag.errors.js';
export {
  environmentOfEvent,
  eventAppliesTo,
  FLAG_EVENT_SCHEMA_VERSION,
  FLAG_EVENT_TYPES,
  FLAG_EVENT_TYPES_WITH_ENVIRONMENT,
  FLAG_STATE_EVENT_TYPES,
  FLAG_TYPES,
  isFlagEventType,
  isFlagStateEventType,
  type FlagEnvironmentState,
  type Change,
  type FlagEvent,
  type FlagType,
} from './flag.events.js';
export { DEFAULT_FLAG_RULES } from './flag.rules.js';
export { FlagsModule } from './flags.module.js';
export type { FlagSnapshotTable } from './projections/flag-snapshot.table.js';
export type { FlagStateTable } from './projections/flag-state.table.js';
export { FlagTimeTravel } from './time-travel/flag-time-travel.js';
