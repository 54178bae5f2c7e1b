import type { FlagCommand } from '../flags/index.js';
import type { ProposedChange } from './change-request.events.js';

/** The flag command a proposed change stands for, as the flag's own route would send it. */
export function flagCommandOf(change: ProposedChange): FlagCommand {
  switch (change.command) {
    case 'enable':
      return { kind: 'enable' };
    case 'disable':
      return { kind: 'disable' };
    case 'kill-switch/engage':
      return { kind: 'engageKillSwitch' };
    case 'kill-switch/release':
      return { kind: 'releaseKillSwitch' };
    case 'rollout':
      return { kind: 'changeRollout', percentage: change.value as number };
    case 'segments':
      return { kind: 'changeSegments', segments: [...(change.value as string[])] };
    default: {
      const unreachable: never = change.command;
      throw new Error(`unknown proposed command ${String(unreachable)}`);
    }
  }
}
