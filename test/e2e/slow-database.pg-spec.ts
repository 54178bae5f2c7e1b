import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { APPEND_LOCK_ID } from '../../src/event-store/postgres/postgres.event-store.js';
import { createFlag } from '../support/flags.js';
import { queryRows } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 17, "the database slow": another session holds the append lock through a pg_sleep, as a slow
 * statement or a stuck backend would. A command then answers 503 STORAGE_UNAVAILABLE within
 * FLAGLEDGER_DB_TIMEOUT_MS instead of waiting, evaluations answer at once meanwhile, the refused command
 * is never applied once the lock is free, and the next command goes through.
 */
const TIMEOUT_MS = 800;

describe('a slow PostgreSQL holding the append lock', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ backend: 'postgres', dbTimeoutMs: TIMEOUT_MS });
    await createFlag(t, 'slow', { enabled: true });
  });
  afterAll(() => t?.close());

  it('answers 503 within the bound, keeps evaluating, and never applies what it refused', async () => {
    const holder = new pg.Client({ connectionString: t.dbPath });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_ID})`);
    const sleeping = holder.query('SELECT pg_sleep(3)');

    const key = randomUUID();
    const started = Date.now();
    const refused = await t
      .as('editor')
      .put('/v1/flags/slow/rollout')
      .set('Idempotency-Key', key)
      .send({ percentage: 42 });
    const took = Date.now() - started;
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 503, code: 'STORAGE_UNAVAILABLE' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(took).toBeLessThan(TIMEOUT_MS + 700);

    const evaluationStarted = Date.now();
    const evaluation = await t
      .as('evaluator')
      .post('/v1/evaluate')
      .send({ flagKey: 'slow', context: { userId: 'u' } });
    expect(evaluation.status).toBe(200);
    expect(Date.now() - evaluationStarted).toBeLessThan(200);
    expect((await t.http().get('/ready')).status).toBe(503);

    await sleeping;
    await holder.query('COMMIT');
    await holder.end();
    // Back within the probe's second; then the command goes through, and the refused one never landed.
    const deadline = Date.now() + 3_000;
    while ((await t.http().get('/ready')).status !== 200 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await t.as('editor').put('/v1/flags/slow/rollout').send({ percentage: 7 });
    expect(after.status).toBe(200);
    const rows = await queryRows<{ n: number }>(
      t.dbPath,
      `SELECT count(*) AS n FROM events WHERE idempotency_key = '${key}'`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
    const flag = (await t.as('viewer').get('/v1/flags/slow').expect(200)).body;
    expect(flag.rolloutPercentage).toBe(7);
  }, 30_000);
});
