import { environmentStateOf, evolveFlagRecord, type FlagRecord } from './flag-state.js';
import type { FlagCommand } from './flag.commands.js';
import { decideFlag } from './flag.decider.js';
import type { FlagEvent } from './flag.events.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const KEY = 'new_payment_processor';
const PROD = 'production';
const STAGING = 'staging';

const created: FlagEvent = {
  type: 'FlagCreated',
  data: {
    environment: PROD,
    key: KEY,
    type: 'release',
    enabled: false,
    rolloutPercentage: 100,
    targetSegments: [],
    killSwitch: false,
    owner: 'payments',
    expiresAt: '2027-01-01T00:00:00.000Z',
    description: null,
    ticket: null,
  },
};

/** The record the events fold to, `production` being the default environment. */
function fold(events: FlagEvent[]): FlagRecord | undefined {
  let record: FlagRecord | undefined;
  events.forEach((event, i) => {
    record = evolveFlagRecord(record, event, { version: i + 1, actor: 'alice', at: NOW.toISOString() }, PROD);
  });
  return record;
}

/** given (events) / when (command, in an environment) / then (events or error), no database. */
function given(...events: FlagEvent[]) {
  const state = fold(events);
  return {
    when: (command: FlagCommand, environment = PROD) => ({
      then: (expected: FlagEvent[]) => expect(decideFlag(KEY, command, state, environment, NOW)).toEqual(expected),
      thenFails: (code: string, field?: string) => {
        try {
          decideFlag(KEY, command, state, environment, NOW);
        } catch (error) {
          expect(error).toMatchObject({ code });
          if (field)
            expect((error as { errors: { field: string }[] }).errors).toEqual(
              expect.arrayContaining([expect.objectContaining({ field })]),
            );
          return;
        }
        throw new Error(`expected ${code}, but the command was accepted`);
      },
    }),
  };
}

const enabled: FlagEvent = { type: 'FlagEnabled', data: { environment: PROD, from: false, to: true } };
const archived: FlagEvent = { type: 'FlagArchived', data: { from: false, to: true } };

describe('decideFlag', () => {
  it('creates a flag with the contract defaults (docs/contract.md §1)', () => {
    given()
      .when({
        kind: 'create',
        input: { key: KEY, type: 'release', owner: 'payments', expiresAt: '2027-01-01T00:00:00Z' },
      })
      .then([created]);
  });

  it('refuses to create a key that exists', () => {
    given(created)
      .when({ kind: 'create', input: { key: KEY, type: 'release', owner: 'x', expiresAt: '2027-01-01T00:00:00Z' } })
      .thenFails('FLAG_EXISTS', 'key');
  });

  it.each(['release', 'experiment'] as const)('requires expiresAt for %s flags', (type) => {
    given()
      .when({ kind: 'create', input: { key: KEY, type, owner: 'x' } })
      .thenFails('VALIDATION_FAILED', 'expiresAt');
  });

  it('suggests the configured lifetime when a temporary flag comes without expiresAt, and decides nothing for the owner', () => {
    const attempt = (rules?: Parameters<typeof decideFlag>[5]) => () =>
      decideFlag(
        KEY,
        { kind: 'create', input: { key: KEY, type: 'experiment', owner: 'x' } },
        undefined,
        PROD,
        NOW,
        rules,
      );
    expect(attempt()).toThrow('the usual lifetime is 40 days: 2027-01-04T12:00:00.000Z');
    expect(attempt({ suggestedLifetimeDays: { experiment: 14 } })).toThrow(
      'the usual lifetime is 14 days: 2026-12-09T12:00:00.000Z',
    );
  });

  it.each(['operational', 'permission'] as const)('lets %s flags live without expiresAt', (type) => {
    expect(
      decideFlag(KEY, { kind: 'create', input: { key: KEY, type, owner: 'x' } }, undefined, PROD, NOW),
    ).toHaveLength(1);
  });

  it('refuses an expiresAt that is not in the future', () => {
    given()
      .when({ kind: 'create', input: { key: KEY, type: 'release', owner: 'x', expiresAt: NOW.toISOString() } })
      .thenFails('VALIDATION_FAILED', 'expiresAt');
  });

  it('rejects commands on a flag that does not exist', () => {
    given().when({ kind: 'enable' }).thenFails('FLAG_NOT_FOUND');
  });

  it('enables a disabled flag and does nothing to an enabled one', () => {
    given(created).when({ kind: 'enable' }).then([enabled]);
    given(created, enabled).when({ kind: 'enable' }).then([]);
  });

  it('disables an enabled flag and does nothing to a disabled one', () => {
    given(created, enabled)
      .when({ kind: 'disable' })
      .then([{ type: 'FlagDisabled', data: { environment: PROD, from: true, to: false } }]);
    given(created).when({ kind: 'disable' }).then([]);
  });

  it('engages and releases the kill switch once each', () => {
    given(created)
      .when({ kind: 'engageKillSwitch' })
      .then([{ type: 'FlagKillSwitchEngaged', data: { environment: PROD, from: false, to: true } }]);
    given(created).when({ kind: 'releaseKillSwitch' }).then([]);
    given(created, { type: 'FlagKillSwitchEngaged', data: { environment: PROD, from: false, to: true } })
      .when({ kind: 'releaseKillSwitch' })
      .then([{ type: 'FlagKillSwitchReleased', data: { environment: PROD, from: true, to: false } }]);
  });

  it('records breakGlass on a kill switch engaged as break glass, and engages an engaged one no further', () => {
    given(created)
      .when({ kind: 'engageKillSwitch', breakGlass: true })
      .then([{ type: 'FlagKillSwitchEngaged', data: { environment: PROD, from: false, to: true, breakGlass: true } }]);
    given(created, { type: 'FlagKillSwitchEngaged', data: { environment: PROD, from: false, to: true } })
      .when({ kind: 'engageKillSwitch', breakGlass: true })
      .then([]);
  });

  it('records the rollout change from → to, and nothing for the same percentage', () => {
    given(created)
      .when({ kind: 'changeRollout', percentage: 10 })
      .then([{ type: 'FlagRolloutChanged', data: { environment: PROD, from: 100, to: 10 } }]);
    given(created).when({ kind: 'changeRollout', percentage: 100 }).then([]);
  });

  it('records segment changes, and nothing for the same list', () => {
    given(created)
      .when({ kind: 'changeSegments', segments: ['a', 'b'] })
      .then([{ type: 'FlagSegmentsChanged', data: { environment: PROD, from: [], to: ['a', 'b'] } }]);
    given(created).when({ kind: 'changeSegments', segments: [] }).then([]);
  });

  it('records only the details that change', () => {
    given(created)
      .when({ kind: 'changeDetails', changes: { owner: 'payments', ticket: 'PAY-1', description: undefined } })
      .then([{ type: 'FlagDetailsChanged', data: { from: { ticket: null }, to: { ticket: 'PAY-1' } } }]);
    given(created)
      .when({ kind: 'changeDetails', changes: { owner: 'payments' } })
      .then([]);
  });

  it('extends an expiry, normalised to ISO, but never to the past or to none for a release flag', () => {
    given(created)
      .when({ kind: 'changeDetails', changes: { expiresAt: '2027-02-01T00:00:00Z' } })
      .then([
        {
          type: 'FlagDetailsChanged',
          data: { from: { expiresAt: '2027-01-01T00:00:00.000Z' }, to: { expiresAt: '2027-02-01T00:00:00.000Z' } },
        },
      ]);
    given(created)
      .when({ kind: 'changeDetails', changes: { expiresAt: '2020-01-01T00:00:00Z' } })
      .thenFails('VALIDATION_FAILED', 'expiresAt');
    given(created)
      .when({ kind: 'changeDetails', changes: { expiresAt: null } })
      .thenFails('VALIDATION_FAILED', 'expiresAt');
  });

  it('archives and restores, each once', () => {
    given(created).when({ kind: 'archive' }).then([archived]);
    given(created, archived).when({ kind: 'archive' }).then([]);
    given(created, archived)
      .when({ kind: 'restore' })
      .then([{ type: 'FlagRestored', data: { from: true, to: false } }]);
    given(created).when({ kind: 'restore' }).then([]);
  });

  it('refuses changes to an archived flag other than restore', () => {
    given(created, archived).when({ kind: 'enable' }).thenFails('FLAG_ARCHIVED');
    given(created, archived).when({ kind: 'changeRollout', percentage: 5 }).thenFails('FLAG_ARCHIVED');
  });

  describe('per environment (docs/contract.md §7)', () => {
    const stagingKill: FlagEvent = {
      type: 'FlagKillSwitchEngaged',
      data: { environment: STAGING, from: false, to: true },
    };

    it('engages a kill switch in staging and leaves production as it was', () => {
      given(created, enabled).when({ kind: 'engageKillSwitch' }, STAGING).then([stagingKill]);
      const record = fold([created, enabled, stagingKill])!;
      expect(environmentStateOf(record, STAGING)).toMatchObject({ killSwitch: true, enabled: false });
      expect(environmentStateOf(record, PROD)).toMatchObject({ killSwitch: false, enabled: true });
      given(created, enabled, stagingKill)
        .when({ kind: 'engageKillSwitch' }, PROD)
        .then([{ type: 'FlagKillSwitchEngaged', data: { environment: PROD, from: false, to: true } }]);
    });

    it('starts an environment nobody changed the flag in from the §1 defaults, whatever create set for the default one', () => {
      const createdOn = { ...created, data: { ...created.data, enabled: true, rolloutPercentage: 20 } } as FlagEvent;
      given(createdOn).when({ kind: 'enable' }).then([]);
      given(createdOn)
        .when({ kind: 'enable' }, STAGING)
        .then([{ type: 'FlagEnabled', data: { environment: STAGING, from: false, to: true } }]);
      given(createdOn)
        .when({ kind: 'changeRollout', percentage: 20 }, STAGING)
        .then([{ type: 'FlagRolloutChanged', data: { environment: STAGING, from: 100, to: 20 } }]);
    });

    it('reads an event written before environments (no data.environment) as the default environment', () => {
      const { environment: _none, ...v1Created } = created.data as { environment?: string };
      const v1Events = [
        { type: 'FlagCreated', data: v1Created },
        { type: 'FlagEnabled', data: { from: false, to: true } },
      ] as FlagEvent[];
      given(...v1Events)
        .when({ kind: 'enable' })
        .then([]);
      given(...v1Events)
        .when({ kind: 'disable' })
        .then([{ type: 'FlagDisabled', data: { environment: PROD, from: true, to: false } }]);
      given(...v1Events)
        .when({ kind: 'disable' }, STAGING)
        .then([]);
    });

    it('archives in every environment: no state change anywhere until restored', () => {
      given(created, archived).when({ kind: 'enable' }, STAGING).thenFails('FLAG_ARCHIVED');
      given(created, archived).when({ kind: 'copyState', from: PROD }, STAGING).thenFails('FLAG_ARCHIVED');
    });

    it("copies one environment's whole state onto another as one event, from → to", () => {
      const stagingRollout: FlagEvent = {
        type: 'FlagRolloutChanged',
        data: { environment: STAGING, from: 100, to: 30 },
      };
      const stagingEnabled: FlagEvent = { type: 'FlagEnabled', data: { environment: STAGING, from: false, to: true } };
      given(created, stagingRollout, stagingEnabled)
        .when({ kind: 'copyState', from: STAGING }, PROD)
        .then([
          {
            type: 'FlagStateCopied',
            data: {
              environment: PROD,
              sourceEnvironment: STAGING,
              from: { enabled: false, rolloutPercentage: 100, targetSegments: [], killSwitch: false },
              to: { enabled: true, rolloutPercentage: 30, targetSegments: [], killSwitch: false },
            },
          },
        ]);
    });

    it('copies nothing when both environments already agree, and refuses to copy an environment onto itself', () => {
      given(created).when({ kind: 'copyState', from: STAGING }, PROD).then([]);
      given(created).when({ kind: 'copyState', from: PROD }, PROD).thenFails('VALIDATION_FAILED', 'from');
    });
  });
});
