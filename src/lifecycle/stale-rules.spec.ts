import type { FlagEvent, FlagRecord, FlagState } from '../flags/index.js';
import { fullyRolledOutSince } from './fully-rolled-out-since.js';
import { DEFAULT_STALE_THRESHOLDS, isFullyRolledOutIn, productionEnvironments, staleRules } from './stale-rules.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

const flag = (overrides: Partial<FlagState> = {}): FlagState => ({
  key: 'f',
  type: 'release',
  enabled: true,
  rolloutPercentage: 100,
  targetSegments: [],
  killSwitch: false,
  owner: 'o',
  expiresAt: null,
  description: null,
  ticket: null,
  createdBy: 'a',
  createdAt: at(0),
  updatedAt: at(0),
  version: 1,
  archived: false,
  ...overrides,
});
const rulesAt = (
  days: number,
  f: FlagState,
  facts: { fullyRolledOutSince?: string | null; lastEvaluatedAt?: string | null } = {},
) =>
  staleRules(
    f,
    { fullyRolledOutSince: facts.fullyRolledOutSince ?? null, lastEvaluatedAt: facts.lastEvaluatedAt ?? at(days) },
    new Date(T0 + days * DAY),
    DEFAULT_STALE_THRESHOLDS,
  );

describe('staleRules', () => {
  it('RELEASE_FULLY_ROLLED_OUT: just after 30 days fully rolled out, not at 30', () => {
    expect(rulesAt(30, flag(), { fullyRolledOutSince: at(0) })).toEqual([]);
    expect(rulesAt(30.001, flag(), { fullyRolledOutSince: at(0) })).toEqual(['RELEASE_FULLY_ROLLED_OUT']);
    expect(rulesAt(300, flag({ type: 'operational' }), { fullyRolledOutSince: at(0) })).toEqual([]);
  });

  it('EXPERIMENT_EXPIRED and PAST_EXPIRY: once expiresAt is behind us', () => {
    expect(rulesAt(10, flag({ type: 'experiment', expiresAt: at(10) }))).toEqual([]);
    expect(rulesAt(10.001, flag({ type: 'experiment', expiresAt: at(10) }))).toEqual(['EXPERIMENT_EXPIRED']);
    expect(rulesAt(10.001, flag({ type: 'permission', expiresAt: at(10) }))).toEqual(['PAST_EXPIRY']);
  });

  it('NOT_EVALUATED: last evaluated more than 90 days ago', () => {
    expect(rulesAt(90, flag({ type: 'operational' }), { lastEvaluatedAt: at(0) })).toEqual([]);
    expect(rulesAt(90.001, flag({ type: 'operational' }), { lastEvaluatedAt: at(0) })).toEqual(['NOT_EVALUATED']);
  });

  it('NEVER_EVALUATED: never evaluated and created more than 90 days ago', () => {
    const never = (days: number) =>
      staleRules(
        flag({ type: 'operational' }),
        { fullyRolledOutSince: null, lastEvaluatedAt: null },
        new Date(T0 + days * DAY),
        DEFAULT_STALE_THRESHOLDS,
      );
    expect(never(90)).toEqual([]);
    expect(never(90.001)).toEqual(['NEVER_EVALUATED']);
  });

  it('never calls an archived flag stale', () => {
    expect(
      staleRules(
        flag({ archived: true, expiresAt: at(1) }),
        { fullyRolledOutSince: at(0), lastEvaluatedAt: null },
        new Date(T0 + 500 * DAY),
        DEFAULT_STALE_THRESHOLDS,
      ),
    ).toEqual([]);
  });
});

describe('fullyRolledOutSince', () => {
  const envelope = (version: number, days: number) => ({ version, actor: 'a', at: at(days) });
  const created: FlagEvent = {
    type: 'FlagCreated',
    data: {
      key: 'f',
      type: 'release',
      enabled: false,
      rolloutPercentage: 100,
      targetSegments: [],
      killSwitch: false,
      owner: 'o',
      expiresAt: null,
      description: null,
      ticket: null,
    },
  };

  it('counts from the last time the flag reached enabled + 100 % + no kill switch', () => {
    expect(
      fullyRolledOutSince([
        { event: created, envelope: envelope(1, 0) },
        { event: { type: 'FlagEnabled', data: { from: false, to: true } }, envelope: envelope(2, 1) },
        { event: { type: 'FlagRolloutChanged', data: { from: 100, to: 50 } }, envelope: envelope(3, 5) },
        { event: { type: 'FlagRolloutChanged', data: { from: 50, to: 100 } }, envelope: envelope(4, 9) },
        {
          event: { type: 'FlagDetailsChanged', data: { from: { ticket: null }, to: { ticket: 'T' } } },
          envelope: envelope(5, 12),
        },
      ]),
    ).toBe(at(9));
  });

  it('is null while the kill switch is engaged or the flag is off', () => {
    expect(
      fullyRolledOutSince([
        { event: created, envelope: envelope(1, 0) },
        { event: { type: 'FlagEnabled', data: { from: false, to: true } }, envelope: envelope(2, 1) },
        { event: { type: 'FlagKillSwitchEngaged', data: { from: false, to: true } }, envelope: envelope(3, 2) },
      ]),
    ).toBeNull();
    expect(fullyRolledOutSince([{ event: created, envelope: envelope(1, 0) }])).toBeNull();
  });
});

describe('rollout per environment (docs/contract.md §7)', () => {
  const envelope = (version: number, days: number) => ({ version, actor: 'a', at: at(days) });
  const createdIn = (environment: string | undefined, enabled: boolean): FlagEvent => ({
    type: 'FlagCreated',
    data: {
      key: 'f',
      type: 'release',
      enabled,
      rolloutPercentage: 100,
      targetSegments: [],
      killSwitch: false,
      owner: 'o',
      expiresAt: null,
      description: null,
      ticket: null,
      ...(environment === undefined ? {} : { environment }),
    },
  });
  const enabledIn = (environment: string | undefined): FlagEvent => ({
    type: 'FlagEnabled',
    data: { ...(environment === undefined ? {} : { environment }), from: false, to: true },
  });
  const rolloutIn = (environment: string, from: number, to: number): FlagEvent => ({
    type: 'FlagRolloutChanged',
    data: { environment, from, to },
  });
  const record = (environments: FlagRecord['environments'], archived = false): FlagRecord => {
    const { enabled: _e, rolloutPercentage: _r, targetSegments: _t, killSwitch: _k, ...definition } = flag();
    return { ...definition, archived, environments };
  };
  const full = { enabled: true, rolloutPercentage: 100, targetSegments: [], killSwitch: false };
  const two = { production: ['production', 'production-eu'], defaultEnvironment: 'production' };

  it('productionEnvironments: given environments of every type, then only those of type production', () => {
    expect(
      productionEnvironments([
        { key: 'production', type: 'production' },
        { key: 'staging', type: 'staging' },
        { key: 'production-eu', type: 'production' },
        { key: 'dev', type: 'development' },
        { key: 'qa', type: 'test' },
      ]),
    ).toEqual(['production', 'production-eu']);
  });

  it('isFullyRolledOutIn: given full in one production environment of two, then not; in both, then yes', () => {
    expect(isFullyRolledOutIn(record({ production: full }), ['production', 'production-eu'])).toBe(false);
    expect(isFullyRolledOutIn(record({ production: full, 'production-eu': full }), two.production)).toBe(true);
    expect(
      isFullyRolledOutIn(record({ production: full, 'production-eu': { ...full, killSwitch: true } }), two.production),
    ).toBe(false);
    expect(isFullyRolledOutIn(record({ production: full, staging: { ...full, enabled: false } }), ['production'])).toBe(
      true,
    );
  });

  it('isFullyRolledOutIn: given no production environment or an archived flag, then never', () => {
    expect(isFullyRolledOutIn(record({ staging: full }), [])).toBe(false);
    expect(isFullyRolledOutIn(record({ production: full }, true), ['production'])).toBe(false);
  });

  it('fullyRolledOutSince: given full in staging only, when production stays off, then null', () => {
    expect(
      fullyRolledOutSince(
        [
          { event: createdIn('production', false), envelope: envelope(1, 0) },
          { event: enabledIn('staging'), envelope: envelope(2, 1) },
        ],
        { production: ['production'], defaultEnvironment: 'production' },
      ),
    ).toBeNull();
  });

  it('fullyRolledOutSince: given two production environments, then from when the later one got there', () => {
    expect(
      fullyRolledOutSince(
        [
          { event: createdIn('production', true), envelope: envelope(1, 0) },
          { event: enabledIn('production-eu'), envelope: envelope(2, 4) },
          { event: rolloutIn('staging', 100, 10), envelope: envelope(3, 6) },
        ],
        two,
      ),
    ).toBe(at(4));
    expect(
      fullyRolledOutSince(
        [
          { event: createdIn('production', true), envelope: envelope(1, 0) },
          { event: enabledIn('production-eu'), envelope: envelope(2, 4) },
          { event: rolloutIn('production-eu', 100, 50), envelope: envelope(3, 6) },
          { event: rolloutIn('production-eu', 50, 100), envelope: envelope(4, 8) },
        ],
        two,
      ),
    ).toBe(at(8));
  });

  it('fullyRolledOutSince: given events written before environments, then they act in the default environment only', () => {
    const legacy = [
      { event: createdIn(undefined, false), envelope: envelope(1, 0) },
      { event: enabledIn(undefined), envelope: envelope(2, 1) },
    ];
    expect(fullyRolledOutSince(legacy, { production: ['live'], defaultEnvironment: 'live' })).toBe(at(1));
    // Another production environment created later starts from the §1 defaults (off), not from the old log.
    expect(fullyRolledOutSince(legacy, { production: ['live', 'live-eu'], defaultEnvironment: 'live' })).toBeNull();
    expect(
      fullyRolledOutSince([...legacy, { event: enabledIn('live-eu'), envelope: envelope(3, 7) }], {
        production: ['live', 'live-eu'],
        defaultEnvironment: 'live',
      }),
    ).toBe(at(7));
  });
});
