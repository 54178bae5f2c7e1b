import { Agent } from 'node:http';
import { expectProblem } from '../support/problem.js';
import { callServer } from '../support/server-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

/**
 * docs/contract.md §9: repeated failed authentication from one address is throttled (429 with
 * Retry-After after a burst); requests with valid credentials never are. Burst 3, one back every 10 s.
 */
describe('failed-authentication throttling', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ authFailures: { burst: 3, refillPerMinute: 6 } });
  });
  afterEach(() => t.close());

  const guess = () => t.http().get('/v1/flags').set('Authorization', 'Bearer not-a-token');

  const expectThrottled = (res: Awaited<ReturnType<typeof guess>>, retryAfter: string) => {
    expectProblem(res, 429, { code: 'TOO_MANY_FAILED_AUTHENTICATIONS' });
    expect(res.headers['retry-after']).toBe(retryAfter);
  };

  it('answers 401 for a burst of bad credentials, then 429 with Retry-After until it has passed', async () => {
    for (let i = 0; i < 3; i++) expectProblem(await guess(), 401, { code: 'UNAUTHENTICATED' });
    expectThrottled(await guess(), '10');
    t.clock.advance(4_000);
    expectThrottled(await guess(), '6');
    t.clock.advance(6_000);
    expectProblem(await guess(), 401, { code: 'UNAUTHENTICATED' });
    expectThrottled(await guess(), '10');
  });

  it('never throttles a valid token, even from a throttled address', async () => {
    for (let i = 0; i < 4; i++) await guess();
    expectThrottled(await guess(), '10');
    await t.as('viewer').get('/v1/flags').expect(200);
    await t.as('evaluator').post('/v1/evaluate').send({ flagKey: 'f' }).expect(200);
    const cookie = (await t.http().post('/v1/session').send({ token: TOKENS.viewer.secret }).expect(201)).headers[
      'set-cookie'
    ]![0]!.split(';')[0]!;
    await t.http().get('/v1/flags').set('Cookie', cookie).expect(200);
  });

  it('counts every kind of failed authentication: missing, malformed, unknown, a dead session, a bad sign-in', async () => {
    expectProblem(await t.http().get('/v1/flags'), 401);
    expectProblem(await t.http().get('/v1/flags').set('Authorization', 'Basic YTpi'), 401);
    expectProblem(await t.http().get('/v1/flags').set('Cookie', 'flagledger_session=expired'), 401);
    expectThrottled(await t.http().post('/v1/session').send({ token: 'not-a-token' }), '10');
    expectThrottled(await t.http().get('/v1/flags').set('Cookie', 'flagledger_session=expired'), '10');
  });

  it('does not count refusals that are no failed authentication (403, 404), by token or by cookie', async () => {
    const signIn = await t.http().post('/v1/session').send({ token: TOKENS.viewer.secret }).expect(201);
    const cookie = signIn.headers['set-cookie']![0]!.split(';')[0]!;
    for (let i = 0; i < 5; i++) {
      await t.as('viewer').post('/v1/flags').send({}).expect(403);
      await t.as('viewer').get('/v1/flags/ghost').expect(404);
      expectProblem(await t.http().post('/v1/flags').set('Cookie', cookie).send({}), 403, { code: 'CSRF_FAILED' });
      const write = t.http().post('/v1/flags').set('Cookie', cookie).set('X-Flagledger-CSRF', signIn.body.csrf);
      expectProblem(await write.send({}), 403, { code: 'FORBIDDEN' });
    }
    expectProblem(await guess(), 401);
  });

  it('counts per address: another client is not throttled by this one, whatever X-Forwarded-For says', async () => {
    for (let i = 0; i < 3; i++) await guess().set('X-Forwarded-For', `203.0.113.${i}`);
    expectThrottled(await guess().set('X-Forwarded-For', '198.51.100.7'), '10');
    // Linux routes all of 127/8 to loopback: a socket bound to 127.0.0.2 is another client address.
    const elsewhere = new Agent({ localAddress: '127.0.0.2' });
    try {
      const port = Number(new URL(t.url).port);
      const res = await callServer(port, elsewhere, 'GET', '/v1/flags', 'not-a-token');
      expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    } finally {
      elsewhere.destroy();
    }
    expectThrottled(await guess(), '10');
  });
  it('counts a wrong raw token on the Unleash client API like any other, and never throttles a right one', async () => {
    const unleash = (authorization: string) => t.http().get('/api/client/features').set('Authorization', authorization);
    for (let i = 0; i < 3; i++) expectProblem(await unleash('not-a-token'), 401, { code: 'UNAUTHENTICATED' });
    expectThrottled(await unleash('not-a-token'), '10');
    expectThrottled(await guess(), '10');
    await unleash(TOKENS.evaluator.secret).expect(200);
  });
});
