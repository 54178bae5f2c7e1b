import { FlagledgerClient } from '../../src/sdk/index.js';
import { command, createFlag, releaseFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { eventCount } from '../support/raw-database.js';
import { SseClient } from '../support/sse-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

type Method = 'get' | 'post' | 'put' | 'patch';
interface ScopedCase {
  family: string;
  method: Method;
  /** `{env}` stands for the environment the case is sent to. */
  path: string;
  body?: object;
  /** What a success answers (default 200). */
  status?: number;
}

const FLAG = 'checkout';

/**
 * Each route family in an environment: a staging-scoped token gets `status` in staging and 403
 * ENVIRONMENT_FORBIDDEN with the same request in production, and writes nothing there.
 */
const IN_AN_ENVIRONMENT: readonly ScopedCase[] = [
  { family: 'evaluate', method: 'post', path: '/v1/environments/{env}/evaluate', body: { flagKey: FLAG } },
  { family: 'evaluate all', method: 'post', path: '/v1/environments/{env}/evaluate/all', body: { context: {} } },
  { family: 'snapshot', method: 'get', path: '/v1/environments/{env}/snapshot' },
  { family: 'state: list', method: 'get', path: '/v1/environments/{env}/flags' },
  { family: 'state: one flag', method: 'get', path: `/v1/environments/{env}/flags/${FLAG}` },
  { family: 'state: evaluations', method: 'get', path: `/v1/environments/{env}/flags/${FLAG}/evaluations` },
  ...(['enable', 'disable', 'kill-switch/engage', 'kill-switch/release'] as const).map((name): ScopedCase => ({
    family: `command: ${name}`,
    method: 'post',
    path: `/v1/environments/{env}/flags/${FLAG}/${name}`,
    body: { reason: 'scope test' },
  })),
  {
    family: 'command: rollout',
    method: 'put',
    path: `/v1/environments/{env}/flags/${FLAG}/rollout`,
    body: { percentage: 40 },
  },
  {
    family: 'command: segments',
    method: 'put',
    path: `/v1/environments/{env}/flags/${FLAG}/segments`,
    body: { segments: ['beta'] },
  },
  { family: 'audit', method: 'get', path: '/v1/audit?environment={env}' },
  { family: 'history', method: 'get', path: `/v1/flags/${FLAG}/history?environment={env}` },
  { family: 'export', method: 'get', path: '/v1/export?environment={env}' },
  {
    family: 'telemetry',
    method: 'post',
    path: '/v1/telemetry/evaluations',
    body: {
      environment: '{env}',
      evaluations: [{ flagKey: FLAG, reason: 'ROLLOUT_FULL', count: 1, lastEvaluatedAt: '2026-11-25T12:00:00Z' }],
    },
    status: 202,
  },
];

/** Routes that act in the default environment (v1) or in every one: refused to a staging-scoped token. */
const OUTSIDE: readonly Omit<ScopedCase, 'family'>[] = [
  { method: 'post', path: '/v1/evaluate', body: { flagKey: FLAG } },
  { method: 'post', path: '/v1/evaluate/all', body: { context: {} } },
  { method: 'get', path: '/v1/snapshot' },
  { method: 'get', path: '/v1/flags' },
  { method: 'get', path: `/v1/flags/${FLAG}` },
  { method: 'get', path: `/v1/flags/${FLAG}/environments` },
  { method: 'get', path: '/v1/flags/stale' },
  { method: 'post', path: '/v1/flags', body: releaseFlag('made-by-a-staging-token') },
  { method: 'post', path: `/v1/flags/${FLAG}/enable`, body: {} },
  { method: 'put', path: `/v1/flags/${FLAG}/rollout`, body: { percentage: 10 } },
  { method: 'post', path: `/v1/flags/${FLAG}/archive`, body: { reason: 'archives it everywhere' } },
  { method: 'post', path: `/v1/environments/staging/flags/${FLAG}/copy-from/production`, body: {} },
  { method: 'post', path: `/v1/environments/production/flags/${FLAG}/copy-from/staging`, body: {} },
  { method: 'get', path: '/v1/audit' },
  { method: 'get', path: '/v1/audit?environment=*' },
  { method: 'get', path: '/v1/audit?environment=staging&environment=production' },
  { method: 'get', path: `/v1/flags/${FLAG}/history` },
  { method: 'get', path: '/v1/export' },
  { method: 'patch', path: '/v1/environments/production', body: { name: 'Prod' } },
  { method: 'post', path: '/v1/tokens', body: { name: 'an-unscoped-one', role: 'admin' } },
  { method: 'get', path: '/v1/tokens' },
  {
    method: 'post',
    path: '/v1/telemetry/evaluations',
    body: {
      evaluations: [{ flagKey: FLAG, reason: 'ROLLOUT_FULL', count: 1, lastEvaluatedAt: '2026-11-25T12:00:00Z' }],
    },
  },
];

/** Routes that act in no environment: a scoped token may use them as its role allows. */
const NEUTRAL: readonly Omit<ScopedCase, 'family'>[] = [
  { method: 'get', path: '/v1/tokens/me' },
  { method: 'get', path: '/v1/session' },
  { method: 'get', path: '/v1/environments' },
  { method: 'get', path: '/v1/environments/production' },
  { method: 'get', path: '/v1/audit/verify' },
  { method: 'patch', path: `/v1/flags/${FLAG}`, body: { description: 'a definition is shared by every environment' } },
];

const bearer = (secret: string) => `Bearer ${secret}`;

/** docs/contract.md §9 and issue 14 item 3: a token's `environments` limit where it may act. */
describe('tokens scoped to environments', () => {
  let t: TestApp;
  /** An admin scoped to staging: every role allows the route, so only the scope can refuse it. */
  let staging: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    await t.as('admin').post('/v1/environments').send({ key: 'qa', name: 'QA', type: 'test' }).expect(201);
    await createFlag(t, FLAG, { enabled: true });
    const issued = await t
      .as('admin')
      .post('/v1/tokens')
      .send({ name: 'staging-admin', role: 'admin', environments: ['staging'] })
      .expect(201);
    expect(issued.body.token.environments).toEqual(['staging']);
    staging = issued.body.secret;
  });
  afterAll(() => t.close());

  const send = (c: Omit<ScopedCase, 'family'>, env: string, secret: string) => {
    const path = c.path.replace('{env}', env);
    const req = t.http()[c.method](path).set('Authorization', bearer(secret));
    return c.body === undefined ? req : req.send(JSON.parse(JSON.stringify(c.body).replaceAll('{env}', env)));
  };

  it.each(IN_AN_ENVIRONMENT.map((c) => [c.family, c] as const))(
    '%s: answers in staging, 403 ENVIRONMENT_FORBIDDEN in production and nothing written',
    async (_family, c) => {
      const inStaging = await send(c, 'staging', staging);
      expect({ status: inStaging.status, body: inStaging.body }).toMatchObject({ status: c.status ?? 200 });
      const before = eventCount(t.dbPath);
      const inProduction = await send(c, 'production', staging);
      expectProblem(inProduction, 403, { code: 'ENVIRONMENT_FORBIDDEN' });
      expect(inProduction.body.detail).toContain("token 'staging-admin' may act only in staging");
      expect(eventCount(t.dbPath)).toBe(before);
    },
  );

  it.each(OUTSIDE.map((c) => [`${c.method.toUpperCase()} ${c.path}`, c] as const))(
    '%s → 403 ENVIRONMENT_FORBIDDEN, nothing written',
    async (_label, c) => {
      const before = eventCount(t.dbPath);
      expectProblem(await send(c, 'production', staging), 403, { code: 'ENVIRONMENT_FORBIDDEN' });
      expect(eventCount(t.dbPath)).toBe(before);
    },
  );

  it.each(NEUTRAL.map((c) => [`${c.method.toUpperCase()} ${c.path}`, c] as const))(
    '%s acts in no environment: allowed',
    async (_label, c) => {
      expect((await send(c, 'production', staging)).status).toBe(200);
    },
  );

  it('names the environment refused: the route parameter, and for a timeline its query field', async () => {
    const evaluate = await t
      .http()
      .post('/v1/environments/production/evaluate')
      .set('Authorization', bearer(staging))
      .send({ flagKey: FLAG });
    expect(evaluate.body.errors).toEqual([
      { field: 'env', message: "must be one of the token's environments: staging" },
    ]);
    expect(evaluate.body.detail).toBe("token 'staging-admin' may act only in staging; this request acts in production");
    const audit = await t.http().get('/v1/audit').set('Authorization', bearer(staging));
    expect(audit.body.detail).toBe(
      "token 'staging-admin' may act only in staging; this route acts in every environment",
    );
    expect(audit.body.errors).toEqual([{ field: 'environment', message: expect.any(String) }]);
  });

  it('streams staging, and refuses the production and v1 streams with 403', async () => {
    const inStaging = await SseClient.connect(t.url, { token: staging, path: '/v1/environments/staging/stream' });
    try {
      expect(inStaging.status).toBe(200);
      const engaged = await command(t, 'post', `/v1/environments/staging/flags/${FLAG}/kill-switch/engage`);
      const [change] = await inStaging.untilFlagChanges(1);
      expect(change).toMatchObject({ seq: engaged.event.seq, key: FLAG });
    } finally {
      inStaging.close();
    }
    for (const path of ['/v1/environments/production/stream', '/v1/stream']) {
      const refused = await SseClient.connect(t.url, { token: staging, path });
      refused.close();
      expect({ path, status: refused.status }).toEqual({ path, status: 403 });
    }
  });

  it('a token scoped to several environments acts in each of them, and only those', async () => {
    const { secret } = (
      await t
        .as('admin')
        .post('/v1/tokens')
        .send({ name: 'two-envs', role: 'evaluator', environments: ['staging', 'production', 'staging'] })
        .expect(201)
    ).body;
    for (const env of ['staging', 'production'])
      await t
        .http()
        .post(`/v1/environments/${env}/evaluate`)
        .set('Authorization', bearer(secret))
        .send({ flagKey: FLAG })
        .expect(200);
    // The default environment is among them, so the v1 routes work too.
    await t.http().post('/v1/evaluate').set('Authorization', bearer(secret)).send({ flagKey: FLAG }).expect(200);
    const qa = await t
      .http()
      .post('/v1/environments/qa/evaluate')
      .set('Authorization', bearer(secret))
      .send({ flagKey: FLAG });
    expectProblem(qa, 403, { code: 'ENVIRONMENT_FORBIDDEN' });
    const me = await t.http().get('/v1/tokens/me').set('Authorization', bearer(secret)).expect(200);
    expect(me.body.environments).toEqual(['production', 'staging']);
  });

  it('refuses a scope that is empty, malformed or names an environment that does not exist, and writes nothing', async () => {
    const before = eventCount(t.dbPath);
    const issue = (environments: unknown) =>
      t.as('admin').post('/v1/tokens').send({ name: 'bad-scope', role: 'viewer', environments });
    expectProblem(await issue([]), 400, { code: 'VALIDATION_FAILED', field: 'environments' });
    expectProblem(await issue('staging'), 400, { code: 'VALIDATION_FAILED', field: 'environments' });
    expectProblem(await issue([42]), 400, { code: 'VALIDATION_FAILED', field: 'environments' });
    const unknown = await issue(['staging', 'prodution']);
    expectProblem(unknown, 404, { code: 'ENVIRONMENT_NOT_FOUND', field: 'environments[1]' });
    expect(unknown.body.detail).toContain("'prodution'");
    expect(eventCount(t.dbPath)).toBe(before);
  });

  it('lists each token with its environments, now and as of an instant', async () => {
    const listed = await t.as('admin').get('/v1/tokens').expect(200);
    const scopes = Object.fromEntries(
      (listed.body.tokens as { name: string; environments: string[] | null }[]).map((x) => [x.name, x.environments]),
    );
    expect(scopes).toMatchObject({ 'staging-admin': ['staging'], [TOKENS.admin.name]: null });
    const asOf = await t.as('admin').get(`/v1/tokens?asOf=${encodeURIComponent(t.clock.now().toISOString())}`);
    expect(asOf.body.tokens.find((x: { name: string }) => x.name === 'staging-admin').environments).toEqual([
      'staging',
    ]);
  });

  it('holds a console session opened with a scoped token to the same scope', async () => {
    const signIn = await t.http().post('/v1/session').send({ token: staging }).expect(201);
    const cookie = signIn.headers['set-cookie'] as unknown as string[];
    await t.http().get('/v1/environments/staging/flags').set('Cookie', cookie).expect(200);
    expectProblem(await t.http().get('/v1/flags').set('Cookie', cookie), 403, { code: 'ENVIRONMENT_FORBIDDEN' });
  });

  describe('an SDK started with a token scoped to one environment', () => {
    it('follows that environment without being told: snapshot, stream and telemetry', async () => {
      const { secret } = (
        await t
          .as('admin')
          .post('/v1/tokens')
          .send({ name: 'staging-service', role: 'evaluator', environments: ['staging'] })
          .expect(201)
      ).body;
      // Whatever the cases above left in staging: no kill switch, so engaging it below is a change.
      await t.as('editor').post(`/v1/environments/staging/flags/${FLAG}/kill-switch/release`).send({});
      const reports: { body: unknown; status: number }[] = [];
      const recording: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).endsWith('/v1/telemetry/evaluations'))
          reports.push({ body: JSON.parse(String(init?.body)), status: response.status });
        return response;
      };
      const client = await FlagledgerClient.start({ url: t.url, token: secret, reportIntervalMs: 0, fetch: recording });
      client.on('error', () => undefined);
      try {
        const user = { userId: 'user-1' };
        const served = await t
          .as('evaluator')
          .post('/v1/environments/staging/evaluate')
          .send({ flagKey: FLAG, context: user })
          .expect(200);
        const inProduction = await t.as('evaluator').post('/v1/evaluate').send({ flagKey: FLAG, context: user });
        // The two environments answer differently, so the client's answer says which one it follows.
        expect(served.body.reason).not.toBe(inProduction.body.reason);
        expect(client.evaluate(FLAG, user)).toMatchObject({ enabled: served.body.enabled, reason: served.body.reason });
        const killed = await command(t, 'post', `/v1/environments/staging/flags/${FLAG}/kill-switch/engage`);
        const deadline = Date.now() + 5000;
        while (client.headSeq < killed.event.seq && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(client.evaluate(FLAG, user)).toMatchObject({ enabled: false, reason: 'KILL_SWITCH' });
        await client.reportEvaluations();
        expect(reports).toEqual([{ body: expect.objectContaining({ environment: 'staging' }), status: 202 }]);
      } finally {
        await client.close();
      }
    });

    it('refuses to guess among several environments, none of them the default', async () => {
      const { secret } = (
        await t
          .as('admin')
          .post('/v1/tokens')
          .send({ name: 'staging-and-qa', role: 'evaluator', environments: ['qa', 'staging'] })
          .expect(201)
      ).body;
      await expect(FlagledgerClient.start({ url: t.url, token: secret, reportIntervalMs: 0 })).rejects.toThrow(
        "the token may act in qa, staging: set the client's environment option",
      );
    });
  });
});
