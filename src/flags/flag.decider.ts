import { copyOf, environmentStateOf, type FlagRecord } from './flag-state.js';
import type { FlagCommand, CreateFlagInput } from './flag.commands.js';
import { FlagAlreadyExistsError, FlagArchivedError, FlagNotFoundError, FlagRuleViolationError } from './flag.errors.js';
import {
  TEMPORARY_FLAG_TYPES,
  type FlagDetails,
  type FlagEnvironmentState,
  type FlagEvent,
  type FlagType,
} from './flag.events.js';
import { DEFAULT_FLAG_RULES, type FlagRules } from './flag.rules.js';

/**
 * decide(command, record) → events. Pure: the invariants of docs/contract.md §1 and §7 that depend on the
 * current state or the time live here; shape checks (types, lengths, patterns) and whether the environment
 * exists are the routes' job. State commands act in `environment` only (a kill switch in staging leaves
 * production alone) and say so in `data.environment`; archive applies to every environment. A command that
 * would change nothing yields no event.
 */
export function decideFlag(
  key: string,
  command: FlagCommand,
  record: FlagRecord | undefined,
  environment: string,
  now: Date,
  rules: FlagRules = DEFAULT_FLAG_RULES,
): FlagEvent[] {
  if (command.kind === 'create') {
    if (record !== undefined) throw new FlagAlreadyExistsError(key);
    return [created(command.input, environment, now, rules)];
  }
  if (record === undefined) throw new FlagNotFoundError(key);
  if (record.archived && command.kind !== 'archive' && command.kind !== 'restore') throw new FlagArchivedError(key);

  const state = environmentStateOf(record, environment);
  switch (command.kind) {
    case 'enable':
      return state.enabled ? [] : [{ type: 'FlagEnabled', data: { environment, from: false, to: true } }];
    case 'disable':
      return state.enabled ? [{ type: 'FlagDisabled', data: { environment, from: true, to: false } }] : [];
    case 'engageKillSwitch':
      return state.killSwitch
        ? []
        : [
            {
              type: 'FlagKillSwitchEngaged',
              data: { environment, from: false, to: true, ...(command.breakGlass ? { breakGlass: true } : {}) },
            },
          ];
    case 'releaseKillSwitch':
      return state.killSwitch ? [{ type: 'FlagKillSwitchReleased', data: { environment, from: true, to: false } }] : [];
    case 'changeRollout':
      return state.rolloutPercentage === command.percentage
        ? []
        : [
            {
              type: 'FlagRolloutChanged',
              data: { environment, from: state.rolloutPercentage, to: command.percentage },
            },
          ];
    case 'changeSegments':
      return sameList(state.targetSegments, command.segments)
        ? []
        : [
            {
              type: 'FlagSegmentsChanged',
              data: { environment, from: [...state.targetSegments], to: [...command.segments] },
            },
          ];
    case 'copyState':
      return copied(record, command.from, environment);
    case 'changeDetails':
      return detailsChanged(record, command.changes, now, rules);
    case 'archive':
      return record.archived ? [] : [{ type: 'FlagArchived', data: { from: false, to: true } }];
    case 'restore':
      return record.archived ? [{ type: 'FlagRestored', data: { from: true, to: false } }] : [];
    default: {
      const unreachable: never = command;
      throw new Error(`unknown flag command ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Promotion: `from`'s whole state replaces `to`'s, as one event naming both. */
function copied(record: FlagRecord, from: string, to: string): FlagEvent[] {
  if (from === to) throw new FlagRuleViolationError('from', 'must name another environment than the one copied into');
  const source = environmentStateOf(record, from);
  const target = environmentStateOf(record, to);
  if (sameState(source, target)) return [];
  return [
    {
      type: 'FlagStateCopied',
      data: { environment: to, sourceEnvironment: from, from: copyOf(target), to: copyOf(source) },
    },
  ];
}

function created(input: CreateFlagInput, environment: string, now: Date, rules: FlagRules): FlagEvent {
  const expiresAt = input.expiresAt ?? null;
  checkExpiry(input.type, expiresAt, now, rules);
  return {
    type: 'FlagCreated',
    data: {
      environment,
      key: input.key,
      type: input.type,
      enabled: input.enabled ?? false,
      rolloutPercentage: input.rolloutPercentage ?? 100,
      targetSegments: [...(input.targetSegments ?? [])],
      killSwitch: input.killSwitch ?? false,
      owner: input.owner,
      expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      description: input.description ?? null,
      ticket: input.ticket ?? null,
    },
  };
}

function checkExpiry(type: FlagType, expiresAt: string | null, now: Date, rules: FlagRules): void {
  if (expiresAt === null) {
    if (TEMPORARY_FLAG_TYPES.includes(type)) {
      const days = rules.suggestedLifetimeDays[type];
      const suggestion =
        days === undefined
          ? ''
          : ` (the usual lifetime is ${days} days: ${new Date(now.getTime() + days * 86_400_000).toISOString()})`;
      throw new FlagRuleViolationError(
        'expiresAt',
        `is required for ${type} flags: they are temporary, so their owner sets when they are removed${suggestion}`,
      );
    }
    return;
  }
  const expiry = Date.parse(expiresAt);
  if (Number.isNaN(expiry)) throw new FlagRuleViolationError('expiresAt', 'must be an ISO-8601 date-time');
  if (expiry <= now.getTime()) {
    throw new FlagRuleViolationError('expiresAt', `must lie in the future (now is ${now.toISOString()})`);
  }
}

function detailsChanged(state: FlagRecord, changes: Partial<FlagDetails>, now: Date, rules: FlagRules): FlagEvent[] {
  const from: Partial<FlagDetails> = {};
  const to: Partial<FlagDetails> = {};
  const normalised: Partial<FlagDetails> = { ...changes };
  if (normalised.expiresAt !== undefined) {
    checkExpiry(state.type, normalised.expiresAt, now, rules);
    if (normalised.expiresAt !== null) normalised.expiresAt = new Date(normalised.expiresAt).toISOString();
  }
  for (const field of ['owner', 'expiresAt', 'description', 'ticket'] as const) {
    const value = normalised[field];
    if (value === undefined || value === state[field]) continue;
    (from as Record<string, unknown>)[field] = state[field];
    (to as Record<string, unknown>)[field] = value;
  }
  return Object.keys(to).length === 0 ? [] : [{ type: 'FlagDetailsChanged', data: { from, to } }];
}

function sameState(a: FlagEnvironmentState, b: FlagEnvironmentState): boolean {
  return (
    a.enabled === b.enabled &&
    a.rolloutPercentage === b.rolloutPercentage &&
    a.killSwitch === b.killSwitch &&
    sameList(a.targetSegments, b.targetSegments)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
