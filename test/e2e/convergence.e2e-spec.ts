import type { Unleash } from 'unleash-client';
import { FlagledgerClient } from '../../src/sdk/index.js';
import { command, createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import type { TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';
import { stagingEvaluatorSecret, startTestAppWithStaging, synchronizedUnleashSdk } from '../support/unleash-sdk.js';

/**
 * docs/contract.md §11 GET /v1/flags/:key/convergence: after a kill switch, of the clients following the
 * environment — Flagledger's SDK, the real unleash-client polling and streaming — how many hold it, and
 * which do not (an Unleash SDK stopped before the change, one that only registered).
 */
const POLL_MS = 100;
const NEVER_POLLS_MS = 10 * 60_000;

interface Convergence {
  flag: string;
  environment: string;
  latestChange: { seq: number; type: string; at: string; actor: string };
  clients: number;
  applied: number;
  unknown: number;
  notApplied: { kind: string; appName: string | null; instanceId: string | null; appliedSeq: number | null }[];
}

async function convergence(t: TestApp, key: string, query = ''): Promise<Convergence> {
  return (await t.as('viewer').get(`/v1/flags/${key}/convergence${query}`).expect(200)).body as Convergence;
}

/** The convergence once `done` holds (SDKs apply and report within a second or so). */
async function convergenceUntil(
  t: TestApp,
  key: string,
  done: (c: Convergence) => boolean,
  query = '',
): Promise<Convergence> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const answer = await convergence(t, key, query);
    if (done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`convergence never got there: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('GET /v1/flags/:key/convergence (docs/contract.md §11)', () => {
  let t: TestApp;
  const unleash: Unleash[] = [];
  let sdk: FlagledgerClient;
  let stopped: Unleash;
  /** The seq the stopped client was served. */
  let stoppedAt: number;

  beforeAll(async () => {
    t = await startTestAppWithStaging();
    await createFlag(t, 'checkout', { enabled: true });
    sdk = await FlagledgerClient.start({ url: t.url, token: TOKENS.evaluator.secret, appName: 'fl-svc' });
    const poller = await synchronizedUnleashSdk(t, TOKENS.evaluator.secret, 'poller', {
      refreshInterval: POLL_MS,
      instanceId: 'poller-1',
    });
    const streamer = await synchronizedUnleashSdk(t, TOKENS.evaluator.secret, 'streamer', {
      refreshInterval: NEVER_POLLS_MS,
      experimentalMode: { type: 'streaming' },
      instanceId: 'streamer-1',
    });
    // Seen once, then stopped: it holds the flags from before the kill switch, and lags.
    stopped = await synchronizedUnleashSdk(t, TOKENS.evaluator.secret, 'paused', {
      refreshInterval: NEVER_POLLS_MS,
      instanceId: 'paused-1',
    });
    stopped.destroy();
    stoppedAt = (await t.as('evaluator').get('/v1/snapshot').expect(200)).body.headSeq as number;
    unleash.push(poller, streamer);
    // Registered, never fetched: nobody knows what it holds.
    await t
      .http()
      .post('/api/client/register')
      .set('Authorization', TOKENS.evaluator.secret)
      .send({ appName: 'registered', instanceId: 'reg-1' })
      .expect(202);
    // A staging client is not one of production's.
    const staging = await synchronizedUnleashSdk(t, await stagingEvaluatorSecret(t, 'stg'), 'stg', {
      refreshInterval: POLL_MS,
      instanceId: 'staging-1',
    });
    unleash.push(staging);
    // The SDK's first report (soon after start) is in: what it reports next, it reports for the change.
    for (;;) {
      const { clients } = (await t.as('viewer').get('/v1/clients').expect(200)).body as {
        clients: { instanceId: string }[];
      };
      if (clients.some((c) => c.instanceId === sdk.instanceId)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
  afterAll(async () => {
    for (const client of unleash) client.destroy();
    await sdk?.close();
    await t?.close();
  });

  it('counts, after a kill switch, every kind of client that applied it, and lists the stopped and the unknown', async () => {
    const { event } = await command(t, 'post', '/v1/flags/checkout/kill-switch/engage', { reason: 'INC-1' });
    const answer = await convergenceUntil(t, 'checkout', (c) => c.applied === 3);
    expect(answer).toEqual({
      flag: 'checkout',
      environment: 'production',
      latestChange: { seq: event.seq, type: 'FlagKillSwitchEngaged', at: event.at, actor: TOKENS.editor.name },
      clients: 5,
      applied: 3,
      unknown: 1,
      notApplied: [
        {
          kind: 'unleash',
          appName: 'registered',
          instanceId: 'reg-1',
          appliedSeq: null,
          lastSeen: t.clock.now().toISOString(),
        },
        {
          kind: 'unleash',
          appName: 'paused',
          instanceId: 'paused-1',
          appliedSeq: stoppedAt,
          lastSeen: t.clock.now().toISOString(),
        },
      ],
    });
    expect(sdk.isEnabled('checkout')).toBe(false);
  });

  it('ignores a change of details: owner and description change no answer', async () => {
    const before = await convergence(t, 'checkout');
    await command(t, 'patch', '/v1/flags/checkout', { owner: 'someone-else' });
    expect((await convergence(t, 'checkout')).latestChange).toEqual(before.latestChange);
  });

  it("counts another environment's clients against the flag's change there, not production's", async () => {
    const staged = await convergence(t, 'checkout', '?environment=staging');
    expect(staged).toMatchObject({ environment: 'staging', latestChange: { type: 'FlagCreated' }, clients: 1 });
    const { event } = await command(t, 'post', '/v1/environments/staging/flags/checkout/enable');
    const after = await convergenceUntil(t, 'checkout', (c) => c.applied === 1, '?environment=staging');
    expect(after.latestChange).toMatchObject({ seq: event.seq, type: 'FlagEnabled' });
    // Production's latest change is still the kill switch.
    expect((await convergence(t, 'checkout')).latestChange.type).toBe('FlagKillSwitchEngaged');
  });

  it('answers 404 for an unknown flag, 404 naming environment for an unknown one, 400 for a malformed one', async () => {
    expectProblem(await t.as('viewer').get('/v1/flags/nope/convergence'), 404, { code: 'FLAG_NOT_FOUND' });
    expectProblem(await t.as('viewer').get('/v1/flags/checkout/convergence?environment=nowhere'), 404, {
      code: 'ENVIRONMENT_NOT_FOUND',
      field: 'environment',
    });
    expectProblem(await t.as('viewer').get('/v1/flags/checkout/convergence?environment=*'), 400, {
      field: 'environment',
    });
    expectProblem(await t.as('viewer').get('/v1/flags/checkout/convergence?since=1'), 400, { field: 'since' });
  });

  it('needs a viewer: 401 without a token, 403 for an evaluator', async () => {
    expectProblem(await t.http().get('/v1/flags/checkout/convergence'), 401, { code: 'UNAUTHENTICATED' });
    expectProblem(await t.as('evaluator').get('/v1/flags/checkout/convergence'), 403, { code: 'FORBIDDEN' });
  });
});
