import type { AddressInfo } from 'node:net';
import { CommittedEventFeed, EVENT_STORE, type EventStore, type StoredEvent } from '../../src/event-store/index.js';
import { foldFlagEvents } from '../../src/flags/index.js';
import { EvaluationTelemetry } from '../../src/telemetry/index.js';
import { command, createFlag, stateOf } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { openRaw } from '../support/raw-database.js';
import { SseClient } from '../support/sse-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;

/** docs/contract.md §7: one definition, state per environment, every state route and read per environment. */
describe('flags per environment', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    await createFlag(t, 'checkout', { enabled: true, rolloutPercentage: 100 });
  });
  afterEach(() => t.close());

  const evaluate = async (path: string, userId = 'user-1') =>
    (await t.as('evaluator').post(path).send({ flagKey: 'checkout', context: { userId } }).expect(200)).body as {
      enabled: boolean;
      reason: string;
      flagVersion: number;
    };
  const inStaging = (suffix = '') => `/v1/environments/staging/flags/checkout${suffix}`;
  const inProduction = (suffix = '') => `/v1/environments/production/flags/checkout${suffix}`;

  it('starts a new environment from the §1 defaults while create set the default one', async () => {
    const staging = (await t.as('viewer').get(inStaging()).expect(200)).body;
    expect(staging).toMatchObject({
      key: 'checkout',
      environment: 'staging',
      enabled: false,
      rolloutPercentage: 100,
      targetSegments: [],
      killSwitch: false,
      version: 1,
    });
    expect((await t.as('viewer').get(inProduction()).expect(200)).body).toMatchObject({
      environment: 'production',
      enabled: true,
    });
    // The v1 read is the default environment, in the v1 shape.
    const v1 = (await t.as('viewer').get('/v1/flags/checkout').expect(200)).body;
    expect(v1).toMatchObject({ enabled: true, version: 1 });
    expect(v1).not.toHaveProperty('environment');
  });

  it('a kill switch in staging leaves production evaluating as before, and one in production leaves staging', async () => {
    await command(t, 'post', inStaging('/enable'));
    expect(await evaluate('/v1/environments/staging/evaluate')).toMatchObject({ enabled: true });

    const engaged = await command(t, 'post', inStaging('/kill-switch/engage'), { reason: 'staging broke' });
    expect(engaged.event).toMatchObject({
      type: 'FlagKillSwitchEngaged',
      version: 3,
      data: { environment: 'staging', from: false, to: true },
    });
    expect(engaged.flag).toMatchObject({ environment: 'staging', killSwitch: true, version: 3 });
    expect(await evaluate('/v1/environments/staging/evaluate')).toMatchObject({
      enabled: false,
      reason: 'KILL_SWITCH',
    });
    expect(await evaluate('/v1/environments/production/evaluate')).toMatchObject({ enabled: true, flagVersion: 3 });
    expect(await evaluate('/v1/evaluate')).toMatchObject({ enabled: true, reason: 'ROLLOUT_FULL' });

    await command(t, 'post', inStaging('/kill-switch/release'));
    await command(t, 'post', '/v1/flags/checkout/kill-switch/engage');
    expect(await evaluate('/v1/evaluate')).toMatchObject({ enabled: false, reason: 'KILL_SWITCH' });
    expect(await evaluate('/v1/environments/production/evaluate')).toMatchObject({ reason: 'KILL_SWITCH' });
    expect(await evaluate('/v1/environments/staging/evaluate')).toMatchObject({ enabled: true });
  });

  it('changes rollout and segments per environment, one version for the flag', async () => {
    await command(t, 'put', inStaging('/rollout'), { percentage: 25 });
    const segments = await command(t, 'put', inStaging('/segments'), { segments: ['beta'] });
    expect(segments.flag).toMatchObject({ rolloutPercentage: 25, targetSegments: ['beta'], version: 3 });
    expect((await t.as('viewer').get('/v1/flags/checkout').expect(200)).body).toMatchObject({
      rolloutPercentage: 100,
      targetSegments: [],
      version: 3,
    });
    const all = (
      await t
        .as('evaluator')
        .post('/v1/environments/staging/evaluate/all')
        .send({ context: { segment: 'gamma' } })
        .expect(200)
    ).body;
    expect(all.results).toEqual([expect.objectContaining({ flagKey: 'checkout', reason: 'DISABLED' })]);
  });

  it('shows every environment side by side in GET /v1/flags/:key/environments', async () => {
    await command(t, 'put', inStaging('/rollout'), { percentage: 40 });
    const res = await t.as('viewer').get('/v1/flags/checkout/environments').expect(200);
    expect(res.body).toEqual({
      key: 'checkout',
      version: 2,
      environments: {
        production: {
          enabled: true,
          rolloutPercentage: 100,
          targetSegments: [],
          killSwitch: false,
          lastEvaluatedAt: null,
        },
        staging: {
          enabled: false,
          rolloutPercentage: 40,
          targetSegments: [],
          killSwitch: false,
          lastEvaluatedAt: null,
        },
      },
    });
  });

  it('counts evaluations per hour in each environment, flushed and pending, for a week of hours', async () => {
    const hours = async (environment: string) =>
      (await t.as('viewer').get(`/v1/environments/${environment}/flags/checkout/evaluations`).expect(200)).body
        .hours as { hour: string; count: number }[];
    for (let i = 0; i < 3; i++) await evaluate('/v1/environments/staging/evaluate', `u${i}`);
    await t.app.get(EvaluationTelemetry).flush();
    for (let i = 0; i < 2; i++) await evaluate('/v1/environments/staging/evaluate', `v${i}`);
    await evaluate('/v1/evaluate');
    const staging = await hours('staging');
    expect(staging).toHaveLength(168);
    const now = t.clock.now().getTime();
    expect(staging.at(-1)).toEqual({ hour: new Date(now - (now % 3_600_000)).toISOString(), count: 5 });
    expect(staging.slice(0, -1).every((h) => h.count === 0)).toBe(true);
    expect((await hours('production')).at(-1)!.count).toBe(1);
    t.clock.advance(60 * MINUTE);
    expect((await hours('staging')).slice(-2).map((h) => h.count)).toEqual([5, 0]);
    expectProblem(await t.as('viewer').get('/v1/environments/staging/flags/nope/evaluations'), 404, {
      code: 'FLAG_NOT_FOUND',
    });
  });

  it('promotes staging to production with copy-from: one FlagStateCopied event from → to, in the history', async () => {
    await command(t, 'put', inStaging('/rollout'), { percentage: 30 });
    await command(t, 'put', inStaging('/segments'), { segments: ['beta'] });
    await command(t, 'post', inStaging('/enable'));
    const copied = await command(t, 'post', inProduction('/copy-from/staging'), { reason: 'promote' });
    expect(copied.event).toMatchObject({
      type: 'FlagStateCopied',
      version: 5,
      reason: 'promote',
      data: {
        environment: 'production',
        sourceEnvironment: 'staging',
        from: { enabled: true, rolloutPercentage: 100, targetSegments: [], killSwitch: false },
        to: { enabled: true, rolloutPercentage: 30, targetSegments: ['beta'], killSwitch: false },
      },
    });
    expect((await t.as('viewer').get('/v1/flags/checkout').expect(200)).body).toMatchObject({
      rolloutPercentage: 30,
      targetSegments: ['beta'],
    });
    const history = (await t.as('viewer').get('/v1/flags/checkout/history').expect(200)).body.entries;
    expect(history.at(-1)).toMatchObject({ type: 'FlagStateCopied', version: 5, reason: 'promote' });

    // Both agree now: copying again changes nothing and appends nothing.
    const again = await t.as('editor').post(inProduction('/copy-from/staging')).send({}).expect(200);
    expect(again.body.event).toBeNull();
  });

  it('honours If-Match on copy-from, and refuses copying an environment onto itself', async () => {
    await command(t, 'put', inStaging('/rollout'), { percentage: 30 });
    const stale = await t.as('editor').post(inProduction('/copy-from/staging')).set('If-Match', '"1"').send({});
    expectProblem(stale, 412, { code: 'PRECONDITION_FAILED', field: 'If-Match' });
    await t.as('editor').post(inProduction('/copy-from/staging')).set('If-Match', '"2"').send({}).expect(200);
    const self = await t.as('editor').post(inStaging('/copy-from/staging')).send({});
    expectProblem(self, 400, { code: 'VALIDATION_FAILED', field: 'from' });
  });

  it('archives in every environment: no state command anywhere until restored', async () => {
    await command(t, 'post', '/v1/flags/checkout/archive');
    expectProblem(await t.as('editor').post(inStaging('/enable')).send({}), 409, { code: 'FLAG_ARCHIVED' });
    expect(await evaluate('/v1/environments/staging/evaluate')).toMatchObject({ reason: 'ARCHIVED' });
  });

  it('travels in time per environment: asOf and version answer as that environment was', async () => {
    const before = t.clock.now().toISOString();
    t.clock.advance(MINUTE);
    await command(t, 'put', inStaging('/rollout'), { percentage: 10 });
    t.clock.advance(MINUTE);
    await command(t, 'put', inStaging('/rollout'), { percentage: 20 });
    const mid = new Date(t.clock.now().getTime() - MINUTE / 2).toISOString();

    expect(
      (
        await t
          .as('viewer')
          .get(inStaging(`?asOf=${before}`))
          .expect(200)
      ).body,
    ).toMatchObject({
      rolloutPercentage: 100,
      version: 1,
    });
    expect(
      (
        await t
          .as('viewer')
          .get(inStaging(`?asOf=${mid}`))
          .expect(200)
      ).body,
    ).toMatchObject({
      rolloutPercentage: 10,
      version: 2,
    });
    expect((await t.as('viewer').get(inStaging('?version=3')).expect(200)).body).toMatchObject({
      rolloutPercentage: 20,
    });
    expect((await t.as('viewer').get(`/v1/flags/checkout?asOf=${mid}`).expect(200)).body).toMatchObject({
      rolloutPercentage: 100,
    });
    const past = await t
      .as('evaluator')
      .post('/v1/environments/staging/evaluate/all')
      .send({ asOf: mid, context: { userId: 'u' } })
      .expect(200);
    expect(past.body.results).toEqual([expect.objectContaining({ flagKey: 'checkout', flagVersion: 2 })]);
    const listed = await t.as('viewer').get(`/v1/environments/staging/flags?asOf=${mid}`).expect(200);
    expect(listed.body.flags).toEqual([expect.objectContaining({ key: 'checkout', rolloutPercentage: 10 })]);
    const sideBySide = await t.as('viewer').get(`/v1/flags/checkout/environments?version=2`).expect(200);
    expect(sideBySide.body.environments.staging).toEqual({
      enabled: false,
      rolloutPercentage: 10,
      targetSegments: [],
      killSwitch: false,
    });
  });

  it('serves a snapshot per environment', async () => {
    await command(t, 'post', inStaging('/kill-switch/engage'));
    const staging = (await t.as('evaluator').get('/v1/environments/staging/snapshot').expect(200)).body;
    expect(staging.flags).toEqual([expect.objectContaining({ key: 'checkout', killSwitch: true, enabled: false })]);
    const production = (await t.as('evaluator').get('/v1/snapshot').expect(200)).body;
    expect(production).toEqual((await t.as('evaluator').get('/v1/environments/production/snapshot').expect(200)).body);
    expect(production.flags).toEqual([expect.objectContaining({ killSwitch: false, enabled: true })]);
  });

  it("streams each environment's changes only, and resumes with Last-Event-ID without another environment's", async () => {
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const staging = await SseClient.connect(base, { path: '/v1/environments/staging/stream' });
    const production = await SseClient.connect(base, { path: '/v1/stream' });
    let before = 0;
    try {
      await staging.until(() => staging.dataOf('snapshot').length === 1, 'staging snapshot');
      await production.until(() => production.dataOf('snapshot').length === 1, 'production snapshot');
      const stagingKill = await command(t, 'post', inStaging('/kill-switch/engage'));
      before = stagingKill.event.seq - 1;
      const productionRollout = await command(t, 'put', '/v1/flags/checkout/rollout', { percentage: 50 });
      await command(t, 'patch', '/v1/flags/checkout', { owner: 'new-owner' });

      const stagingChanges = await staging.untilFlagChanges(2);
      expect(stagingChanges.map((c) => [c.seq, c.type, c.flag.killSwitch, c.flag.rolloutPercentage])).toEqual([
        [stagingKill.event.seq, 'FlagKillSwitchEngaged', true, 100],
        [productionRollout.event.seq + 1, 'FlagDetailsChanged', true, 100],
      ]);
      const productionChanges = await production.untilFlagChanges(2);
      expect(productionChanges.map((c) => [c.seq, c.type, c.flag.killSwitch, c.flag.rolloutPercentage])).toEqual([
        [productionRollout.event.seq, 'FlagRolloutChanged', false, 50],
        [productionRollout.event.seq + 1, 'FlagDetailsChanged', false, 50],
      ]);
    } finally {
      staging.close();
      production.close();
    }

    // Resuming from before all three: staging gets its two again, never production's rollout.
    const resumed = await SseClient.connect(base, {
      path: '/v1/environments/staging/stream',
      lastEventId: String(before),
    });
    try {
      const replay = await resumed.untilFlagChanges(2);
      expect(replay.map((c) => c.type)).toEqual(['FlagKillSwitchEngaged', 'FlagDetailsChanged']);
      expect(replay.every((c) => c.flag.killSwitch && c.flag.rolloutPercentage === 100)).toBe(true);
    } finally {
      resumed.close();
    }
  });

  it('answers 404 ENVIRONMENT_NOT_FOUND for an unknown environment on every route family', async () => {
    const unknown = '/v1/environments/nowhere';
    const routes: Array<[string, 'get' | 'post' | 'put', string, object?]> = [
      ['viewer', 'get', `${unknown}`],
      ['viewer', 'get', `${unknown}/flags`],
      ['viewer', 'get', `${unknown}/flags/checkout`],
      ['viewer', 'get', `${unknown}/flags/checkout/evaluations`],
      ['editor', 'post', `${unknown}/flags/checkout/enable`, {}],
      ['editor', 'post', `${unknown}/flags/checkout/disable`, {}],
      ['editor', 'post', `${unknown}/flags/checkout/kill-switch/engage`, {}],
      ['editor', 'post', `${unknown}/flags/checkout/kill-switch/release`, {}],
      ['editor', 'put', `${unknown}/flags/checkout/rollout`, { percentage: 5 }],
      ['editor', 'put', `${unknown}/flags/checkout/segments`, { segments: [] }],
      ['editor', 'post', `${unknown}/flags/checkout/copy-from/production`, {}],
      ['editor', 'post', `/v1/environments/production/flags/checkout/copy-from/nowhere`, {}],
      ['evaluator', 'post', `${unknown}/evaluate`, { flagKey: 'checkout' }],
      ['evaluator', 'post', `${unknown}/evaluate/all`, {}],
      ['evaluator', 'get', `${unknown}/snapshot`],
      ['evaluator', 'get', `${unknown}/stream`],
      ['admin', 'patch' as 'put', `${unknown}`, { name: 'x' }],
    ];
    for (const [role, method, path, body] of routes) {
      const request = t.as(role as 'viewer')[method](path);
      const res = await (body === undefined ? request : request.send(body));
      expectProblem(res, 404, { code: 'ENVIRONMENT_NOT_FOUND', label: `${method.toUpperCase()} ${path}` });
    }
  });

  /** flag_state, flag_snapshots and audit_trail as text, row by row: what "byte-identical" compares. */
  const projectionDump = () => {
    const db = openRaw(t.dbPath);
    try {
      return ['flag_state ORDER BY key', 'flag_snapshots ORDER BY key, version', 'audit_trail ORDER BY seq'].map(
        (table) => JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()),
      );
    } finally {
      db.close();
    }
  };

  it('rebuilds every projection byte-identical to the incremental one, states of several environments included', async () => {
    for (const [method, path, body] of [
      ['put', inStaging('/rollout'), { percentage: 5 }],
      ['post', inStaging('/kill-switch/engage'), {}],
      ['put', inProduction('/segments'), { segments: ['beta'] }],
      ['post', inProduction('/copy-from/staging'), {}],
      ['post', inStaging('/kill-switch/release'), {}],
    ] as const)
      await command(t, method, path, body);
    const incremental = projectionDump();
    expect(incremental[0]).toContain('otherEnvironments');
    await t.as('admin').post('/v1/admin/projections/rebuild').expect(200);
    expect(projectionDump()).toEqual(incremental);
  });

  describe('a flag with more than 1,000 versions over two environments', () => {
    const key = 'long-two-env';
    let full: StoredEvent[];
    /** The flag as `environment` saw it at `version`, from a fold of the whole log. */
    const foldTo = (version: number, environment: string) =>
      foldFlagEvents(undefined, full.slice(0, version), { environment, defaultEnvironment: 'production' });

    beforeEach(async () => {
      await createFlag(t, key, { enabled: true });
      const store = t.app.get<EventStore>(EVENT_STORE);
      const rollouts: Record<string, number> = { production: 100, staging: 100 };
      const events = Array.from({ length: 1_199 }, (_, i) => {
        const environment = i % 3 === 0 ? 'production' : 'staging';
        const from = rollouts[environment]!;
        rollouts[environment] = (from + 37) % 101;
        return { type: 'FlagRolloutChanged', schemaVersion: 1, data: { environment, from, to: rollouts[environment] } };
      });
      const result = await store.append(key, 1, events, { actor: 'root', reason: 'load' });
      if (result.kind !== 'appended') throw new Error('expected an append');
      await t.app.get(CommittedEventFeed).catchUp();
      full = await store.readStream(key);
    });

    it('answers ?version=N in each environment exactly as a full fold, across the snapshot, and rebuilds the snapshot byte for byte', async () => {
      for (const version of [1, 2, 999, 1000, 1001, 1200])
        for (const [environment, path] of [
          ['staging', `/v1/environments/staging/flags/${key}`],
          ['production', `/v1/environments/production/flags/${key}`],
        ] as const) {
          const res = await t.as('viewer').get(`${path}?version=${version}`).expect(200);
          expect(res.body).toEqual({ ...foldTo(version, environment), environment });
        }
      const live = (await t.as('viewer').get(`/v1/environments/staging/flags/${key}`).expect(200)).body;
      expect(stateOf(live)).toEqual({ ...foldTo(1200, 'staging'), environment: 'staging' });
      const incremental = projectionDump();
      expect(incremental[1]).toContain('otherEnvironments');
      await t.as('admin').post('/v1/admin/projections/rebuild').expect(200);
      expect(projectionDump()).toEqual(incremental);
    });
  });
});
