/**
 * The flag events: the public vocabulary other slices (history, evaluation, export, SDK) may import.
 * Stored with schemaVersion 1; change a shape only by adding a new schema version.
 */
export const FLAG_TYPES = ['release', 'operational', 'experiment', 'permission'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

/** Types whose flags are temporary and so must carry an expiry (docs/contract.md §1, brief rule 1). */
export const TEMPORARY_FLAG_TYPES: readonly FlagType[] = ['release', 'experiment'];

export interface FlagDetails {
  owner: string;
  expiresAt: string | null;
  description: string | null;
  ticket: string | null;
}

/** What a flag is, shared by every environment (docs/contract.md §7). */
export interface FlagDefinition extends FlagDetails {
  key: string;
  type: FlagType;
}

/** What a flag does in one environment (docs/contract.md §7). */
export interface FlagEnvironmentState {
  enabled: boolean;
  rolloutPercentage: number;
  targetSegments: string[];
  killSwitch: boolean;
}

/**
 * The environment a state event acts in. Events written before environments have none and are read as
 * the default environment (upcast on read, never rewritten: their hashes still verify).
 */
export interface InEnvironment {
  environment?: string;
}

/** The definition, and the initial state in the environment it was created from (the default one). */
export interface FlagCreatedData extends FlagDefinition, FlagEnvironmentState, InEnvironment {}

export interface Change<T> {
  from: T;
  to: T;
}

/** A change of one environment's state. */
export type StateChange<T> = InEnvironment & Change<T>;

/**
 * A kill switch engaged. `breakGlass`: engaged directly in an environment whose other state changes need
 * a change request (docs/contract.md §10), so a reviewer can find it; absent everywhere else, which keeps
 * the events of unprotected environments exactly as v1 wrote them.
 */
export interface KillSwitchEngagedData extends StateChange<boolean> {
  breakGlass?: true;
}

/** One environment's state replaced by another's (promotion: staging → production). */
export interface FlagStateCopiedData extends Change<FlagEnvironmentState> {
  environment: string;
  sourceEnvironment: string;
}

export interface FlagEventDataByType {
  FlagCreated: FlagCreatedData;
  FlagEnabled: StateChange<boolean>;
  FlagDisabled: StateChange<boolean>;
  FlagRolloutChanged: StateChange<number>;
  FlagSegmentsChanged: StateChange<string[]>;
  FlagKillSwitchEngaged: KillSwitchEngagedData;
  FlagKillSwitchReleased: StateChange<boolean>;
  FlagStateCopied: FlagStateCopiedData;
  FlagDetailsChanged: Change<Partial<FlagDetails>>;
  FlagArchived: Change<boolean>;
  FlagRestored: Change<boolean>;
}

export type FlagEventType = keyof FlagEventDataByType;

export const FLAG_EVENT_TYPES: readonly FlagEventType[] = [
  'FlagCreated',
  'FlagEnabled',
  'FlagDisabled',
  'FlagRolloutChanged',
  'FlagSegmentsChanged',
  'FlagKillSwitchEngaged',
  'FlagKillSwitchReleased',
  'FlagDetailsChanged',
  'FlagArchived',
  'FlagRestored',
  'FlagStateCopied',
];

/** The events that change one environment's state, and only that environment's. */
export const FLAG_STATE_EVENT_TYPES: readonly FlagEventType[] = [
  'FlagEnabled',
  'FlagDisabled',
  'FlagRolloutChanged',
  'FlagSegmentsChanged',
  'FlagKillSwitchEngaged',
  'FlagKillSwitchReleased',
  'FlagStateCopied',
];

/** The events that say which environment they act in (`environmentOfEvent` is not null for them). */
export const FLAG_EVENT_TYPES_WITH_ENVIRONMENT: readonly FlagEventType[] = ['FlagCreated', ...FLAG_STATE_EVENT_TYPES];

/** A flag event as the decider emits it, before the store gives it an envelope. */
export type FlagEvent = { [T in FlagEventType]: { type: T; data: FlagEventDataByType[T] } }[FlagEventType];

export const FLAG_EVENT_SCHEMA_VERSION = 1;

export function isFlagEventType(type: string): type is FlagEventType {
  return (FLAG_EVENT_TYPES as readonly string[]).includes(type);
}

export function isFlagStateEventType(type: string): boolean {
  return (FLAG_STATE_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * The environment an event acts in: its own for state events and FlagCreated (whose initial state it
 * sets), `defaultEnvironment` for those written before environments; null for definition events.
 */
export function environmentOfEvent(type: string, data: unknown, defaultEnvironment: string): string | null {
  if (type !== 'FlagCreated' && !isFlagStateEventType(type)) return null;
  return (data as InEnvironment).environment ?? defaultEnvironment;
}

/**
 * Whether an event changes the flag as `environment` sees it: a state event only in its own environment;
 * every other event (created, details, archive, restore) in all of them.
 */
export function eventAppliesTo(
  event: { type: string; data: unknown },
  environment: string,
  defaultEnvironment: string,
): boolean {
  if (!isFlagStateEventType(event.type)) return true;
  return ((event.data as InEnvironment).environment ?? defaultEnvironment) === environment;
}
