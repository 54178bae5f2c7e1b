import { EnvironmentExistsError, EnvironmentNotFoundError } from './environment.errors.js';
import type { EnvironmentChangedData, EnvironmentEvent } from './environment.events.js';
import type { Environment, EnvironmentType } from './environment.js';

export type EnvironmentCommand =
  | { kind: 'create'; key: string; name: string; type: EnvironmentType; requiredApprovals: number }
  | { kind: 'change'; key: string; name?: string; type?: EnvironmentType; requiredApprovals?: number };

/**
 * What a command on one environment records, given its current state (undefined: it does not exist; the
 * default environment always exists). A change that changes nothing records nothing.
 */
export function decideEnvironment(command: EnvironmentCommand, current: Environment | undefined): EnvironmentEvent[] {
  switch (command.kind) {
    case 'create': {
      if (current !== undefined) throw new EnvironmentExistsError(command.key);
      const { key, name, type, requiredApprovals } = command;
      return [{ type: 'EnvironmentCreated', data: { key, name, type, requiredApprovals } }];
    }
    case 'change': {
      if (current === undefined) throw new EnvironmentNotFoundError(command.key);
      const data: EnvironmentChangedData = {};
      if (command.name !== undefined && command.name !== current.name)
        data.name = { from: current.name, to: command.name };
      if (command.type !== undefined && command.type !== current.type)
        data.type = { from: current.type, to: command.type };
      if (command.requiredApprovals !== undefined && command.requiredApprovals !== current.requiredApprovals)
        data.requiredApprovals = { from: current.requiredApprovals, to: command.requiredApprovals };
      return Object.keys(data).length === 0 ? [] : [{ type: 'EnvironmentChanged', data }];
    }
    default: {
      const unreachable: never = command;
      throw new Error(`unknown environment command ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The environment after one of its events; `base` is what it was (the default environment's own, before its first). */
export function evolveEnvironment(
  base: Environment | undefined,
  event: EnvironmentEvent,
  envelope: { actor: string; at: string; version: number },
): Environment {
  switch (event.type) {
    case 'EnvironmentCreated':
      return { ...event.data, createdBy: envelope.actor, createdAt: envelope.at, version: envelope.version };
    case 'EnvironmentChanged': {
      if (base === undefined) throw new Error('EnvironmentChanged before the environment existed');
      const { name, type, requiredApprovals } = event.data;
      return {
        ...base,
        ...(name !== undefined ? { name: name.to } : {}),
        ...(type !== undefined ? { type: type.to } : {}),
        ...(requiredApprovals !== undefined ? { requiredApprovals: requiredApprovals.to } : {}),
        version: envelope.version,
      };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unknown environment event ${JSON.stringify(unreachable)}`);
    }
  }
}
