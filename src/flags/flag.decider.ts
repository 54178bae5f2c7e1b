import type { FlagState } from './flag-state.js';
import type { FlagCommand, CreateFlagInput } from './flag.commands.js';
import { FlagAlreadyExistsError, FlagArchivedError, FlagNotFoundError, FlagRuleViolationError } from './flag.errors.js';
import { TEMPORARY_FLAG_TYPES, type FlagDetails, type FlagEvent, type FlagType } from './flag.events.js';
import { DEFAULT_FLAG_RULES, type FlagRules } from './flag.rules.js';

/**
 * decide(command, state) → events. Pure: the invariants of docs/contract.md §1 that depend on the current state or
 * the time live here; shape checks (types, lengths, patterns) are the request DTOs' job. A command that
 * would change nothing yields no event.
 */
export function decideFlag(
  key: string,
  command: FlagCommand,
  state: FlagState | undefined,
  now: Date,
  rules: FlagRules = DEFAULT_FLAG_RULES,
): FlagEvent[] {
  if (command.kind === 'create') {
    if (state !== undefined) throw new FlagAlreadyExistsError(key);
    return [created(command.input, now, rules)];
  }
  if (state === undefined) throw new FlagNotFoundError(key);
  if (state.archived && command.kind !== 'archive' && command.kind !== 'restore') throw new FlagArchivedError(key);

  switch (command.kind) {
    case 'enable':
      return state.enabled ? [] : [{ type: 'FlagEnabled', data: { from: false, to: true } }];
    case 'disable':
      return state.enabled ? [{ type: 'FlagDisabled', data: { from: true, to: false } }] : [];
    case 'engageKillSwitch':
      return state.killSwitch ? [] : [{ type: 'FlagKillSwitchEngaged', data: { from: false, to: true } }];
    case 'releaseKillSwitch':
      return state.killSwitch ? [{ type: 'FlagKillSwitchReleased', data: { from: true, to: false } }] : [];
    case 'changeRollout':
      return state.rolloutPercentage === command.percentage
        ? []
        : [{ type: 'FlagRolloutChanged', data: { from: state.rolloutPercentage, to: command.percentage } }];
    case 'changeSegments':
      return sameList(state.targetSegments, command.segments)
        ? []
        : [{ type: 'FlagSegmentsChanged', data: { from: [...state.targetSegments], to: [...command.segments] } }];
    case 'changeDetails':
      return detailsChanged(state, command.changes, now, rules);
    case 'archive':
      return state.archived ? [] : [{ type: 'FlagArchived', data: { from: false, to: true } }];
    case 'restore':
      return state.archived ? [{ type: 'FlagRestored', data: { from: true, to: false } }] : [];
    default: {
      const unreachable: never = command;
      throw new Error(`unknown flag command ${JSON.stringify(unreachable)}`);
    }
  }
}

function created(input: CreateFlagInput, now: Date, rules: FlagRules): FlagEvent {
  const expiresAt = input.expiresAt ?? null;
  checkExpiry(input.type, expiresAt, now, rules);
  return {
    type: 'FlagCreated',
    data: {
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

function detailsChanged(state: FlagState, changes: Partial<FlagDetails>, now: Date, rules: FlagRules): FlagEvent[] {
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

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
