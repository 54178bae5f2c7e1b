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

export interface FlagCreatedData extends FlagDetails {
  key: string;
  type: FlagType;
  enabled: boolean;
  rolloutPercentage: number;
  targetSegments: string[];
  killSwitch: boolean;
}

export interface Change<T> {
  from: T;
  to: T;
}

export interface FlagEventDataByType {
  FlagCreated: FlagCreatedData;
  FlagEnabled: Change<boolean>;
  FlagDisabled: Change<boolean>;
  FlagRolloutChanged: Change<number>;
  FlagSegmentsChanged: Change<string[]>;
  FlagKillSwitchEngaged: Change<boolean>;
  FlagKillSwitchReleased: Change<boolean>;
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
];

/** A flag event as the decider emits it, before the store gives it an envelope. */
export type FlagEvent = { [T in FlagEventType]: { type: T; data: FlagEventDataByType[T] } }[FlagEventType];

export const FLAG_EVENT_SCHEMA_VERSION = 1;

export function isFlagEventType(type: string): type is FlagEventType {
  return (FLAG_EVENT_TYPES as readonly string[]).includes(type);
}
