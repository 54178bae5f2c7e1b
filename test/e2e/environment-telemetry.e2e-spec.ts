import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { staticMigrationProvider } from '../../src/database/migrations/index.js';
import { EvaluationTelemetry } from '../../src/telemetry/evaluation-telemetry.js';
import { backend } from '../support/backend.js';
import { command, createFlag } from '../support/flags.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres-test-database.js';
import { expectProblem } from '../support/problem.js';
import { queryRows } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * Issue 12, item 5 (docs/contract.md §7): telemetry and /metrics carry the environment; the stale rules
 * judge rollout in the production-type environments and "last evaluated" over all of them.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Usage {
  lastEvaluatedAt: string | null;
  evaluations: { last24h: number; last7d: number; last30d: number };
}

const usageOf = ({ lastEvaluatedAt, evaluations }: Usage): Usage => ({ lastEvaluatedAt, evaluations });
const used = (lastEvaluatedAt: string | null, last24h = 0, last7d = last24h, last30d = last7d): Usage => ({
  lastEvaluatedAt,
  evaluations: { last24h, last7d, last30d },
});

async function createEnvironment(t: TestApp, key: string, type: string): Promise<void> {
  await t.as('admin').post('/v1/environments').send({ key, name: key, type }).expect(201);
}

async function evaluate(t: TestApp, path: string, flagKey: string): Promise<{ reason: string }> {
  return (
    await t
      .as('evaluator')
      .post(path)
      .send({ flagKey, context: { userId: 'u1' } })
      .expect(200)
  ).body;
}

const inEnvironment = (environment: string) => `/v1/environments/${environment}/evaluate`;

async function usageIn(t: TestApp, environment: string, key: string): Promise<Usage> {
  return usageOf((await t.as('viewer').get(`/v1/environments/${environment}/flags/${key}`).expect(200)).body);
}

async function v1Usage(t: TestApp, key: string): Promise<Usage> {
  return usageOf((await t.as('viewer').get(`/v1/flags/${key}`).expect(200)).body);
}

async function lastEvaluatedPerEnvironment(t: TestApp, key: string): Promise<Record<string, string | null>> {
  const { environments } = (await t.as('viewer').get(`/v1/flags/${key}/environments`).expect(200)).body as {
    environments: Record<string, { lastEvaluatedAt: string | null }>;
  };
  return Object.fromEntries(Object.entries(environments).map(([env, state]) => [env, state.lastEvaluatedAt]));
}

/** The flagledger_evaluations_total lines of a scrape, name, labels and value. */
async function evaluationSeries(t: TestApp): Promise<string[]> {
  const text = (await t.http().get('/metrics').expect(200)).text;
  return text.split('\n').filter((line) => line.startsWith('flagledger_evaluations_total{'));
}

async function countRows(t: TestApp) {
  return (
    await queryRows<{ flag_key: string; environment: string; reason: string; count: number }>(
      t.dbPath,
      'SELECT flag_key, environment, reason, count FROM flag_evaluation_counts ORDER BY flag_key, environment, reason',
    )
  ).map((row) => ({ ...row, count: Number(row.count) }));
}

describe('telemetry per environment', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await createEnvironment(t, 'staging', 'staging');
    await createFlag(t, 'checkout', { enabled: true });
    await command(t, 'post', '/v1/environments/staging/flags/checkout/enable');
  });
  afterEach(() => t.close());

  it("counts evaluations in staging under staging: its usage and lastEvaluatedAt move, production's do not", async () => {
    const now = t.clock.now().toISOString();
    for (let i = 0; i < 3; i++) await evaluate(t, inEnvironment('staging'), 'checkout');
    await t.as('evaluator').post('/v1/environments/staging/evaluate/all').send({ context: {} }).expect(200);

    // Still in memory, then flushed: the same answers.
    for (const flushed of [false, true]) {
      if (flushed) await t.app.get(EvaluationTelemetry).flush();
      expect(await usageIn(t, 'staging', 'checkout')).toEqual(used(now, 4));
      expect(await usageIn(t, 'production', 'checkout')).toEqual(used(null));
      // The v1 read is the default environment's, usage included.
      expect(await v1Usage(t, 'checkout')).toEqual(used(null));
      expect(await lastEvaluatedPerEnvironment(t, 'checkout')).toEqual({ production: null, staging: now });
    }
    const listed = (await t.as('viewer').get('/v1/environments/staging/flags').expect(200)).body.flags;
    expect(listed.map(usageOf)).toEqual([used(now, 4)]);

    t.clock.advance(HOUR);
    const later = t.clock.now().toISOString();
    await evaluate(t, '/v1/evaluate', 'checkout');
    await evaluate(t, inEnvironment('production'), 'checkout');
    expect(await v1Usage(t, 'checkout')).toEqual(used(later, 2));
    expect(await usageIn(t, 'production', 'checkout')).toEqual(used(later, 2));
    expect(await usageIn(t, 'staging', 'checkout')).toEqual(used(now, 4));
    expect(await lastEvaluatedPerEnvironment(t, 'checkout')).toEqual({ production: later, staging: now });

    await t.app.get(EvaluationTelemetry).flush();
    expect(await countRows(t)).toEqual([
      { flag_key: 'checkout', environment: 'production', reason: 'ROLLOUT_FULL', count: 2 },
      { flag_key: 'checkout', environment: 'staging', reason: 'ROLLOUT_FULL', count: 4 },
    ]);
    const last = await queryRows<{ flag_key: string; environment: string; at: string }>(
      t.dbPath,
      'SELECT flag_key, environment, at FROM flag_last_evaluated ORDER BY flag_key, environment',
    );
    expect(last).toEqual([
      { flag_key: 'checkout', environment: 'production', at: later },
      { flag_key: 'checkout', environment: 'staging', at: now },
    ]);
  });

  it('labels every /metrics series with its environment once there are several', async () => {
    await evaluate(t, inEnvironment('staging'), 'checkout');
    await evaluate(t, inEnvironment('staging'), 'ghost');
    for (let i = 0; i < 2; i++) await evaluate(t, '/v1/evaluate', 'checkout');
    expect((await evaluationSeries(t)).sort()).toEqual([
      'flagledger_evaluations_total{environment="production",flag="checkout",reason="ROLLOUT_FULL",result="true"} 2',
      'flagledger_evaluations_total{environment="staging",flag="(unknown)",reason="FLAG_NOT_FOUND",result="false"} 1',
      'flagledger_evaluations_total{environment="staging",flag="checkout",reason="ROLLOUT_FULL",result="true"} 1',
    ]);
  });

  it('accepts SDK reports for an environment, for the whole report or per line (default: the default one)', async () => {
    const at = t.clock.now().toISOString();
    const line = (count: number, environment?: string) => ({
      flagKey: 'checkout',
      reason: 'ROLLOUT_FULL',
      count,
      lastEvaluatedAt: at,
      ...(environment === undefined ? {} : { environment }),
    });
    await t
      .as('evaluator')
      .post('/v1/telemetry/evaluations')
      .send({ environment: 'staging', evaluations: [line(5), line(2, 'production')] })
      .expect(202, { accepted: 2 });
    await t
      .as('evaluator')
      .post('/v1/telemetry/evaluations')
      .send({ evaluations: [line(1), line(7, 'staging')] })
      .expect(202, { accepted: 2 });
    expect(await usageIn(t, 'staging', 'checkout')).toEqual(used(at, 12));
    expect(await usageIn(t, 'production', 'checkout')).toEqual(used(at, 3));
    expect(await evaluationSeries(t)).toEqual(
      expect.arrayContaining([
        'flagledger_evaluations_total{environment="staging",flag="checkout",reason="ROLLOUT_FULL",result="true"} 12',
        'flagledger_evaluations_total{environment="production",flag="checkout",reason="ROLLOUT_FULL",result="true"} 3',
      ]),
    );
  });

  it('refuses a report naming an environment that does not exist, whole: 404 naming each such field, nothing counted', async () => {
    const at = t.clock.now().toISOString();
    const line = (environment?: string) => ({
      flagKey: 'checkout',
      reason: 'ROLLOUT_FULL',
      count: 3,
      lastEvaluatedAt: at,
      ...(environment === undefined ? {} : { environment }),
    });
    const send = (body: object) => t.as('evaluator').post('/v1/telemetry/evaluations').send(body);

    const perLine = await send({ evaluations: [line('staging'), line('qa'), line()] });
    expectProblem(perLine, 404, { code: 'ENVIRONMENT_NOT_FOUND', field: 'evaluations.1.environment' });
    expect(perLine.body.errors).toEqual([
      { field: 'evaluations.1.environment', message: "environment 'qa' does not exist" },
    ]);
    const topLevel = await send({ environment: 'qa', evaluations: [line(), line('staging')] });
    expectProblem(topLevel, 404, { code: 'ENVIRONMENT_NOT_FOUND', field: 'environment' });
    expect(topLevel.body.detail).toBe("environment 'qa' does not exist");
    // A value that cannot be an environment key at all is a malformed request.
    for (const environment of [42, null, 'Not A Key', ''])
      expectProblem(await send({ evaluations: [line(), { ...line(), environment }] }), 400, {
        code: 'VALIDATION_FAILED',
        field: 'evaluations.1.environment',
      });
    expectProblem(await send({ environment: null, evaluations: [line()] }), 400, { field: 'environment' });

    await t.app.get(EvaluationTelemetry).flush();
    expect(await countRows(t)).toEqual([]);
    expect(await usageIn(t, 'staging', 'checkout')).toEqual(used(null));
    expect(await v1Usage(t, 'checkout')).toEqual(used(null));
    expect(await evaluationSeries(t)).toEqual([]);
    expect([...t.app.get(EvaluationTelemetry).totalsSinceStart().keys()]).toEqual([]);
  });
});

describe('/metrics with the default environment alone', () => {
  it('keeps the v1 series until a second environment exists, then labels all of them, the same counts', async () => {
    const t = await startTestApp();
    try {
      await createFlag(t, 'checkout', { enabled: true });
      for (let i = 0; i < 3; i++) await evaluate(t, '/v1/evaluate', 'checkout');
      expect(await evaluationSeries(t)).toEqual([
        'flagledger_evaluations_total{flag="checkout",reason="ROLLOUT_FULL",result="true"} 3',
      ]);
      await createEnvironment(t, 'staging', 'staging');
      expect(await evaluationSeries(t)).toEqual([
        'flagledger_evaluations_total{environment="production",flag="checkout",reason="ROLLOUT_FULL",result="true"} 3',
      ]);
    } finally {
      await t.close();
    }
  });
});

describe('stale rules per environment (docs/contract.md §7)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await createEnvironment(t, 'staging', 'staging');
  });
  afterEach(() => t.close());

  const stale = async () =>
    (await t.as('viewer').get('/v1/flags/stale').expect(200)).body.flags as {
      key: string;
      rules: string[];
      fullyRolledOutSince: string | null;
      lastEvaluatedAt: string | null;
    }[];
  const rulesOf = async (key: string) => (await stale()).find((flag) => flag.key === key)?.rules ?? [];

  it('RELEASE_FULLY_ROLLED_OUT: not for a release flag at 100 % in staging only; for one at 100 % in production over 30 days', async () => {
    const created = t.clock.now().toISOString();
    await createFlag(t, 'staging_only', { expiresAt: '2027-06-01T00:00:00Z' }); // off in production
    await command(t, 'post', '/v1/environments/staging/flags/staging_only/enable');
    await createFlag(t, 'in_production', { enabled: true, expiresAt: '2027-06-01T00:00:00Z' });
    // Used, so only the rollout rule can apply.
    for (const key of ['staging_only', 'in_production']) await evaluate(t, inEnvironment('staging'), key);

    t.clock.advance(31 * DAY);
    await evaluate(t, inEnvironment('staging'), 'staging_only');
    await evaluate(t, inEnvironment('staging'), 'in_production');
    expect(await rulesOf('staging_only')).toEqual([]);
    expect(await stale()).toEqual([
      expect.objectContaining({
        key: 'in_production',
        rules: ['RELEASE_FULLY_ROLLED_OUT'],
        fullyRolledOutSince: created,
      }),
    ]);
  });

  it('RELEASE_FULLY_ROLLED_OUT needs every production environment, counted from when the last one got there', async () => {
    await createEnvironment(t, 'production-eu', 'production');
    await createFlag(t, 'checkout', { enabled: true, expiresAt: '2027-06-01T00:00:00Z' });
    await evaluate(t, '/v1/evaluate', 'checkout');
    t.clock.advance(10 * DAY);
    const euDone = t.clock.now().toISOString();
    await command(t, 'post', '/v1/environments/production-eu/flags/checkout/enable');

    t.clock.advance(25 * DAY); // 35 days in production, 25 in production-eu
    await evaluate(t, '/v1/evaluate', 'checkout');
    expect(await rulesOf('checkout')).toEqual([]);
    t.clock.advance(6 * DAY);
    expect(await stale()).toEqual([
      expect.objectContaining({ key: 'checkout', rules: ['RELEASE_FULLY_ROLLED_OUT'], fullyRolledOutSince: euDone }),
    ]);

    // A kill switch in one production environment means the flag is still needed; staging does not count.
    await command(t, 'post', '/v1/environments/production-eu/flags/checkout/kill-switch/engage');
    expect(await rulesOf('checkout')).toEqual([]);
    await command(t, 'post', '/v1/environments/production-eu/flags/checkout/kill-switch/release');
    await command(t, 'post', '/v1/environments/staging/flags/checkout/kill-switch/engage');
    t.clock.advance(31 * DAY);
    await evaluate(t, '/v1/evaluate', 'checkout');
    expect(await rulesOf('checkout')).toEqual(['RELEASE_FULLY_ROLLED_OUT']);
  });

  it('NOT_EVALUATED and NEVER_EVALUATED look at every environment: a flag used only in staging lately is in use', async () => {
    await createFlag(t, 'ops.breaker', { type: 'operational', expiresAt: null });
    await createFlag(t, 'ops.staging_only', { type: 'operational', expiresAt: null });
    await evaluate(t, '/v1/evaluate', 'ops.breaker'); // day 0, production
    t.clock.advance(60 * DAY);
    const inStaging = t.clock.now().toISOString();
    await evaluate(t, inEnvironment('staging'), 'ops.breaker');
    await t.app.get(EvaluationTelemetry).flush();
    await evaluate(t, inEnvironment('staging'), 'ops.staging_only'); // still in memory

    t.clock.advance(40 * DAY); // day 100: 100 days since production, 40 since staging
    expect(await stale()).toEqual([]);
    expect((await t.as('viewer').get('/v1/flags/ops.breaker').expect(200)).body.lastEvaluatedAt).toBe(
      '2026-11-25T12:00:00.000Z',
    );
    t.clock.advance(51 * DAY); // 91 days since staging
    expect(await stale()).toEqual([
      expect.objectContaining({ key: 'ops.breaker', rules: ['NOT_EVALUATED'], lastEvaluatedAt: inStaging }),
      expect.objectContaining({ key: 'ops.staging_only', rules: ['NOT_EVALUATED'], lastEvaluatedAt: inStaging }),
    ]);
  });
});

/** A database migrated up to the schema before environments (0003), as a server of that time left it. */
async function databaseBeforeEnvironments(): Promise<{ dbPath: string; drop: () => Promise<void> }> {
  let db: Kysely<unknown>;
  let dbPath: string;
  let database: TestDatabase | undefined;
  if (backend === 'postgres') {
    database = await createTestDatabase();
    dbPath = database.url;
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: dbPath, max: 1 }) }) });
  } else {
    dbPath = join(mkdtempSync(join(tmpdir(), 'flagledger-test-')), 'flagledger.db');
    db = new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(dbPath) }) });
  }
  try {
    const { error } = await new Migrator({ db, provider: staticMigrationProvider }).migrateTo(
      '0003-evaluation-telemetry',
    );
    if (error !== undefined) throw error;
    await sql`INSERT INTO flag_evaluation_counts (flag_key, hour, reason, count)
      VALUES ('checkout', '2026-11-25T11:00:00.000Z', 'ROLLOUT_FULL', 4), ('(unknown)', '2026-11-25T11:00:00.000Z', 'FLAG_NOT_FOUND', 1)`.execute(
      db,
    );
    await sql`INSERT INTO flag_last_evaluated (flag_key, at)
      VALUES ('checkout', '2026-11-25T11:30:00.000Z'), ('(unknown)', '2026-11-25T11:10:00.000Z')`.execute(db);
  } finally {
    await db.destroy();
  }
  return { dbPath, drop: async () => database?.drop() };
}

describe('telemetry counted before environments', () => {
  it('is kept by the migration without an environment and read as the default one, whichever that is', async () => {
    const before = await databaseBeforeEnvironments();
    const t = await startTestApp({ dbPath: before.dbPath, defaultEnvironment: 'live' });
    try {
      await createEnvironment(t, 'staging', 'staging');
      await createFlag(t, 'checkout', { enabled: true });
      expect(await v1Usage(t, 'checkout')).toEqual(used('2026-11-25T11:30:00.000Z', 4));
      expect(await usageIn(t, 'live', 'checkout')).toEqual(used('2026-11-25T11:30:00.000Z', 4));
      expect(await usageIn(t, 'staging', 'checkout')).toEqual(used(null));
      expect(await lastEvaluatedPerEnvironment(t, 'checkout')).toEqual({
        live: '2026-11-25T11:30:00.000Z',
        staging: null,
      });

      // Counted since: it names its environment and adds to what is shown.
      await evaluate(t, '/v1/evaluate', 'checkout');
      await t.app.get(EvaluationTelemetry).flush();
      expect(await v1Usage(t, 'checkout')).toEqual(used(t.clock.now().toISOString(), 5));
      expect(await countRows(t)).toEqual([
        { flag_key: '(unknown)', environment: '', reason: 'FLAG_NOT_FOUND', count: 1 },
        { flag_key: 'checkout', environment: '', reason: 'ROLLOUT_FULL', count: 4 },
        { flag_key: 'checkout', environment: 'live', reason: 'ROLLOUT_FULL', count: 1 },
      ]);
    } finally {
      await t.close();
      await before.drop();
    }
  });
});
