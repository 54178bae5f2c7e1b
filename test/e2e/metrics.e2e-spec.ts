import { releaseFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('GET /metrics (Prometheus text)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('counts evaluations by flag, result and reason, commands by type and outcome, and append latency', async () => {
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('editor'))
      .send(releaseFlag('checkout', { enabled: true }))
      .expect(201);
    await t.http().post('/v1/flags/checkout/enable').set('Authorization', t.auth('editor')).expect(200);
    await t
      .http()
      .post('/v1/flags/checkout/disable')
      .set('Authorization', t.auth('editor'))
      .set('If-Match', '"9"')
      .expect(412);
    for (let i = 0; i < 3; i++)
      await t
        .http()
        .post('/v1/evaluate')
        .set('Authorization', t.auth('evaluator'))
        .send({ flagKey: 'checkout', context: { userId: `u${i}` } })
        .expect(200);
    await t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send({ flagKey: 'ghost', context: {} })
      .expect(200);

    const text = await scrape();
    expect(text).toContain('flagledger_evaluations_total{flag="checkout",reason="ROLLOUT_FULL",result="true"} 3');
    // 'ghost' is no flag: counted under the one bounded label (test/e2e/bounded-telemetry.e2e-spec.ts).
    expect(text).toContain('flagledger_evaluations_total{flag="(unknown)",reason="FLAG_NOT_FOUND",result="false"} 1');
    expect(text).not.toContain('flag="ghost"');
    expect(text).toContain('flagledger_commands_total{command="create",outcome="appended"} 1');
    expect(text).toContain('flagledger_commands_total{command="enable",outcome="unchanged"} 1');
    expect(text).toContain('flagledger_commands_total{command="disable",outcome="rejected"} 1');
    expect(text).toMatch(/flagledger_event_append_seconds_count 2\n/);
    expect(text).toContain('flagledger_projection_lag_events 0');
    expect(text).toContain('flagledger_stale_flags{rule="RELEASE_FULLY_ROLLED_OUT"} 0');
  });

  it('counts stale flags by rule once they go stale', async () => {
    t.clock.advance(31 * 86_400_000);
    expect(await scrape()).toContain('flagledger_stale_flags{rule="RELEASE_FULLY_ROLLED_OUT"} 1');
  });

  it('is open without FLAGLEDGER_METRICS_TOKEN, whatever Authorization says', async () => {
    await t.http().get('/metrics').set('Authorization', 'Bearer not-a-token').expect(200);
  });
});

describe('GET /metrics with FLAGLEDGER_METRICS_TOKEN', () => {
  const METRICS_TOKEN = 'prometheus-scrape-secret';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ metricsToken: METRICS_TOKEN });
  });
  afterAll(() => t.close());

  it('answers the metrics token as a bearer (the scheme in any case)', async () => {
    for (const header of [`Bearer ${METRICS_TOKEN}`, `bearer ${METRICS_TOKEN}`]) {
      const res = await t.http().get('/metrics').set('Authorization', header).expect(200);
      expect(res.text).toContain('flagledger_projection_lag_events');
    }
  });

  it('refuses anything else with 401 problem+json: no token, a wrong one, a longer one, or an API token', async () => {
    const attempts: Array<string | undefined> = [
      undefined,
      'Bearer prometheus-scrape-secreT',
      `Bearer ${METRICS_TOKEN}x`,
      METRICS_TOKEN,
      t.auth('admin'),
    ];
    for (const header of attempts) {
      const req = t.http().get('/metrics');
      const res = header === undefined ? await req : await req.set('Authorization', header);
      expectProblem(res, 401, { code: 'UNAUTHENTICATED', label: String(header) });
      expect(res.text).not.toContain('flagledger_');
    }
  });

  it('leaves /health open', async () => {
    await t.http().get('/health').expect(200);
  });
});
