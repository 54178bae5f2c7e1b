import type { Environment } from '../../environments/index.js';
import { ValidationFailedError } from '../../shared/index.js';
import type { FlagCommand } from '../flag.commands.js';
import { ChangeRequestRequiredError } from '../flag.errors.js';

/**
 * docs/contract.md §10 for a command sent directly (a flag route), not applied from a change request:
 * in an environment with `requiredApprovals` > 0 a state change is refused, whoever sends it, and the
 * kill switch is break glass. Answers the command to execute (an engage marked `breakGlass`) or throws.
 *
 * Not part of `decideFlag`: a change request's apply decides the approved changes into the protected
 * environment with it, and must not be refused by the rule the request exists to satisfy.
 */
export function admitDirectCommand(
  command: FlagCommand,
  environment: Pick<Environment, 'key' | 'requiredApprovals'>,
  reason: string | null,
): FlagCommand {
  const { key, requiredApprovals } = environment;
  if (requiredApprovals === 0) return command;
  const refuse = (change: string, field?: string) =>
    new ChangeRequestRequiredError(key, requiredApprovals, change, field);
  switch (command.kind) {
    case 'engageKillSwitch':
      // A kill switch is instant (brief rule 2): never waits for a review, but says why, and is marked so
      // a reviewer can find it afterwards.
      if (reason === null || reason.trim() === '')
        throw new ValidationFailedError([
          { field: 'reason', message: `is required to engage a kill switch in protected environment '${key}'` },
        ]);
      return { ...command, breakGlass: true };
    case 'enable':
    case 'disable':
    case 'releaseKillSwitch':
    case 'changeRollout':
    case 'changeSegments':
      throw refuse(command.kind);
    case 'copyState':
      throw refuse(`copying the state from '${command.from}'`);
    case 'create':
      // A flag created off serves nobody, as a new flag does in every other environment; switching it on
      // is the change that needs four eyes.
      if (command.input.enabled === true) throw refuse('creating the flag enabled', 'enabled');
      return command;
    // The definition is shared by every environment and changes what nobody is served. Archive serves
    // everyone off, the safe direction, as a kill switch does; restore brings back the state each
    // environment had, which got there under its own rules, and a change request has no restore to ask
    // for (an archived flag's state cannot change), so refusing it would leave no way back.
    case 'changeDetails':
    case 'archive':
    case 'restore':
      return command;
    default: {
      const unreachable: never = command;
      throw new Error(`unknown flag command ${JSON.stringify(unreachable)}`);
    }
  }
}
