import type { FlagCreatedData, FlagDefinition, FlagEnvironmentState, FlagEvent, InEnvironment } from './flag.events.js';

/** What the server keeps beside what the events say. */
interface FlagFacts {
  createdBy: string;
  createdAt: string;
  /** The flag's last event, in any environment: version and updatedAt belong to the one stream. */
  updatedAt: string;
  version: number;
  archived: boolean;
}

/**
 * One flag as one environment sees it: the shared definition and that environment's state. The v1 shape,
 * which every v1 route answers with for the default environment.
 */
export interface FlagState extends Omit<FlagCreatedData, 'environment'>, FlagFacts {}

/**
 * One flag in every environment, as the projections and time travel hold it: the definition once, and the
 * state of each environment it was ever changed in. An environment missing here has the §1 defaults.
 */
export interface FlagRecord extends FlagDefinition, FlagFacts {
  environments: Record<string, FlagEnvironmentState>;
}

/** docs/contract.md §1: a flag's state in an environment nobody changed it in. */
export const INITIAL_ENVIRONMENT_STATE: Readonly<FlagEnvironmentState> = Object.freeze({
  enabled: false,
  rolloutPercentage: 100,
  targetSegments: [],
  killSwitch: false,
});

/** What evolve needs of an event's envelope besides the event itself. */
export interface EventEnvelopeFacts {
  version: number;
  actor: string;
  at: string;
}

export function environmentStateOf(record: FlagRecord, environment: string): FlagEnvironmentState {
  return record.environments[environment] ?? INITIAL_ENVIRONMENT_STATE;
}

/** The record as `environment` sees it; the keys in the order v1 answered with. */
export function flagStateIn(record: FlagRecord, environment: string): FlagState {
  const state = environmentStateOf(record, environment);
  return {
    key: record.key,
    type: record.type,
    enabled: state.enabled,
    rolloutPercentage: state.rolloutPercentage,
    targetSegments: [...state.targetSegments],
    killSwitch: state.killSwitch,
    owner: record.owner,
    expiresAt: record.expiresAt,
    description: record.description,
    ticket: record.ticket,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
    archived: record.archived,
  };
}

/**
 * Folds one committed event into the record. Pure, so the write side, the projections and time travel all
 * agree by construction. Events without `data.environment` (written before environments) act in
 * `defaultEnvironment`.
 */
export function evolveFlagRecord(
  record: FlagRecord | undefined,
  event: FlagEvent,
  envelope: EventEnvelopeFacts,
  defaultEnvironment: string,
): FlagRecord {
  if (event.type === 'FlagCreated') {
    const d = event.data;
    return {
      key: d.key,
      type: d.type,
      owner: d.owner,
      expiresAt: d.expiresAt,
      description: d.description,
      ticket: d.ticket,
      createdBy: envelope.actor,
      createdAt: envelope.at,
      updatedAt: envelope.at,
      version: envelope.version,
      archived: false,
      environments: { [d.environment ?? defaultEnvironment]: copyOf(d) },
    };
  }
  if (record === undefined)
    throw new Error(`${event.type} at version ${envelope.version} has no FlagCreated before it`);
  const next: FlagRecord = { ...record, version: envelope.version, updatedAt: envelope.at };
  switch (event.type) {
    case 'FlagDetailsChanged':
      return { ...next, ...event.data.to };
    case 'FlagArchived':
    case 'FlagRestored':
      next.archived = event.data.to;
      return next;
    default: {
      const environment = (event.data as InEnvironment).environment ?? defaultEnvironment;
      next.environments = {
        ...record.environments,
        [environment]: evolveEnvironmentState(environmentStateOf(record, environment), event),
      };
      return next;
    }
  }
}

/** Which environment a one-environment fold shows, and which one events without `data.environment` belong to. */
export interface EnvironmentView {
  environment: string;
  defaultEnvironment: string;
}

/**
 * Folds one event into the flag as one environment sees it. Without `view` every state event counts, as
 * when there was one environment; with it, another environment's events move only the version (an event
 * without `data.environment` belongs to the default environment).
 */
export function evolveFlagState(
  state: FlagState | undefined,
  event: FlagEvent,
  envelope: EventEnvelopeFacts,
  view?: EnvironmentView,
): FlagState {
  const inView = (data: InEnvironment) =>
    view === undefined || (data.environment ?? view.defaultEnvironment) === view.environment;
  if (event.type === 'FlagCreated') {
    const { environment: _created, ...definition } = event.data;
    return {
      ...definition,
      ...(inView(event.data) ? copyOf(event.data) : { ...INITIAL_ENVIRONMENT_STATE, targetSegments: [] }),
      createdBy: envelope.actor,
      createdAt: envelope.at,
      updatedAt: envelope.at,
      version: envelope.version,
      archived: false,
    };
  }
  if (state === undefined) throw new Error(`${event.type} at version ${envelope.version} has no FlagCreated before it`);
  const next: FlagState = { ...state, version: envelope.version, updatedAt: envelope.at };
  switch (event.type) {
    case 'FlagDetailsChanged':
      return { ...next, ...event.data.to };
    case 'FlagArchived':
    case 'FlagRestored':
      next.archived = event.data.to;
      return next;
    default:
      return inView(event.data) ? { ...next, ...evolveEnvironmentState(next, event) } : next;
  }
}

type StateEvent = Exclude<FlagEvent, { type: 'FlagCreated' | 'FlagDetailsChanged' | 'FlagArchived' | 'FlagRestored' }>;

/** The one step both folds share: a state event applied to one environment's state. */
function evolveEnvironmentState(state: FlagEnvironmentState, event: StateEvent): FlagEnvironmentState {
  const current: FlagEnvironmentState = {
    enabled: state.enabled,
    rolloutPercentage: state.rolloutPercentage,
    targetSegments: state.targetSegments,
    killSwitch: state.killSwitch,
  };
  switch (event.type) {
    case 'FlagEnabled':
    case 'FlagDisabled':
      return { ...current, enabled: event.data.to };
    case 'FlagRolloutChanged':
      return { ...current, rolloutPercentage: event.data.to };
    case 'FlagSegmentsChanged':
      return { ...current, targetSegments: [...event.data.to] };
    case 'FlagKillSwitchEngaged':
    case 'FlagKillSwitchReleased':
      return { ...current, killSwitch: event.data.to };
    case 'FlagStateCopied':
      return copyOf(event.data.to);
    default: {
      const unreachable: never = event;
      throw new Error(`unknown flag event ${JSON.stringify(unreachable)}`);
    }
  }
}

export function copyOf(state: FlagEnvironmentState): FlagEnvironmentState {
  return {
    enabled: state.enabled,
    rolloutPercentage: state.rolloutPercentage,
    targetSegments: [...state.targetSegments],
    killSwitch: state.killSwitch,
  };
}

/**
 * How flag_state and flag_snapshots hold a record: the flag as the default environment sees it, in exactly
 * the v1 shape (so a row written before environments is already one, and a log with one environment keeps
 * byte-identical rows), plus the state of every other environment it was changed in.
 */
interface StoredFlag extends FlagState {
  otherEnvironments?: Record<string, FlagEnvironmentState>;
}

export function toStoredFlag(record: FlagRecord, defaultEnvironment: string): StoredFlag {
  const others = Object.entries(record.environments).filter(([environment]) => environment !== defaultEnvironment);
  const stored: StoredFlag = flagStateIn(record, defaultEnvironment);
  if (others.length > 0) stored.otherEnvironments = Object.fromEntries(others);
  return stored;
}

/** A flag_state or flag_snapshots row (see toStoredFlag) back into the record. */
export function parseFlagRecord(json: string, defaultEnvironment: string): FlagRecord {
  const { enabled, rolloutPercentage, targetSegments, killSwitch, otherEnvironments, ...definition } = JSON.parse(
    json,
  ) as StoredFlag;
  return {
    ...definition,
    environments: {
      ...otherEnvironments,
      [defaultEnvironment]: { enabled, rolloutPercentage, targetSegments, killSwitch },
    },
  };
}
