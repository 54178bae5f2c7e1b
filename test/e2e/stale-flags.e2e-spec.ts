import { EvaluationTelemetry } from '../../src/telemetry/evaluation-telemetry.js';
import { releaseFlag } from '../support/flags.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DAY = 86_400_000;

describe('GET /v1/flags/stale (docs/contract.md §5)', () => {
  let t: TestApp;
  const stale = async () =>
    (await t.http().get('/v1/flags/stale').set('Authorization', t.auth('viewer')).expect(200)).body;
  const editor = () => t.auth('editor');

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is a route of its own, not the flag named "stale"', async () => {
    expect(await stale()).toMatchObject({ flags: [], thresholds: { releaseFullyRolledOutDays: 30, unusedDays: 90 } });
    await t.http().get('/v1/flags/stale').set('Authorization', t.auth('evaluator')).expect(403);
  });

  // AppModule registers FlagsModule (GET /v1/flags/:key) before LifecycleModule: the report still answers.
  it('answers whichever module registered its routes first, and keeps a flag from being named "stale"', async () => {
    const refused = await t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor())
      .send(releaseFlag('stale', { expiresAt: '2027-06-01T00:00:00Z' }))
      .expect(400);
    expect(refused.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'key', message: "'stale' is reserved: GET /v1/flags/stale is a report" }],
    });
    // Other keys that start the same way are ordinary flags, readable by key.
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor())
      .send(releaseFlag('stale-cache', { expiresAt: '2027-06-01T00:00:00Z' }))
      .expect(201);
    await t.http().get('/v1/flags/stale-cache').set('Authorization', t.auth('viewer')).expect(200);
    expect(await stale()).toMatchObject({ thresholds: { unusedDays: 90 } });
    const before = await t.http().get('/v1/flags').set('Authorization', t.auth('viewer')).expect(200);
    expect(before.body.flags.map((f: { key: string }) => f.key)).toEqual(['stale-cache']);
    await t
      .http()
      .post('/v1/flags/stale-cache/archive')
      .set('Authorization', editor())
      .send({ reason: 'cleanup' })
      .expect(200);
  });

  it('names each rule with owner, ticket, age and last evaluation, and measures full rollout from the last time it was reached', async () => {
    // Day 0: a release flag fully rolled out, one kept at 50 %, an experiment and an operational flag.
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor())
      .send(releaseFlag('checkout_v2', { enabled: true, expiresAt: '2027-06-01T00:00:00Z', ticket: 'PAY-1' }))
      .expect(201);
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor())
      .send(releaseFlag('search_v2', { enabled: true, rolloutPercentage: 50, expiresAt: '2027-06-01T00:00:00Z' }))
      .expect(201);
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor())
      .send({ key: 'reco_test', type: 'experiment', owner: 'growth', expiresAt: '2026-12-20T00:00:00Z' })
      .expect(201);
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor())
      .send({ key: 'ops.breaker', type: 'operational', owner: 'sre' })
      .expect(201);
    // Day 20: checkout_v2 goes back to 50 %, and on day 25 to 100 % again: the 30 days count from day 25.
    t.clock.advance(20 * DAY);
    await t
      .http()
      .put('/v1/flags/checkout_v2/rollout')
      .set('Authorization', editor())
      .send({ percentage: 50 })
      .expect(200);
    t.clock.advance(5 * DAY);
    await t
      .http()
      .put('/v1/flags/checkout_v2/rollout')
      .set('Authorization', editor())
      .send({ percentage: 100 })
      .expect(200);
    const evaluate = (flagKey: string) =>
      t
        .http()
        .post('/v1/evaluate')
        .set('Authorization', t.auth('evaluator'))
        .send({ flagKey, context: { userId: 'u' } })
        .expect(200);
    await evaluate('ops.breaker');

    t.clock.advance(30 * DAY); // day 55: exactly 30 days since checkout_v2 became full again — not yet "older than"
    expect((await stale()).flags.map((f: { key: string; rules: string[] }) => [f.key, f.rules])).toEqual([
      ['reco_test', ['EXPERIMENT_EXPIRED']],
    ]);

    t.clock.advance(DAY); // day 56
    const report = await stale();
    expect(report.flags.map((f: { key: string; rules: string[] }) => [f.key, f.rules])).toEqual([
      ['checkout_v2', ['RELEASE_FULLY_ROLLED_OUT']],
      ['reco_test', ['EXPERIMENT_EXPIRED']],
    ]);
    expect(report.flags[0]).toMatchObject({
      rule: 'RELEASE_FULLY_ROLLED_OUT',
      owner: 'payments-team',
      ticket: 'PAY-1',
      ageDays: 56,
      fullyRolledOutSince: '2026-12-20T12:00:00.000Z',
      lastEvaluatedAt: null,
    });

    // Day 91 after ops.breaker's evaluation (day 25): not evaluated for over 90 days. search_v2 was never evaluated, created 116 days ago.
    t.clock.advance(60 * DAY);
    await t.app.get(EvaluationTelemetry).flush();
    const later = (await stale()).flags.map((f: { key: string; rules: string[] }) => [f.key, f.rules]);
    expect(later).toContainEqual(['ops.breaker', ['NOT_EVALUATED']]);
    expect(later).toContainEqual(['search_v2', ['NEVER_EVALUATED']]);
    expect(later).toContainEqual(['checkout_v2', ['RELEASE_FULLY_ROLLED_OUT', 'NEVER_EVALUATED']]);
  });

  it('never reports an archived flag', async () => {
    await t.http().post('/v1/flags/reco_test/archive').set('Authorization', editor()).expect(200);
    expect((await stale()).flags.map((f: { key: string }) => f.key)).not.toContain('reco_test');
  });
});
