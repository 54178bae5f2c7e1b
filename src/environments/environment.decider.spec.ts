import { decideEnvironment, evolveEnvironment, type EnvironmentCommand } from './environment.decider.js';
import type { EnvironmentEvent } from './environment.events.js';
import { defaultEnvironment, type Environment } from './environment.js';

const AT = '2026-12-01T10:00:00.000Z';
const staging: EnvironmentEvent = {
  type: 'EnvironmentCreated',
  data: { key: 'staging', name: 'Staging', type: 'staging', requiredApprovals: 0 },
};

/** given (a starting state and events) / when (command) / then (events or error), no database. */
function given(base: Environment | undefined, ...events: EnvironmentEvent[]) {
  const state = events.reduce<Environment | undefined>(
    (current, event, i) => evolveEnvironment(current, event, { actor: 'root', at: AT, version: i + 1 }),
    base,
  );
  return {
    state,
    when: (command: EnvironmentCommand) => ({
      then: (expected: EnvironmentEvent[]) => expect(decideEnvironment(command, state)).toEqual(expected),
      thenFails: (code: string) =>
        expect(() => decideEnvironment(command, state)).toThrow(expect.objectContaining({ code })),
    }),
  };
}

describe('environment decider', () => {
  it('creates an environment that does not exist', () => {
    given(undefined)
      .when({ kind: 'create', key: 'staging', name: 'Staging', type: 'staging', requiredApprovals: 0 })
      .then([staging]);
  });

  it('refuses to create one that exists, the default included', () => {
    given(undefined, staging)
      .when({ kind: 'create', key: 'staging', name: 'Again', type: 'test', requiredApprovals: 0 })
      .thenFails('ENVIRONMENT_EXISTS');
    given(defaultEnvironment('production'))
      .when({ kind: 'create', key: 'production', name: 'Prod', type: 'production', requiredApprovals: 0 })
      .thenFails('ENVIRONMENT_EXISTS');
  });

  it('records only the fields a change changes, each from → to', () => {
    given(undefined, staging)
      .when({ kind: 'change', key: 'staging', name: 'Staging', type: 'test', requiredApprovals: 2 })
      .then([
        {
          type: 'EnvironmentChanged',
          data: { type: { from: 'staging', to: 'test' }, requiredApprovals: { from: 0, to: 2 } },
        },
      ]);
  });

  it('records nothing for a change that changes nothing', () => {
    given(undefined, staging).when({ kind: 'change', key: 'staging', name: 'Staging' }).then([]);
  });

  it('changes the default environment, which exists without an event', () => {
    const { state } = given(defaultEnvironment('production'), {
      type: 'EnvironmentChanged',
      data: { requiredApprovals: { from: 0, to: 1 } },
    });
    expect(state).toEqual({ ...defaultEnvironment('production'), requiredApprovals: 1, version: 1 });
  });

  it('refuses to change an environment that does not exist', () => {
    given(undefined).when({ kind: 'change', key: 'qa', name: 'QA' }).thenFails('ENVIRONMENT_NOT_FOUND');
  });

  it('remembers who created an environment, and when', () => {
    expect(given(undefined, staging).state).toEqual({
      key: 'staging',
      name: 'Staging',
      type: 'staging',
      requiredApprovals: 0,
      createdBy: 'root',
      createdAt: AT,
      version: 1,
    });
  });
});
