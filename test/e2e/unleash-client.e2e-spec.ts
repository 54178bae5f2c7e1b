import { once } from 'node:events';
import { InMemStorageProvider, Unleash, UnleashEvents, type Context } from 'unleash-client';
import { evaluateFlag, type EvaluableFlag } from '../../src/evaluation-engine/index.js';
import { EvaluationTelemetry } from '../../src/telemetry/index.js';
import { contextOf, createFlagsOfEveryShape, KEYS, LIVE_KEYS } from '../support/flags-of-every-shape.js';
import { command } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { queryRows } from '../support/raw-database.js';
import type { TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';
import { stagingEvaluatorSecret, startTestAppWithStaging, synchronizedUnleashSdk } from '../support/unleash-sdk.js';

/**
 * docs/contract.md §11: the real npm `unleash-client` (version in package.json), polling Flagledger's
 * Unleash client API over HTTP, answers exactly what Flagledger's engine answers for the same context.
 */
const REFRESH_MS = 100;
const USERS = 10_000;

const unleashContext = ({ userId, segment }: { userId?: string; segment?: string }): Context => ({
  ...(userId === undefined ? {} : { userId }),
  properties: segment === undefined ? {} : { segment },
});

const connect = (t: TestApp, token: string, appName: string): Promise<Unleash> =>
  synchronizedUnleashSdk(t, token, appName, { refreshInterval: REFRESH_MS });

describe('Unleash client API with the real unleash-client SDK (docs/contract.md §11)', () => {
  let t: TestApp;
  let production: Unleash;
  const clients: Unleash[] = [];

  beforeAll(async () => {
    t = await startTestAppWithStaging();
    await createFlagsOfEveryShape(t);
    production = await connect(t, TOKENS.evaluator.secret, 'unleash-e2e');
    clients.push(production);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await t.close();
  });

  it(`answers as Flagledger for ${USERS} contexts over flags of every shape`, async () => {
    const snapshot = (await t.as('evaluator').get('/v1/snapshot').expect(200)).body.flags as EvaluableFlag[];
    const flags = new Map(snapshot.map((flag) => [flag.key, flag]));
    const mismatches: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const context = contextOf(i);
      for (const key of KEYS) {
        const expected = evaluateFlag(key, flags.get(key), context).enabled;
        const actual = production.isEnabled(key, unleashContext(context));
        if (actual !== expected) mismatches.push(`${key} ${JSON.stringify(context)}: sdk ${actual}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The engine read above is the server's: its own evaluate/all gives the same answers.
    for (let i = 0; i < 70; i++) {
      const context = contextOf(i * 137);
      const results = (await t.as('evaluator').post('/v1/evaluate/all').send({ context }).expect(200)).body.results as {
        flagKey: string;
        enabled: boolean;
      }[];
      const served = Object.fromEntries(results.map((r) => [r.flagKey, r.enabled]));
      const sdk = Object.fromEntries(LIVE_KEYS.map((key) => [key, production.isEnabled(key, unleashContext(context))]));
      expect({ context, answers: sdk }).toEqual({ context, answers: served });
    }
  });

  it('gets a 304 on the next poll when nothing changed', async () => {
    await once(production, UnleashEvents.Unchanged);
  });

  it('sees a kill switch engaged over REST within its refresh interval', async () => {
    expect(production.isEnabled('r100', {})).toBe(true);
    const changed = once(production, UnleashEvents.Changed);
    const started = Date.now();
    await command(t, 'post', '/v1/flags/r100/kill-switch/engage', { reason: 'incident' });
    await changed;
    expect(Date.now() - started).toBeLessThan(REFRESH_MS * 5);
    expect(production.isEnabled('r100', { userId: 'u' })).toBe(false);
    await command(t, 'post', '/v1/flags/r100/kill-switch/release', { reason: 'fixed' });
  });

  it('serves a token scoped to staging the flags of staging', async () => {
    const staging = await connect(t, await stagingEvaluatorSecret(t, 'staging-unleash'), 'unleash-e2e-staging');
    clients.push(staging);
    expect(staging.isEnabled('staging-only', {})).toBe(true);
    expect(production.isEnabled('staging-only', {})).toBe(false);
  });

  it('takes the token raw or as Bearer, with an ETag over the body and If-None-Match weak or listed', async () => {
    const raw = await t.http().get('/api/client/features').set('Authorization', TOKENS.evaluator.secret).expect(200);
    const etag = raw.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(raw.body.version).toBe(2);
    expect(raw.body.features.map((f: { name: string }) => f.name)).not.toContain('archived');
    const bearer = await t.as('evaluator').get('/api/client/features').expect(200);
    expect(bearer.text).toBe(raw.text);
    for (const held of [etag, `W/${etag}`, `"other", W/${etag}`]) {
      const res = await t.as('evaluator').get('/api/client/features').set('If-None-Match', held).expect(304);
      expect(res.text).toBe('');
    }
    await t.as('evaluator').get('/api/client/features').set('If-None-Match', '"other"').expect(200);
  });

  it('refuses a wrong token with 401, on every Unleash route', async () => {
    for (const authorization of ['not-a-token', 'Bearer not-a-token', `Basic ${TOKENS.evaluator.secret}`]) {
      expectProblem(await t.http().get('/api/client/features').set('Authorization', authorization), 401);
      expectProblem(await t.http().post('/api/client/metrics').set('Authorization', authorization).send({}), 401);
      expectProblem(await t.http().post('/api/client/register').set('Authorization', authorization).send({}), 401);
    }
    // Elsewhere a bare secret stays refused.
    expectProblem(await t.http().get('/v1/snapshot').set('Authorization', TOKENS.evaluator.secret), 401);
  });

  it("takes the SDK's own register and metrics, and counts its yes/no under the engine's reasons", async () => {
    const counts = async () =>
      Object.fromEntries(
        (
          await queryRows<{ reason: string; count: number }>(
            t.dbPath,
            "SELECT reason, count FROM flag_evaluation_counts WHERE flag_key = 'seg' AND environment = 'production'",
          )
        ).map((row) => [row.reason, Number(row.count)]),
      ) as Record<string, number>;
    await t.app.get(EvaluationTelemetry).flush();
    const before = await counts();
    const reporting = new Unleash({
      url: `${t.url}/api/`,
      appName: 'unleash-e2e-metrics',
      customHeaders: { Authorization: TOKENS.evaluator.secret },
      refreshInterval: REFRESH_MS,
      metricsInterval: 50,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
    });
    clients.push(reporting);
    const warned: unknown[] = [];
    reporting.on(UnleashEvents.Warn, (warning: unknown) => warned.push(warning));
    const registered = once(reporting, UnleashEvents.Registered);
    await once(reporting, UnleashEvents.Synchronized);
    await registered;
    const sent = once(reporting, UnleashEvents.Sent);
    for (const segment of ['beta', 'beta', 'free'])
      reporting.isEnabled('seg', { userId: 'u', properties: { segment } });
    await sent;
    await t.app.get(EvaluationTelemetry).flush();
    const after = await counts();
    expect(warned).toEqual([]);
    expect({
      ROLLOUT_FULL: (after.ROLLOUT_FULL ?? 0) - (before.ROLLOUT_FULL ?? 0),
      SEGMENT_MISMATCH: (after.SEGMENT_MISMATCH ?? 0) - (before.SEGMENT_MISMATCH ?? 0),
    }).toEqual({ ROLLOUT_FULL: 2, SEGMENT_MISMATCH: 1 });
  });

  it("accepts register and metrics with 202; metrics' counts feed telemetry, unknown names under one key", async () => {
    const raw = (path: string) => t.http().post(path).set('Authorization', TOKENS.evaluator.secret);
    await raw('/api/client/register').send({ appName: 'svc', instanceId: 'i-1', strategies: [] }).expect(202);
    expectProblem(await raw('/api/client/register').send([]), 400);
    expectProblem(await raw('/api/client/metrics').send([1]), 400);
    const before = (await t.as('viewer').get('/v1/flags/r37').expect(200)).body.evaluations.last24h as number;
    // Later than the evaluations above, so only the bucket can have moved lastEvaluatedAt here.
    t.clock.advance(60_000);
    const now = t.clock.now();
    const future = new Date(now.getTime() + 3_600_000).toISOString();
    const toggles = { r37: { yes: 3, no: 2, variants: {} }, 'made-up-name': { yes: 0, no: 5 } };
    await raw('/api/client/metrics')
      .send({ appName: 'svc', instanceId: 'i-1', bucket: { start: now.toISOString(), stop: future, toggles } })
      .expect(202);
    await t.app.get(EvaluationTelemetry).flush();
    const flag = (await t.as('viewer').get('/v1/flags/r37').expect(200)).body;
    // bucket.stop lies in the future: capped at now.
    expect(flag.lastEvaluatedAt).toBe(now.toISOString());
    expect(flag.evaluations.last24h).toBe(before + 5);
    // A name that is no flag is counted under the one unknown key, never under a key of its own.
    const rows = await queryRows<{ flag_key: string; reason: string; count: number }>(
      t.dbPath,
      "SELECT flag_key, reason, count FROM flag_evaluation_counts WHERE flag_key IN ('made-up-name', '(unknown)')",
    );
    expect(rows.map((row) => ({ ...row, count: Number(row.count) }))).toEqual([
      { flag_key: '(unknown)', reason: 'FLAG_NOT_FOUND', count: 5 },
    ]);
  });
});
