import type { FlagCreatedData, FlagEvent } from './flag.events.js';

/**
 * Current state of one flag, as every projection and time-travel read sees it: what FlagCreated set
 * (changed since by later events) plus what the server maintains.
 */
export interface FlagState extends FlagCreatedData {
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  archived: boolean;
}

/** What evolve needs of an event's envelope besides the event itself. */
export interface EventEnvelopeFacts {
  version: number;
  actor: string;
  at: string;
}

/**
 * Folds one committed event into the state. Pure, so the write side, the projections and time travel
 * all agree by construction.
 */
export function evolveFlagState(
  state: FlagState | undefined,
  event: FlagEvent,
  envelope: EventEnvelopeFacts,
): FlagState {
  if (event.type === 'FlagCreated') {
    const d = event.data;
    return {
      key: d.key,
      type: d.type,
      enabled: d.enabled,
      rolloutPercentage: d.rolloutPercentage,
      targetSegments: [...d.targetSegments],
      killSwitch: d.killSwitch,
      owner: d.owner,
      expiresAt: d.expiresAt,
      description: d.description,
      ticket: d.ticket,
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
    case 'FlagEnabled':
    case 'FlagDisabled':
      next.enabled = event.data.to;
      return next;
    case 'FlagRolloutChanged':
      next.rolloutPercentage = event.data.to;
      return next;
    case 'FlagSegmentsChanged':
      next.targetSegments = [...event.data.to];
      return next;
    case 'FlagKillSwitchEngaged':
    case 'FlagKillSwitchReleased':
      next.killSwitch = event.data.to;
      return next;
    case 'FlagDetailsChanged':
      return { ...next, ...event.data.to };
    case 'FlagArchived':
    case 'FlagRestored':
      next.archived = event.data.to;
      return next;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown flag event ${JSON.stringify(unreachable)}`);
    }
  }
}
