import { command, createFlag, releaseFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { eventCount } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import type { RoleName } from '../support/tokens.js';

type Route = readonly ['post' | 'put', string, object];

/** Every state command but the kill switch's engage, on the v1 route and on the environment route. */
const STATE_COMMANDS = (base: string): Route[] => [
  ['post', `${base}/enable`, {}],
  ['post', `${base}/disable`, {}],
  ['post', `${base}/kill-switch/release`, {}],
  ['put', `${base}/rollout`, { percentage: 50 }],
  ['put', `${base}/segments`, { segments: ['beta'] }],
];
const V1 = '/v1/flags/checkout';
const IN_PRODUCTION = '/v1/environments/production/flags/checkout';
const IN_STAGING = '/v1/environments/staging/flags/checkout';

/** docs/contract.md §10: an environment with requiredApprovals > 0 takes state changes only through a change request. */
describe('protected environments', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    await createFlag(t, 'checkout', { enabled: true, rolloutPercentage: 100 });
  });
  afterEach(() => t.close());

  const protect = (environment: string, requiredApprovals: number) =>
    t.as('admin').patch(`/v1/environments/${environment}`).send({ requiredApprovals }).expect(200);
  const send = (role: RoleName, [method, path, body]: Route) => t.as(role)[method](path).send(body);
  const evaluate = async () =>
    (
      await t
        .as('evaluator')
        .post('/v1/evaluate')
        .send({ flagKey: 'checkout', context: { userId: 'user-1' } })
        .expect(200)
    ).body as { enabled: boolean; reason: string };

  it.each<RoleName>(['editor', 'admin'])(
    'refuses every direct state command in protected production as %s, v1 and environment routes, writing nothing',
    async (role) => {
      await protect('production', 1);
      const before = eventCount(t.dbPath);
      for (const route of [...STATE_COMMANDS(V1), ...STATE_COMMANDS(IN_PRODUCTION)]) {
        const res = await send(role, route);
        expectProblem(res, 409, { code: 'CHANGE_REQUEST_REQUIRED', label: `${route[0]} ${route[1]}` });
        expect(res.body.detail).toContain("environment 'production' requires 1 approval");
        expect(res.body.detail).toContain('POST /v1/change-requests');
      }
      expect(eventCount(t.dbPath)).toBe(before);
      expect((await t.as('viewer').get(V1).expect(200)).body).toMatchObject({ enabled: true, version: 1 });
    },
  );

  it('refuses a copy into protected production and allows one out of it into unprotected staging', async () => {
    await protect('production', 2);
    await command(t, 'put', `${IN_STAGING}/rollout`, { percentage: 10 });
    const before = eventCount(t.dbPath);
    const into = await t.as('admin').post(`${IN_PRODUCTION}/copy-from/staging`).send({ reason: 'promote' });
    expectProblem(into, 409, { code: 'CHANGE_REQUEST_REQUIRED' });
    expect(into.body.detail).toContain("environment 'production' requires 2 approvals");
    expect(eventCount(t.dbPath)).toBe(before);

    const out = await command(t, 'post', `${IN_STAGING}/copy-from/production`);
    expect(out.event).toMatchObject({
      type: 'FlagStateCopied',
      data: { environment: 'staging', sourceEnvironment: 'production' },
    });
  });

  it('keeps definition changes, archive and restore direct in a protected default environment', async () => {
    await protect('production', 1);
    const changed = await command(t, 'patch', V1, { owner: 'checkout-team', description: 'new flow', ticket: 'PAY-1' });
    expect(changed.flag).toMatchObject({ owner: 'checkout-team', enabled: true });
    await command(t, 'post', `${V1}/archive`);
    const restored = await command(t, 'post', `${V1}/restore`);
    expect(restored.flag).toMatchObject({ archived: false, enabled: true });
  });

  it('creates a flag off directly into a protected default environment, and refuses one created on, naming enabled', async () => {
    await protect('production', 1);
    const off = await createFlag(t, 'search', { rolloutPercentage: 20 });
    expect(off.flag).toMatchObject({ enabled: false, rolloutPercentage: 20 });
    const before = eventCount(t.dbPath);
    const on = await t
      .as('admin')
      .post('/v1/flags')
      .send(releaseFlag('search_v2', { enabled: true }));
    expectProblem(on, 409, { code: 'CHANGE_REQUEST_REQUIRED', field: 'enabled' });
    expect(eventCount(t.dbPath)).toBe(before);
    await t.as('viewer').get('/v1/flags/search_v2').expect(404);
  });

  it.each([V1, IN_PRODUCTION])(
    'engages the kill switch at %s in protected production as break glass: a reason, then at once',
    async (base) => {
      await protect('production', 1);
      const before = eventCount(t.dbPath);
      for (const body of [{}, { reason: null }, { reason: '  ' }]) {
        const res = await t.as('editor').post(`${base}/kill-switch/engage`).send(body);
        expectProblem(res, 400, { code: 'VALIDATION_FAILED', field: 'reason' });
      }
      expect(eventCount(t.dbPath)).toBe(before);

      const engaged = await command(t, 'post', `${base}/kill-switch/engage`, { reason: 'INC-7 checkout errors' });
      expect(engaged.event).toMatchObject({
        type: 'FlagKillSwitchEngaged',
        reason: 'INC-7 checkout errors',
        data: { environment: 'production', from: false, to: true, breakGlass: true },
      });
      expect(await evaluate()).toMatchObject({ enabled: false, reason: 'KILL_SWITCH' });
    },
  );

  it('shows breakGlass on the entry of a break-glass engage in history and audit, on no other, and after a rebuild', async () => {
    await command(t, 'post', `${IN_STAGING}/kill-switch/engage`, { reason: 'staging only' });
    await protect('production', 1);
    const engaged = await command(t, 'post', `${V1}/kill-switch/engage`, { reason: 'INC-7' });
    const reads = [
      `${V1}/history`,
      `${V1}/history?environment=*`,
      '/v1/audit?flag=checkout',
      '/v1/audit?flag=checkout&environment=production',
    ];
    const expectMarkedOnce = async () => {
      for (const path of reads) {
        const body = (await t.as('viewer').get(path).expect(200)).body as {
          entries?: Record<string, unknown>[];
          items?: Record<string, unknown>[];
        };
        const entries = body.entries ?? body.items ?? [];
        expect(entries.length).toBeGreaterThanOrEqual(2);
        expect({ path, marked: entries.filter((e) => 'breakGlass' in e) }).toEqual({
          path,
          marked: [
            expect.objectContaining({ seq: engaged.event.seq, type: 'FlagKillSwitchEngaged', breakGlass: true }),
          ],
        });
      }
    };
    await expectMarkedOnce();
    // A rebuild projects the mark again from the event.
    await t.as('admin').post('/v1/admin/projections/rebuild').expect(200);
    await expectMarkedOnce();
  });

  it('engages in an unprotected environment as v1 did: no reason needed, no breakGlass in the event', async () => {
    await protect('production', 1);
    const engaged = await command(t, 'post', `${IN_STAGING}/kill-switch/engage`);
    expect(engaged.event.data).toEqual({ environment: 'staging', from: false, to: true });
  });

  it('takes direct commands again once the environment is unprotected', async () => {
    await protect('production', 1);
    expectProblem(await t.as('editor').post(`${V1}/disable`).send({}), 409, { code: 'CHANGE_REQUEST_REQUIRED' });
    await protect('production', 0);
    await command(t, 'post', `${V1}/disable`);
    await command(t, 'put', `${IN_PRODUCTION}/rollout`, { percentage: 30 });
    const engaged = await command(t, 'post', `${V1}/kill-switch/engage`);
    expect(engaged.event.data).not.toHaveProperty('breakGlass');
  });

  it('replays a command that committed before the environment was protected, with its Idempotency-Key', async () => {
    const disable = () => t.as('editor').post(`${V1}/disable`).set('Idempotency-Key', 'disable-1').send({});
    const first = await disable().expect(200);
    await protect('production', 1);
    const again = await disable().expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });
});
