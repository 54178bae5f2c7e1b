import { FlagledgerClient } from '../../src/sdk/index.js';
import { EvaluationTelemetry } from '../../src/telemetry/evaluation-telemetry.js';
import { releaseFlag } from '../support/flags.js';
import { openRaw } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

function telemetryRows(dbPath: string) {
  const db = openRaw(dbPath);
  try {
    return {
      counts: db
        .prepare('SELECT flag_key, hour, reason, count FROM flag_evaluation_counts ORDER BY flag_key, hour, reason')
        .all(),
      last: db.prepare('SELECT flag_key, at FROM flag_last_evaluated ORDER BY flag_key').all(),
    };
  } finally {
    db.close();
  }
}

describe('evaluation telemetry', () => {
  let t: TestApp;
  const evaluate = (flagKey: string, userId?: string) =>
    t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send({ flagKey, context: userId ? { userId } : {} })
      .expect(200);

  beforeAll(async () => {
    t = await startTestApp();
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('editor'))
      .send(releaseFlag('checkout', { enabled: true }))
      .expect(201);
  });
  afterAll(() => t.close());

  it('counts evaluations in memory and writes them in one batch per flush, per flag, hour and reason', async () => {
    for (let i = 0; i < 25; i++) await evaluate('checkout', `u${i}`);
    await evaluate('nope');
    expect(telemetryRows(t.dbPath).counts).toEqual([]);
    await t.app.get(EvaluationTelemetry).flush();
    expect(telemetryRows(t.dbPath)).toEqual({
      counts: [
        // 'nope' is no flag: counted under the one bounded key (test/e2e/bounded-telemetry.e2e-spec.ts).
        { flag_key: '(unknown)', hour: '2026-11-25T12:00:00.000Z', reason: 'FLAG_NOT_FOUND', count: 1 },
        { flag_key: 'checkout', hour: '2026-11-25T12:00:00.000Z', reason: 'ROLLOUT_FULL', count: 25 },
      ],
      last: [
        { flag_key: '(unknown)', at: '2026-11-25T12:00:00.000Z' },
        { flag_key: 'checkout', at: '2026-11-25T12:00:00.000Z' },
      ],
    });
  });

  it('adds to the stored counts on later flushes and moves lastEvaluatedAt forward, never back', async () => {
    t.clock.advance(90 * 60_000);
    await evaluate('checkout', 'u1');
    await t.app.get(EvaluationTelemetry).flush();
    const rows = telemetryRows(t.dbPath);
    expect(rows.counts).toContainEqual({
      flag_key: 'checkout',
      hour: '2026-11-25T13:00:00.000Z',
      reason: 'ROLLOUT_FULL',
      count: 1,
    });
    expect(rows.last).toContainEqual({ flag_key: 'checkout', at: '2026-11-25T13:30:00.000Z' });
  });

  it('does not count time-travel evaluations: they are audits, not uses', async () => {
    const before = telemetryRows(t.dbPath);
    await t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send({ flagKey: 'checkout', context: {}, asOf: '2026-11-25T12:00:00Z' })
      .expect(200);
    await t.app.get(EvaluationTelemetry).flush();
    expect(telemetryRows(t.dbPath)).toEqual(before);
  });

  it('accepts SDK reports, clamping a client clock that runs ahead', async () => {
    const client = await FlagledgerClient.start({ url: t.url, token: TOKENS.evaluator.secret, reportIntervalMs: 0 });
    for (let i = 0; i < 7; i++) client.isEnabled('checkout', { userId: `sdk-${i}` });
    client.evaluate('ghost');
    await client.reportEvaluations();
    await client.close();
    await t.app.get(EvaluationTelemetry).flush();
    const counts = telemetryRows(t.dbPath).counts as { flag_key: string; reason: string; count: number }[];
    expect(counts.filter((c) => c.flag_key === 'checkout').reduce((n, c) => n + c.count, 0)).toBe(25 + 1 + 7);
    // 'ghost' is no flag: counted under the one bounded key, in this hour ('nope' went into 12:00).
    expect(counts).toContainEqual({
      flag_key: '(unknown)',
      hour: '2026-11-25T13:00:00.000Z',
      reason: 'FLAG_NOT_FOUND',
      count: 1,
    });
    // The SDK stamped its report with the real time (later than this test's clock): stored as "now" instead.
    expect(telemetryRows(t.dbPath).last).toContainEqual({ flag_key: '(unknown)', at: t.clock.now().toISOString() });
  });

  it('refuses a malformed report with 400 naming the field', async () => {
    const res = await t
      .http()
      .post('/v1/telemetry/evaluations')
      .set('Authorization', t.auth('evaluator'))
      .send({
        evaluations: [{ flagKey: 'checkout', reason: 'BECAUSE', count: 1, lastEvaluatedAt: '2026-11-25T12:00:00Z' }],
      });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field: 'evaluations.0.reason' }));
  });

  it('flushes what is pending at shutdown, so a restart keeps it', async () => {
    await evaluate('checkout', 'last-one');
    const { dbPath, clock } = t;
    await t.close();
    const last = telemetryRows(dbPath).last as { flag_key: string; at: string }[];
    expect(last.find((r) => r.flag_key === 'checkout')!.at).toBe(clock.now().toISOString());
    t = await startTestApp({ dbPath, clock });
  });
});

describe('usage on flag reads', () => {
  it('shows lastEvaluatedAt and the evaluations of the last 24 h / 7 d / 30 d, flushed or not, on live reads only', async () => {
    const t = await startTestApp();
    try {
      await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('editor'))
        .send(releaseFlag('search', { enabled: true }))
        .expect(201);
      const evaluate = () =>
        t
          .http()
          .post('/v1/evaluate')
          .set('Authorization', t.auth('evaluator'))
          .send({ flagKey: 'search', context: {} })
          .expect(200);
      const read = async () =>
        (await t.http().get('/v1/flags/search').set('Authorization', t.auth('viewer')).expect(200)).body;
      expect(await read()).toMatchObject({ lastEvaluatedAt: null, evaluations: { last24h: 0, last7d: 0, last30d: 0 } });

      for (let i = 0; i < 3; i++) await evaluate();
      await t.app.get(EvaluationTelemetry).flush();
      t.clock.advance(2 * 86_400_000);
      for (let i = 0; i < 2; i++) await evaluate(); // still in memory
      expect(await read()).toMatchObject({
        lastEvaluatedAt: '2026-11-27T12:00:00.000Z',
        evaluations: { last24h: 2, last7d: 5, last30d: 5 },
      });

      t.clock.advance(6 * 86_400_000);
      const listed = (await t.http().get('/v1/flags').set('Authorization', t.auth('viewer')).expect(200)).body.flags[0];
      expect(listed).toMatchObject({ key: 'search', evaluations: { last24h: 0, last7d: 2, last30d: 5 } });
      const past = (await t.http().get('/v1/flags/search?version=1').set('Authorization', t.auth('viewer')).expect(200))
        .body;
      expect(past).not.toHaveProperty('evaluations');
    } finally {
      await t.close();
    }
  });
});

describe('FLAGLEDGER_TELEMETRY=off', () => {
  it('counts nothing and leaves lastEvaluatedAt empty', async () => {
    const t = await startTestApp({ telemetry: false });
    try {
      await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('editor'))
        .send(releaseFlag('quiet', { enabled: true }))
        .expect(201);
      await t
        .http()
        .post('/v1/evaluate')
        .set('Authorization', t.auth('evaluator'))
        .send({ flagKey: 'quiet', context: {} })
        .expect(200);
      await t
        .http()
        .post('/v1/telemetry/evaluations')
        .set('Authorization', t.auth('evaluator'))
        .send({
          evaluations: [
            { flagKey: 'quiet', reason: 'ROLLOUT_FULL', count: 4, lastEvaluatedAt: '2026-11-25T12:00:00Z' },
          ],
        })
        .expect(202);
      await t.app.get(EvaluationTelemetry).flush();
      expect(telemetryRows(t.dbPath)).toEqual({ counts: [], last: [] });
      expect((await t.http().get('/v1/flags/quiet').set('Authorization', t.auth('viewer'))).body).toMatchObject({
        lastEvaluatedAt: null,
      });
    } finally {
      await t.close();
    }
  });
});
