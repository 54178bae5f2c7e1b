import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature, type Client as WebClient } from '@openfeature/web-sdk';
import { evaluateFlag, type EvaluableFlag } from '../../src/evaluation-engine/index.js';
import { contextOf, createFlagsOfEveryShape, KEYS } from '../support/flags-of-every-shape.js';
import { command, createFlag } from '../support/flags.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';
import { stagingEvaluatorSecret, startTestAppWithStaging } from '../support/unleash-sdk.js';

/**
 * docs/contract.md §11: OFREP 0.3, checked with the real npm OpenFeature packages (versions in
 * package.json): the server SDK's OFREP provider, one request per evaluation, and the web SDK's, which
 * fetches every flag for its context in bulk, keeps the ETag and polls with it.
 */
/** Each 10,000-context test takes ~10 s alone, and the full suite's load can triple that: they get 2 minutes. */
const USERS = 10_000;
const bearer = (secret: string) => [['Authorization', `Bearer ${secret}`]] as [string, string][];
const ofrepContext = ({ userId, segment }: { userId?: string; segment?: string }) => ({
  ...(userId === undefined ? {} : { targetingKey: userId }),
  ...(segment === undefined ? {} : { segment }),
});

/** Runs `task` over 0…n-1 with `width` at a time: the server provider makes one request per answer. */
async function inParallel(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) await task(i);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

describe('OFREP with the real OpenFeature providers (docs/contract.md §11)', () => {
  let t: TestApp;
  let flags: Map<string, EvaluableFlag>;
  let server: Client;

  const expected = (key: string, context: { userId?: string; segment?: string }) =>
    evaluateFlag(key, flags.get(key), context).enabled;

  beforeAll(async () => {
    t = await startTestAppWithStaging();
    await createFlagsOfEveryShape(t);
    const snapshot = (await t.as('evaluator').get('/v1/snapshot').expect(200)).body.flags as EvaluableFlag[];
    flags = new Map(snapshot.map((flag) => [flag.key, flag]));
    await OpenFeature.setProviderAndWait(
      'ofrep-e2e',
      new OFREPProvider({ baseUrl: t.url, headers: bearer(TOKENS.evaluator.secret) }),
    );
    server = OpenFeature.getClient('ofrep-e2e');
  });
  afterAll(async () => {
    await OpenFeature.close();
    await WebOpenFeature.close();
    await t.close();
  });

  it(`server provider: answers as Flagledger for ${USERS} contexts over flags of every shape`, async () => {
    const mismatches: string[] = [];
    await inParallel(USERS, 16, async (i) => {
      const context = contextOf(i);
      // One request per evaluation, so each context asks one key: each run of 35 contexts (every kind of
      // id with every segment) asks the next key, so each key is asked ~700 contexts of every kind.
      const key = KEYS[Math.floor(i / 35) % KEYS.length]!;
      const actual = await server.getBooleanValue(key, false, ofrepContext(context));
      if (actual !== expected(key, context)) mismatches.push(`${key} ${JSON.stringify(context)}: sdk ${actual}`);
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
  }, 120_000);

  it('server provider: Flagledger reason in metadata; a partial rollout without a user is false, not an error', async () => {
    const missing = await server.getBooleanDetails('r37', true, {});
    expect(missing).toMatchObject({ value: false, reason: 'DEFAULT', variant: 'off' });
    expect(missing.errorCode).toBeUndefined();
    expect(missing.flagMetadata).toEqual({
      flagledgerReason: 'MISSING_USER_ID',
      flagVersion: 1,
      environment: 'production',
    });
    const killed = await server.getBooleanDetails('killed', true, { targetingKey: 'u' });
    expect(killed).toMatchObject({
      value: false,
      reason: 'DISABLED',
      flagMetadata: { flagledgerReason: 'KILL_SWITCH' },
    });
    const split = await server.getBooleanDetails('r99', false, { targetingKey: 'user-3' });
    expect(split).toMatchObject({
      reason: 'SPLIT',
      flagMetadata: { flagledgerReason: expect.stringMatching(/^ROLLOUT_(IN|OUT)$/) },
    });
    expect(split.flagMetadata.bucket).toEqual(expect.any(Number));
    expect(await server.getBooleanDetails('seg', false, { targetingKey: 'u', segment: 'beta' })).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
    // The reasons the in-process OpenFeature provider gives: the same service gets the same either way.
    expect(await server.getBooleanDetails('r100', false, {})).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(await server.getBooleanDetails('archived', true, { targetingKey: 'u' })).toMatchObject({
      value: false,
      reason: 'DISABLED',
      flagMetadata: { flagledgerReason: 'ARCHIVED' },
    });
    expect(await server.getBooleanDetails('unknown-key', true, { targetingKey: 'u' })).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
      reason: 'ERROR',
    });
  });

  it(`web provider: answers as Flagledger for ${USERS} contexts, one bulk evaluation each`, async () => {
    const provider = new OFREPWebProvider({
      baseUrl: t.url,
      headers: bearer(TOKENS.evaluator.secret),
      cacheMode: 'disabled',
      changeDetection: 'none',
    });
    await WebOpenFeature.setProviderAndWait('ofrep-web-e2e', provider, ofrepContext(contextOf(0)));
    const web: WebClient = WebOpenFeature.getClient('ofrep-web-e2e');
    const mismatches: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const context = contextOf(i);
      if (i > 0) await WebOpenFeature.setContext('ofrep-web-e2e', ofrepContext(context));
      for (const key of KEYS) {
        const actual = web.getBooleanValue(key, false);
        if (actual !== expected(key, context)) mismatches.push(`${key} ${JSON.stringify(context)}: sdk ${actual}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  }, 120_000);

  it('web provider: sees a kill switch on its next poll, holding the ETag in between', async () => {
    const provider = new OFREPWebProvider({
      baseUrl: t.url,
      headers: bearer(TOKENS.evaluator.secret),
      cacheMode: 'disabled',
      changeDetection: 'polling',
      pollInterval: 100,
    });
    await WebOpenFeature.setProviderAndWait('ofrep-web-poll', provider, { targetingKey: 'u' });
    const web = WebOpenFeature.getClient('ofrep-web-poll');
    expect(web.getBooleanValue('r100', false)).toBe(true);
    const started = Date.now();
    await command(t, 'post', '/v1/flags/r100/kill-switch/engage', { reason: 'incident' });
    while (web.getBooleanValue('r100', true) && Date.now() - started < 2_000) await sleep(20);
    expect(web.getBooleanDetails('r100', true)).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(Date.now() - started).toBeLessThan(1_000);
    await command(t, 'post', '/v1/flags/r100/kill-switch/release', { reason: 'fixed' });
    // Same targetingKey, another segment: the held ETag is sent back and must not be taken as "unchanged".
    await WebOpenFeature.setContext('ofrep-web-poll', { targetingKey: 'u', segment: 'beta' });
    expect(web.getBooleanValue('seg', false)).toBe(true);
    await WebOpenFeature.setContext('ofrep-web-poll', { targetingKey: 'u', segment: 'free' });
    expect(web.getBooleanValue('seg', true)).toBe(false);
  });

  it("serves a token scoped to staging staging's flags, by Bearer or X-API-Key", async () => {
    const staging = await stagingEvaluatorSecret(t, 'staging-ofrep');
    await OpenFeature.setProviderAndWait(
      'ofrep-staging',
      new OFREPProvider({ baseUrl: t.url, headers: [['X-API-Key', staging]] }),
    );
    const client = OpenFeature.getClient('ofrep-staging');
    expect(await client.getBooleanDetails('staging-only', false)).toMatchObject({
      value: true,
      flagMetadata: { environment: 'staging' },
    });
    expect(await server.getBooleanValue('staging-only', true)).toBe(false);
    // Revoked, it gets the code default with an error; nobody else notices.
    const [listed] = (await t.as('admin').get('/v1/tokens').expect(200)).body.tokens.filter(
      (token: { name: string }) => token.name === 'staging-ofrep',
    );
    await t.as('admin').post(`/v1/tokens/${listed.id}/revoke`).send({ reason: 'rotated out' }).expect(200);
    expect(await client.getBooleanDetails('staging-only', true)).toMatchObject({ value: true, reason: 'ERROR' });
    expect(await server.getBooleanValue('r100', false)).toBe(true);
  });

  it('answers no browser across origins when no origin is configured', async () => {
    const preflight = await t
      .http()
      .options('/ofrep/v1/evaluate/flags')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const answer = await t
      .as('evaluator')
      .post('/ofrep/v1/evaluate/flags')
      .set('Origin', 'https://app.example')
      .send({});
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('OFREP on the wire (docs/contract.md §11)', () => {
  let t: TestApp;
  const post = (path: string) => t.http().post(path).set('Authorization', `Bearer ${TOKENS.evaluator.secret}`);

  beforeAll(async () => {
    t = await startTestApp({ authFailures: { burst: 3, refillPerMinute: 1 }, corsOrigins: ['https://app.example'] });
    await createFlag(t, 'checkout', { enabled: true, rolloutPercentage: 50 });
    await createFlag(t, 'banner', { enabled: true });
  });
  afterAll(() => t.close());

  it('answers one flag in the spec shape, taking Bearer or X-API-Key; no body is an empty context', async () => {
    const res = await post('/ofrep/v1/evaluate/flags/banner').send({ context: { targetingKey: 'u', plan: 'gold' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      key: 'banner',
      value: true,
      reason: 'TARGETING_MATCH',
      variant: 'on',
      metadata: { flagledgerReason: 'ROLLOUT_FULL', flagVersion: 1, environment: 'production' },
    });
    const byKey = await t.http().post('/ofrep/v1/evaluate/flags/banner').set('X-API-Key', TOKENS.evaluator.secret);
    expect(byKey.status).toBe(200);
    expect(byKey.body.value).toBe(true);
    const missing = await post('/ofrep/v1/evaluate/flags/checkout').send({ context: {} });
    expect(missing.body).toMatchObject({
      value: false,
      reason: 'DEFAULT',
      metadata: { flagledgerReason: 'MISSING_USER_ID' },
    });
  });

  it('refuses in OFREP shape: FLAG_NOT_FOUND, PARSE_ERROR, INVALID_CONTEXT', async () => {
    const notFound = await post('/ofrep/v1/evaluate/flags/nope').send({});
    expect(notFound.status).toBe(404);
    expect(notFound.body).toEqual({
      key: 'nope',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: "flag 'nope' does not exist",
    });
    const malformed = await post('/ofrep/v1/evaluate/flags/banner')
      .set('Content-Type', 'application/json')
      .send('{"context":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ key: 'banner', errorCode: 'PARSE_ERROR' });
    const bulkMalformed = await post('/ofrep/v1/evaluate/flags').set('Content-Type', 'application/json').send('[1,');
    expect(bulkMalformed.status).toBe(400);
    expect(bulkMalformed.body).toEqual({ errorCode: 'PARSE_ERROR', errorDetails: expect.any(String) });
    expect((await post('/ofrep/v1/evaluate/flags/banner').send([1])).body).toMatchObject({ errorCode: 'PARSE_ERROR' });
    // Refused before routing, still in OFREP's shape: a key that does not percent-decode (no such flag),
    // and a bad body on a path in other case (Express routes it all the same).
    const undecodable = await post('/ofrep/v1/evaluate/flags/%80').send({});
    expect({ status: undecodable.status, body: undecodable.body }).toMatchObject({
      status: 404,
      body: { key: '%80', errorCode: 'FLAG_NOT_FOUND' },
    });
    const shouted = await post('/OFREP/v1/Evaluate/Flags/banner').set('Content-Type', 'application/json').send('{');
    expect(shouted.body).toMatchObject({ key: 'banner', errorCode: 'PARSE_ERROR' });
    for (const context of ['u', [1], { targetingKey: 7 }, { segment: { a: 1 } }, { targetingKey: 'x'.repeat(1025) }]) {
      const res = await post('/ofrep/v1/evaluate/flags/banner').send({ context });
      expect({ context, status: res.status, body: res.body }).toEqual({
        context,
        status: 400,
        body: { key: 'banner', errorCode: 'INVALID_CONTEXT', errorDetails: expect.stringMatching(/^context/) },
      });
    }
  });

  it('bulk: every live flag, an ETag of the evaluated body, 304 for the same answers only', async () => {
    const first = await post('/ofrep/v1/evaluate/flags').send({ context: { targetingKey: 'user-1' } });
    expect(first.status).toBe(200);
    expect(first.body.flags.map((f: { key: string }) => f.key)).toEqual(['banner', 'checkout']);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    for (const held of [etag, `W/${etag}`, `"other", W/${etag}`]) {
      const again = await post('/ofrep/v1/evaluate/flags')
        .set('If-None-Match', held)
        .send({ context: { targetingKey: 'user-1' } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
    }
    // Another user, whom the 50 % rollout answers otherwise (asked of /v1/evaluate): the If-None-Match
    // the web provider keeps sending must not get a 304.
    const checkout = async (userId: string) =>
      (await t.as('evaluator').post('/v1/evaluate').send({ flagKey: 'checkout', context: { userId } })).body.enabled;
    let otherUser = 'user-2';
    for (let i = 3; (await checkout(otherUser)) === (await checkout('user-1')); i++) otherUser = `user-${i}`;
    const other = await post('/ofrep/v1/evaluate/flags')
      .set('If-None-Match', etag)
      .send({ context: { targetingKey: otherUser } });
    expect(other.status).toBe(200);
    expect(other.headers.etag).not.toBe(etag);
  });

  it('answers 401 and 403 with no body, 429 with Retry-After, and a good token still works', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong' }, { 'X-API-Key': 'wrong' }]) {
      const res = await t.http().post('/ofrep/v1/evaluate/flags/banner').set(headers).send({});
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
    }
    const throttled = await t.http().post('/ofrep/v1/evaluate/flags').set('X-API-Key', 'wrong').send({});
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.text).toBe('');
    expect((await post('/ofrep/v1/evaluate/flags/banner').send({})).status).toBe(200);
    // A token for two environments, neither the default: OFREP names none, so it is refused, bodiless.
    for (const key of ['qa', 'dev'])
      await t.as('admin').post('/v1/environments').send({ key, name: key, type: 'test' }).expect(201);
    const issued = await t
      .as('admin')
      .post('/v1/tokens')
      .send({ name: 'two-envs', role: 'evaluator', environments: ['qa', 'dev'] })
      .expect(201);
    const forbidden = await t
      .http()
      .post('/ofrep/v1/evaluate/flags/banner')
      .set('X-API-Key', issued.body.secret)
      .send({});
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toBe('');
  });

  it('allows the configured browser origins only, exposing ETag and Retry-After', async () => {
    const preflight = await t
      .http()
      .options('/ofrep/v1/evaluate/flags')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type, if-none-match, x-api-key');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/If-None-Match.*X-API-Key/);
    const answer = await post('/ofrep/v1/evaluate/flags').set('Origin', 'https://app.example').send({});
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(answer.headers['access-control-expose-headers']).toBe('ETag, Retry-After');
    const stranger = await post('/ofrep/v1/evaluate/flags').set('Origin', 'https://evil.example').send({});
    expect(stranger.status).toBe(200);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    // Elsewhere nothing is cross-origin.
    const v1 = await t
      .as('evaluator')
      .post('/v1/evaluate')
      .set('Origin', 'https://app.example')
      .send({ flagKey: 'banner' });
    expect(v1.headers['access-control-allow-origin']).toBeUndefined();
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
