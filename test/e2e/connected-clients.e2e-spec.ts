import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import type { Unleash } from 'unleash-client';
import { ConnectedClients, MAX_TRACKED_CLIENTS, type ConnectedClient } from '../../src/connected-clients/index.js';
import { FlagledgerClient } from '../../src/sdk/index.js';
import { command, createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { queryRows } from '../support/raw-database.js';
import type { TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';
import { stagingEvaluatorSecret, startTestAppWithStaging, synchronizedUnleashSdk } from '../support/unleash-sdk.js';

/**
 * docs/contract.md §11 GET /v1/clients: every SDK instance seen in the last hour, whatever it speaks —
 * Flagledger's SDK (its reports), the real unleash-client polling and streaming — with the seq it holds.
 */
const POLL_MS = 100;
const NEVER_POLLS_MS = 10 * 60_000;

async function listed(t: TestApp, query = ''): Promise<ConnectedClient[]> {
  return (await t.as('viewer').get(`/v1/clients${query}`).expect(200)).body.clients as ConnectedClient[];
}

/** The listed client matching `where`, once `done` holds for it (sightings arrive as clients poll and report). */
async function eventuallyListed(
  t: TestApp,
  where: Partial<ConnectedClient>,
  done: (client: ConnectedClient) => boolean = () => true,
): Promise<ConnectedClient> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = (await listed(t)).find(
      (c) => Object.entries(where).every(([k, v]) => c[k as keyof ConnectedClient] === v) && done(c),
    );
    if (found !== undefined) return found;
    if (Date.now() > deadline)
      throw new Error(`no client ${JSON.stringify(where)} in ${JSON.stringify(await listed(t))}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const report = (t: TestApp, body: object, token: string = TOKENS.evaluator.secret) =>
  t.http().post('/v1/telemetry/evaluations').set('Authorization', `Bearer ${token}`).send(body);

describe('GET /v1/clients (docs/contract.md §11)', () => {
  let t: TestApp;
  const unleash: Unleash[] = [];
  const sdks: FlagledgerClient[] = [];

  beforeAll(async () => {
    t = await startTestAppWithStaging();
    await createFlag(t, 'checkout', { enabled: true });
  });
  afterAll(async () => {
    for (const client of unleash) client.destroy();
    for (const client of sdks) await client.close();
    await t?.close();
  });

  it('needs a viewer: 401 without a token, 403 for an evaluator', async () => {
    expectProblem(await t.http().get('/v1/clients'), 401, { code: 'UNAUTHENTICATED' });
    expectProblem(await t.as('evaluator').get('/v1/clients'), 403, { code: 'FORBIDDEN' });
    expect((await t.as('viewer').get('/v1/clients').expect(200)).body).toEqual({ headSeq: 2, clients: [] });
  });

  it("lists Flagledger's SDK by its appName and instanceId at the seq it applied, soon after start", async () => {
    const client = await FlagledgerClient.start({
      url: t.url,
      token: TOKENS.evaluator.secret,
      appName: 'checkout-svc',
    });
    sdks.push(client);
    expect(await eventuallyListed(t, { instanceId: client.instanceId })).toEqual({
      kind: 'flagledger-sdk',
      appName: 'checkout-svc',
      instanceId: client.instanceId,
      environment: 'production',
      lastSeen: t.clock.now().toISOString(),
      appliedSeq: client.headSeq,
      etag: null,
    });
  });

  it('lists the real unleash-client polling, at the seq and with the ETag of the features it holds', async () => {
    const client = await synchronizedUnleashSdk(t, TOKENS.evaluator.secret, 'unleash-poller', {
      refreshInterval: POLL_MS,
      instanceId: 'poller-1',
    });
    unleash.push(client);
    const features = await t.http().get('/api/client/features').set('Authorization', TOKENS.evaluator.secret);
    expect(await eventuallyListed(t, { instanceId: 'poller-1' })).toEqual({
      kind: 'unleash',
      appName: 'unleash-poller',
      instanceId: 'poller-1',
      environment: 'production',
      lastSeen: t.clock.now().toISOString(),
      appliedSeq: 2,
      etag: features.headers.etag,
    });
    expect(features.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
    const { event } = await command(t, 'post', '/v1/flags/checkout/disable');
    await eventuallyListed(
      t,
      { instanceId: 'poller-1' },
      (c) => c.appliedSeq === event.seq && c.etag !== features.headers.etag,
    );
  });

  it('lists the real unleash-client streaming, at the seq of each event written to its stream', async () => {
    const client = await synchronizedUnleashSdk(t, TOKENS.evaluator.secret, 'unleash-streamer', {
      refreshInterval: NEVER_POLLS_MS,
      experimentalMode: { type: 'streaming' },
      instanceId: 'streamer-1',
    });
    unleash.push(client);
    const before = await eventuallyListed(t, { instanceId: 'streamer-1' });
    expect(before).toMatchObject({ kind: 'unleash', appName: 'unleash-streamer', etag: null });
    const { event } = await command(t, 'post', '/v1/flags/checkout/kill-switch/engage');
    await eventuallyListed(t, { instanceId: 'streamer-1' }, (c) => c.appliedSeq === event.seq);
  });

  it('lists an OpenFeature OFREP provider that names itself in Flagledger-App and Flagledger-Instance', async () => {
    const headers: [string, string][] = [
      ['Authorization', `Bearer ${TOKENS.evaluator.secret}`],
      ['Flagledger-App', 'web-shop'],
      ['Flagledger-Instance', 'ofrep-1'],
    ];
    await OpenFeature.setProviderAndWait('clients-e2e', new OFREPProvider({ baseUrl: t.url, headers }));
    try {
      await OpenFeature.getClient('clients-e2e').getBooleanValue('checkout', true, { targetingKey: 'u-1' });
    } finally {
      await OpenFeature.close();
    }
    const head = (await t.as('evaluator').get('/v1/snapshot').expect(200)).body.headSeq as number;
    expect(await eventuallyListed(t, { instanceId: 'ofrep-1' })).toEqual({
      kind: 'ofrep',
      appName: 'web-shop',
      instanceId: 'ofrep-1',
      environment: 'production',
      lastSeen: t.clock.now().toISOString(),
      appliedSeq: head,
      etag: null,
    });
    // The bulk answer's ETag is what a web provider holds and polls with.
    const bulk = await t
      .http()
      .post('/ofrep/v1/evaluate/flags')
      .set('Authorization', `Bearer ${TOKENS.evaluator.secret}`)
      .set('Flagledger-Instance', 'ofrep-bulk')
      .send({ context: { targetingKey: 'u-1' } })
      .expect(200);
    expect(await eventuallyListed(t, { instanceId: 'ofrep-bulk' })).toMatchObject({
      appName: null,
      appliedSeq: head,
      etag: bulk.headers.etag,
    });
  });

  it("lists a client under the environment it is served: a staging token's Unleash SDK in staging", async () => {
    const secret = await stagingEvaluatorSecret(t, 'unleash-staging');
    const client = await synchronizedUnleashSdk(t, secret, 'staging-svc', {
      refreshInterval: POLL_MS,
      instanceId: 's-1',
    });
    unleash.push(client);
    await eventuallyListed(t, { instanceId: 's-1', environment: 'staging' });
    expect((await listed(t, '?environment=staging')).map((c) => c.instanceId)).toEqual(['s-1']);
    expect((await listed(t, '?environment=production')).map((c) => c.instanceId)).not.toContain('s-1');
  });

  it('lists an Unleash SDK that registered, or sent metrics, by the names in its body, its seq unknown', async () => {
    const register = (body: object) =>
      t.http().post('/api/client/register').set('Authorization', TOKENS.evaluator.secret).send(body);
    await register({ appName: 'registered-only', instanceId: 'r-1', environment: 'ignored' }).expect(202);
    await t
      .http()
      .post('/api/client/metrics')
      .set('Authorization', TOKENS.evaluator.secret)
      .send({ appName: 'metrics-only', instanceId: 'm-1', bucket: { toggles: {} } })
      .expect(202);
    expect(await eventuallyListed(t, { instanceId: 'r-1' })).toMatchObject({
      appName: 'registered-only',
      environment: 'production',
      appliedSeq: null,
    });
    await eventuallyListed(t, { instanceId: 'm-1', appName: 'metrics-only' });
    expectProblem(await register({ appName: 7 }), 400, { code: 'VALIDATION_FAILED', field: 'appName' });
  });

  it('keeps the seq and ETag a poll served when the same SDK registers later, once both are written', async () => {
    const poll = await t
      .http()
      .get('/api/client/features')
      .set('Authorization', TOKENS.evaluator.secret)
      .set('UNLEASH-APPNAME', 'orders')
      .set('UNLEASH-INSTANCEID', 'o-1')
      .expect(200);
    const served = await eventuallyListed(t, { instanceId: 'o-1' });
    t.clock.advance(1000);
    await t
      .http()
      .post('/api/client/register')
      .set('Authorization', TOKENS.evaluator.secret)
      .send({ appName: 'orders', instanceId: 'o-1' })
      .expect(202);
    expect(await eventuallyListed(t, { instanceId: 'o-1' })).toEqual({
      ...served,
      lastSeen: t.clock.now().toISOString(),
      etag: poll.headers.etag,
    });
  });

  it('makes the SDK report without its identity to a server that refuses the fields, counting on', async () => {
    const sent: Record<string, unknown>[] = [];
    // A server from before GET /v1/clients: the new fields are unknown fields there (400 naming each).
    const olderServer: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/v1/telemetry/evaluations')) {
        const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
        sent.push(body);
        if ('instanceId' in body)
          return new Response(
            JSON.stringify({
              code: 'VALIDATION_FAILED',
              errors: [{ field: 'instanceId', message: 'is not a known field' }],
            }),
            { status: 400, headers: { 'content-type': 'application/problem+json' } },
          );
      }
      return fetch(input, init);
    };
    const client = await FlagledgerClient.start({
      url: t.url,
      token: TOKENS.evaluator.secret,
      appName: 'old-server',
      reportIntervalMs: 0,
      fetch: olderServer,
    });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    client.isEnabled('checkout');
    await client.reportEvaluations();
    client.isEnabled('checkout');
    await client.reportEvaluations();
    await client.close();
    expect(sent.map((body) => Object.keys(body).sort())).toEqual([
      ['appName', 'appliedSeq', 'evaluations', 'instanceId'],
      ['evaluations'],
      ['evaluations'],
    ]);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('reporting without them')]);
  });

  it('cuts an Unleash app name beyond 128 characters instead of refusing the SDK its flags', async () => {
    const res = await t
      .http()
      .get('/api/client/features')
      .set('Authorization', TOKENS.evaluator.secret)
      .set('UNLEASH-APPNAME', 'a'.repeat(500))
      .set('UNLEASH-INSTANCEID', 'long-name');
    expect(res.status).toBe(200);
    expect((await eventuallyListed(t, { instanceId: 'long-name' })).appName).toBe('a'.repeat(128));
  });

  it('refuses malformed identity fields in a report, naming each, and counts nothing of it', async () => {
    const line = { flagKey: 'checkout', reason: 'ROLLOUT_FULL', count: 1, lastEvaluatedAt: '2026-11-25T12:00:00Z' };
    for (const [field, value] of [
      ['appName', 'a'.repeat(129)],
      ['appName', ''],
      ['appName', null],
      ['instanceId', 42],
      ['appliedSeq', -1],
      ['appliedSeq', 1.5],
      ['appliedSeq', '3'],
      ['appliedSeq', Number.MAX_SAFE_INTEGER + 2],
    ] as const)
      expectProblem(await report(t, { instanceId: 'x', [field]: value, evaluations: [line] }), 400, {
        code: 'VALIDATION_FAILED',
        field,
        label: `${field}=${JSON.stringify(value)}`,
      });
    expect((await listed(t)).map((c) => c.instanceId)).not.toContain('x');
  });

  it('keeps a report without identity fields exactly as before: 202, accepted, nobody listed', async () => {
    const before = (await listed(t)).length;
    const res = await report(t, {
      evaluations: [{ flagKey: 'checkout', reason: 'ROLLOUT_FULL', count: 2, lastEvaluatedAt: '2026-11-25T12:00:00Z' }],
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1 });
    expect(await listed(t)).toHaveLength(before);
  });

  it("holds a scoped token's client to the token's environments", async () => {
    const secret = await stagingEvaluatorSecret(t, 'sdk-staging');
    expectProblem(await report(t, { instanceId: 'scoped', evaluations: [] }, secret), 403, {
      code: 'ENVIRONMENT_FORBIDDEN',
      field: 'environment',
    });
    await report(t, { environment: 'staging', instanceId: 'scoped', appliedSeq: 2, evaluations: [] }, secret).expect(
      202,
    );
    await eventuallyListed(t, { instanceId: 'scoped', environment: 'staging', appliedSeq: 2 });
  });

  it('refuses an unknown environment (404) or a malformed one (400), naming it, and unknown parameters', async () => {
    expectProblem(await t.as('viewer').get('/v1/clients?environment=nowhere'), 404, {
      code: 'ENVIRONMENT_NOT_FOUND',
      field: 'environment',
    });
    expectProblem(await t.as('viewer').get('/v1/clients?environment=Not_A_Key'), 400, { field: 'environment' });
    expectProblem(await t.as('viewer').get('/v1/clients?limit=3'), 400, { field: 'limit' });
  });

  it('forgets a client not seen for an hour, while those still polling stay', async () => {
    await report(t, { appName: 'gone-soon', instanceId: 'old', appliedSeq: 1, evaluations: [] }).expect(202);
    await eventuallyListed(t, { instanceId: 'old' });
    t.clock.advance(60 * 60_000 + 1);
    const now = t.clock.now().toISOString();
    await eventuallyListed(t, { instanceId: 'poller-1', lastSeen: now });
    expect((await listed(t)).map((c) => c.instanceId)).not.toContain('old');
  });
});

describe('GET /v1/clients bounds', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestAppWithStaging();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('tracks at most MAX_TRACKED_CLIENTS instances, over HTTP and across writes, the stalest forgotten', async () => {
    // Over HTTP: more made-up instance ids than the bound, from one token, in batches of parallel reports.
    const total = MAX_TRACKED_CLIENTS + 50;
    for (let start = 0; start < total; start += 500)
      await Promise.all(
        Array.from({ length: Math.min(500, total - start) }, (_, i) =>
          report(t, { instanceId: `made-up-${start + i}`, evaluations: [] }).expect(202),
        ),
      );
    const first = await listed(t);
    expect(first).toHaveLength(MAX_TRACKED_CLIENTS);
    // Written in another flush, later: the table keeps the newest MAX_TRACKED_CLIENTS of both writes.
    t.clock.advance(1000);
    const clients = t.app.get(ConnectedClients);
    for (let i = 0; i < 100; i++) clients.seen({ kind: 'ofrep', instanceId: `later-${i}`, environment: 'production' });
    const second = await listed(t);
    expect(second).toHaveLength(MAX_TRACKED_CLIENTS);
    expect(second.filter((c) => c.kind === 'ofrep')).toHaveLength(100);
    const [{ count }] = await queryRows<{ count: number | string }>(
      t.dbPath,
      'SELECT count(*) AS count FROM client_sightings',
    );
    expect(Number(count)).toBe(MAX_TRACKED_CLIENTS);
  });
});
