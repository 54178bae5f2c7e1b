import { evolveFlagState, parseFlagRecord, toStoredFlag, evolveFlagRecord, type FlagState } from './flag-state.js';
import type { FlagEvent } from './flag.events.js';

const AT = '2026-11-25T12:00:00.000Z';
const envelope = (version: number) => ({ version, actor: 'alice', at: AT });
const created: FlagEvent = {
  type: 'FlagCreated',
  data: {
    key: 'checkout',
    type: 'operational',
    enabled: true,
    rolloutPercentage: 40,
    targetSegments: [],
    killSwitch: false,
    owner: 'team',
    expiresAt: null,
    description: null,
    ticket: null,
  },
};
const v1Enabled: FlagEvent = { type: 'FlagKillSwitchEngaged', data: { from: false, to: true } };
const stagingRollout: FlagEvent = { type: 'FlagRolloutChanged', data: { environment: 'staging', from: 100, to: 5 } };

function fold(events: FlagEvent[], environment?: string): FlagState {
  let state: FlagState | undefined;
  events.forEach((event, i) => {
    state = evolveFlagState(
      state,
      event,
      envelope(i + 1),
      environment === undefined ? undefined : { environment, defaultEnvironment: 'production' },
    );
  });
  return state!;
}

describe('evolveFlagState: the flag as one environment sees it', () => {
  it('given events written before environments, when staging is asked, then they belong to the default environment only', () => {
    expect(fold([created, v1Enabled], 'production')).toMatchObject({
      enabled: true,
      rolloutPercentage: 40,
      killSwitch: true,
    });
    expect(fold([created, v1Enabled], 'staging')).toMatchObject({
      enabled: false,
      rolloutPercentage: 100,
      killSwitch: false,
      version: 2,
    });
  });

  it("given another environment's event, when folded, then only the version moves", () => {
    expect(fold([created, stagingRollout], 'production')).toMatchObject({ rolloutPercentage: 40, version: 2 });
    expect(fold([created, stagingRollout], 'staging')).toMatchObject({ rolloutPercentage: 5, version: 2 });
  });

  it('given no environment to view, when folded, then every state event counts, as with one environment', () => {
    expect(fold([created, stagingRollout])).toMatchObject({ rolloutPercentage: 5 });
  });
});

describe('toStoredFlag / parseFlagRecord', () => {
  it('given a record of one environment, when stored, then the row is the v1 flag exactly, and reads back the same', () => {
    const record = evolveFlagRecord(undefined, created, envelope(1), 'production');
    const stored = toStoredFlag(record, 'production');
    expect(stored).toEqual(fold([created]));
    expect(parseFlagRecord(JSON.stringify(stored), 'production')).toEqual(record);
  });

  it('given other environments, when stored, then they sit in otherEnvironments and read back the same', () => {
    const record = evolveFlagRecord(
      evolveFlagRecord(undefined, created, envelope(1), 'production'),
      stagingRollout,
      envelope(2),
      'production',
    );
    const stored = toStoredFlag(record, 'production');
    expect(stored.otherEnvironments).toEqual({
      staging: { enabled: false, rolloutPercentage: 5, targetSegments: [], killSwitch: false },
    });
    expect(parseFlagRecord(JSON.stringify(stored), 'production')).toEqual(record);
  });
});
