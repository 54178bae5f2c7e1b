import { validateSync } from 'class-validator';
import { IsPercentage, IsSegments, type FlagEnvironmentState } from '../flags/index.js';
import type { ProposedChange } from './change-request.events.js';

/** A flag's state in an environment once `change` is applied to it: what a reviewer compares with today's. */
export function proposedStateOf(current: FlagEnvironmentState, change: ProposedChange): FlagEnvironmentState {
  switch (change.command) {
    case 'enable':
      return { ...current, enabled: true };
    case 'disable':
      return { ...current, enabled: false };
    case 'kill-switch/engage':
      return { ...current, killSwitch: true };
    case 'kill-switch/release':
      return { ...current, killSwitch: false };
    case 'rollout':
      return { ...current, rolloutPercentage: change.value as number };
    case 'segments':
      return { ...current, targetSegments: [...(change.value as string[])] };
    default: {
      const unreachable: never = change.command;
      throw new Error(`unknown proposed command ${String(unreachable)}`);
    }
  }
}

class RolloutValue {
  @IsPercentage()
  value!: number;
}

class SegmentsValue {
  @IsSegments()
  value!: string[];
}

/**
 * Why `value` does not fit `command` (undefined: it does), by the rules of the flag's own routes:
 * rollout takes PUT …/rollout's percentage, segments PUT …/segments' list, the other commands nothing.
 */
export function proposedValueError(change: {
  command: ProposedChange['command'];
  value?: unknown;
}): string | undefined {
  const { command, value } = change;
  const shape = command === 'rollout' ? RolloutValue : command === 'segments' ? SegmentsValue : undefined;
  if (shape === undefined) return value === undefined ? undefined : `must be left out for ${command}`;
  const [error] = validateSync(Object.assign(new shape(), { value }));
  return error === undefined ? undefined : Object.values(error.constraints ?? {}).join('; ') || 'is not valid';
}
